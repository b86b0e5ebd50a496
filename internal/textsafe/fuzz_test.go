package textsafe

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscape checks that Escape's output is valid UTF-8 within its cap with no
// unsafe rune, and that Replace's output has no unsafe rune either.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "a\nb", "\xff\xfe", "\u2028\u202e", strings.Repeat("é\n", 400), url.QueryEscape("\n"), `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s, 64)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if len(out) > 64+len("…") {
			t.Fatalf("too long: %d", len(out))
		}
		for _, r := range out {
			if Unsafe(r) {
				t.Fatalf("unsafe rune %U in %q", r, out)
			}
		}
		if i := strings.IndexFunc(Replace(s), Unsafe); i >= 0 {
			t.Fatalf("Replace(%q) keeps an unsafe rune at %d", s, i)
		}
	})
}
