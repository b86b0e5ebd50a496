package jsonscan

import (
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
