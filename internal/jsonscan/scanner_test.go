package jsonscan

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valid reports whether the scanner reads data as one JSON value.
func valid(data []byte) bool {
	s := Scanner{Data: data}
	if s.Skip() != nil {
		return false
	}
	return s.End() == nil
}

var grammar = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `true`, `false`, `null`, ` {"a": [1, "b", {"c": null}]} `,
	`"\u00e9\ud83d\ude00\n\/"`, `"\ud800"`, "\"\xff\"", `{"a":1,}`, `[1,]`, `01`, `1.`, `.5`, `-`, `1e`,
	`"\x"`, "\"a\x01\"", `{"a" 1}`, `{1: 2}`, `[1 2]`, `tru`, `nul`, `{"a":1}}`, ``, ` `, `"abc`,
	strings.Repeat("[", MaxNesting) + strings.Repeat("]", MaxNesting),
	strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1),
}

func TestScannerAcceptsWhatEncodingJSONAccepts(t *testing.T) {
	t.Parallel()
	for _, in := range grammar {
		assert.Equal(t, json.Valid([]byte(in)), valid([]byte(in)), "%.40q", in)
	}
}

func FuzzScannerGrammar(f *testing.F) {
	for _, in := range grammar {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		require.Equal(t, json.Valid(data), valid(data), "%q", data)
	})
}

func TestMemberNameAndFolding(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`"cursor"`, "cursor"},
		{`"\u0063ursor"`, "cursor"},
		{`"caf\u00e9"`, "café"},
	}
	for _, tc := range cases {
		s := Scanner{Data: []byte(tc.in + `: 1`)}
		raw, esc, err := s.Name()
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, string(s.MemberName(raw, esc)), tc.in)
	}
	folded := FoldedNames("cursor", "next")
	assert.Equal(t, 0, FoldLookup([]byte("CURSOR"), folded))
	assert.Equal(t, 1, FoldLookup([]byte("Next"), folded))
	assert.Equal(t, 0, FoldLookup([]byte("curſor"), folded), "U+017F folds to s, as in encoding/json")
	assert.Equal(t, -1, FoldLookup([]byte("cursors"), folded))
}

// SkipLenientString fails exactly where LenientString fails and stops at
// the same place.
func TestSkipLenientStringAgreesWithLenientString(t *testing.T) {
	t.Parallel()
	for _, in := range append(grammar, `"a\"b"`, ` 12 `, `-1.5`, `"\u00e9"`, `{"a": 1}`, `[1]`) {
		read := Scanner{Data: []byte(in)}
		_, rerr := read.LenientString()
		skip := Scanner{Data: []byte(in)}
		serr := skip.SkipLenientString()
		assert.Equal(t, rerr == nil, serr == nil, "%.40q", in)
		if rerr == nil {
			assert.Equal(t, read.Pos, skip.Pos, "%.40q", in)
		}
	}
}

func FuzzSkipLenientString(f *testing.F) {
	for _, in := range grammar {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		read := Scanner{Data: data}
		_, rerr := read.LenientString()
		skip := Scanner{Data: data}
		serr := skip.SkipLenientString()
		require.Equal(t, rerr == nil, serr == nil, "%q", data)
		if rerr == nil {
			require.Equal(t, read.Pos, skip.Pos, "%q", data)
		}
	})
}

func TestStrSpecial(t *testing.T) {
	t.Parallel()
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	for pos := range 8 {
		for c := range 256 {
			w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
			w[pos] = byte(c)
			assert.Equal(t, special(byte(c)), strSpecial(binary.LittleEndian.Uint64(w[:])), "byte %#x at %d", c, pos)
		}
	}
	for i := range 1 << 16 { // pairs of bytes around the thresholds
		w := [8]byte{0x80, 0xff, 0x7f, 0x21, byte(i), byte(i >> 8), 0x23, 0x5d}
		want := special(byte(i)) || special(byte(i>>8))
		assert.Equal(t, want, strSpecial(binary.LittleEndian.Uint64(w[:])), "%x", w)
	}
}

// keyCases are member names and what follows them.
var keyCases = []string{
	`"cursor": 1`, `"cursor" : 1`, `"cur\u0073or": 1`, `"caf\u00e9": 1`, "\"caf\xc3\xa9\": 1", "\"\xff\": 1",
	`"": 1`, `"a"`, `"a"x`, `"a`, `a": 1`, `"a\"b": 1`, "\"a\tb\": 1", `"ab":1`,
}

// Key is Name then MemberName.
func checkKey(t testing.TB, in []byte) {
	key := Scanner{Data: in}
	got, kerr := key.Key()
	name := Scanner{Data: in}
	raw, esc, nerr := name.Name()
	require.Equal(t, nerr == nil, kerr == nil, "%q", in)
	if nerr == nil {
		require.Equal(t, string(name.MemberName(raw, esc)), string(got), "%q", in)
		require.Equal(t, name.Pos, key.Pos, "%q", in)
	}
}

func TestKeyIsNameAndMemberName(t *testing.T) {
	t.Parallel()
	for _, in := range append(keyCases, grammar...) {
		checkKey(t, []byte(in))
	}
}

func FuzzKey(f *testing.F) {
	for _, in := range keyCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkKey(t, in) })
}
