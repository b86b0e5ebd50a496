package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestEscape(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"curl/8.5.0", "curl/8.5.0"},
		{"a\nb", `a\x0ab`},
		{"a\r\nlevel=ERROR msg=forged", `a\x0d\x0alevel=ERROR msg=forged`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"tab\there", `tab\x09here`},
		{"del\x7f", `del\x7f`},
		{`back\slash`, `back\\slash`},
		{`é\`, `é\\`},
		{"bad utf8 \xff\xfe", `bad utf8 \xff\xfe`},
		{"line\u2028sep", `line\u2028sep`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"arabic mark \u061c", `arabic mark \u061c`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"bom\ufeff", `bom\ufeff`},
		{"C1 \u0085", `C1 \u0085`},
		{"héllo wörld ✓", "héllo wörld ✓"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, Escape(c.in, 0))
		})
	}
	long := strings.Repeat("é", 1000)
	got := Escape(long, 100)
	assert.LessOrEqual(t, len(got), 100+len("…"))
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.True(t, utf8.ValidString(got), "cut at a rune boundary")
	assert.Equal(t, `\x0a\x0a…`, Escape("\n\n\n", 8), "an escape is never cut in half")
	assert.Len(t, Escape(strings.Repeat("a", 600), 0), DefaultMax+len("…"))
}

func TestReplace(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"Web server /admin", "Web server /admin"},
		{"a\r\nb\tc", "a  b c"},
		{"line\u2028sep", "line sep"},
		{"\x1b[2Jclear", "?[2Jclear"},
		{"bidi \u202eevil\u2066", "bidi ?evil?"},
		{"bad \xff", "bad ?"},
		{"zero\u200bwidth", "zero?width"},
		{`back\slash é`, `back\slash é`},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Replace(c.in), "%q", c.in)
	}
}

func TestUnsafe(t *testing.T) {
	t.Parallel()
	for _, r := range []rune{0, '\t', '\n', 0x1b, 0x7f, 0x85, 0x9f, 0x061c, 0x200b, 0x200e, 0x202a, 0x202e, 0x2028, 0x2066, 0x2069, 0xfeff, utf8.RuneError} {
		assert.True(t, Unsafe(r), "%U", r)
	}
	for _, r := range []rune{' ', 'a', '~', '\\', 0xa0, 'é', 0x061b, 0x2010, 0x2030, 0x2070, '✓', 0x1f600} {
		assert.False(t, Unsafe(r), "%U", r)
	}
}
