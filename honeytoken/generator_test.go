package honeytoken

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewGeneratorKeyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  []byte
		opts []Option
		want string
	}{
		{"short", make([]byte, 31), nil, "too short"},
		{"nil", nil, nil, "too short"},
		{"constant", bytes.Repeat([]byte{7}, 32), nil, "single byte"},
		{"short retired", testKey("a"), []Option{WithRetiredKeys(testKey("b"), []byte("short"))}, "retired key #2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewGenerator(tt.key, tt.opts...)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrKey)
			var ke *KeyError
			require.ErrorAs(t, err, &ke)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "crypto/rand", "the error says what to do")
		})
	}
}

func TestMatchJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Match{ID: "ab", Format: NPM, Part: PartSecret, Strength: 64})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"part":"secret"`)
	var m Match
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, PartSecret, m.Part)
	require.Error(t, json.Unmarshal([]byte(`{"part":"half"}`), &m))
}

func TestNewGeneratorNilOption(t *testing.T) {
	t.Parallel()
	// A nil option is skipped, as in every package; a nil value inside an
	// option is an error.
	_, err := NewGenerator(testKey("nil-opt"), nil)
	require.NoError(t, err)
	var ve *ValidationError
	_, err = NewGenerator(testKey("nil-opt"), WithClock(nil))
	require.ErrorAs(t, err, &ve)
	_, err = NewGenerator(testKey("nil-opt"), WithRandom(nil))
	require.ErrorAs(t, err, &ve)
}

func TestGenerateUnknownFormat(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "unknown")
	_, err := g.Generate(Format("nope"), Meta{})
	require.ErrorIs(t, err, ErrUnknownFormat)
	assert.Contains(t, err.Error(), "Formats()")
}

func TestGenerateFillsTokenFields(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "fields")
	meta := Meta{Location: "infra/.env", Memo: "deploy box", Labels: map[string]string{"team": "sre"}, ExpiresAt: fixedNow.AddDate(1, 0, 0)}
	tok, err := g.Generate(StripeSecret, meta)
	require.NoError(t, err)
	assert.Len(t, tok.ID, 16)
	assert.Equal(t, StripeSecret, tok.Format)
	assert.Equal(t, fixedNow, tok.CreatedAt)
	assert.Equal(t, meta, tok.Meta)
	meta.Labels["team"] = "changed"
	assert.Equal(t, "sre", tok.Meta.Labels["team"], "labels are copied")
}

func TestRetiredKeysStillRecognise(t *testing.T) {
	t.Parallel()
	old := newTestGenerator(t, "old")
	tok, err := old.Generate(GitHubClassic, Meta{})
	require.NoError(t, err)
	aws, err := old.Generate(AWSAccessKey, Meta{})
	require.NoError(t, err)

	rotated, err := NewGenerator(testKey("new"), WithRetiredKeys(testKey("old")))
	require.NoError(t, err)
	for _, v := range []string{tok.Value, aws.Value, aws.Secret} {
		m, ok := rotated.Recognize(v)
		require.True(t, ok)
		assert.True(t, m.Retired)
	}
	fresh, err := rotated.Generate(GitHubClassic, Meta{})
	require.NoError(t, err)
	m, ok := rotated.Recognize(fresh.Value)
	require.True(t, ok)
	assert.False(t, m.Retired)
	_, ok = old.Recognize(fresh.Value)
	assert.False(t, ok, "new tokens are not tagged with the old key")
}

func TestCustomFormat(t *testing.T) {
	t.Parallel()
	acme := CustomFormat{Name: "acme", Prefix: "acme_live_", Length: 32, Alphabet: Base62}
	g := newTestGenerator(t, "custom", WithCustomFormat(acme))
	assert.Contains(t, g.Formats(), Format("acme"))
	for range 1000 {
		tok, err := g.Generate("acme", Meta{})
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(tok.Value, "acme_live_"))
		require.Len(t, tok.Value, len("acme_live_")+32)
		require.True(t, base62.valid(tok.Value[10:]))
		require.Greater(t, shannon(tok.Value), entropyGeneric)
		m, ok := g.Recognize(tok.Value)
		require.True(t, ok)
		require.Equal(t, Format("acme"), m.Format)
		require.Equal(t, tok.ID, m.ID)
	}
}

func TestCustomFormatValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cf   CustomFormat
		want string
	}{
		{"no name", CustomFormat{Prefix: "ab_", Length: 40, Alphabet: Base62}, "Name"},
		{"short prefix", CustomFormat{Name: "x", Prefix: "a", Length: 40, Alphabet: Base62}, "Prefix"},
		{"small alphabet", CustomFormat{Name: "x", Prefix: "ab_", Length: 40, Alphabet: "0123456789"}, "Alphabet"},
		{"repeat", CustomFormat{Name: "x", Prefix: "ab_", Length: 40, Alphabet: Base62 + "0"}, "repeats"},
		{"quote", CustomFormat{Name: "x", Prefix: "ab_", Length: 40, Alphabet: HexLower + "\""}, "printable"},
		{"short", CustomFormat{Name: "x", Prefix: "ab_", Length: 20, Alphabet: Base62}, "Length"},
		{"builtin name", CustomFormat{Name: GitHubClassic, Prefix: "ab_", Length: 40, Alphabet: Base62}, "already used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewGenerator(testKey("cf"), WithCustomFormat(tt.cf))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRecognizeRejectsJunk(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "junk")
	for _, s := range []string{"", "x", "ghp_", "AKIA", strings.Repeat("A", 40), strings.Repeat("a", 32),
		"postgres://a:b@c/d", "eyJ.eyJ.x", pemBegin + "\n" + pemEnd, strings.Repeat("z", 5000)} {
		_, ok := g.Recognize(s)
		assert.False(t, ok, "%q", s)
	}
}

// The generator key must never be printed, whatever the verb or logger.
func TestGeneratorNeverPrintsKey(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef-secret-marker")
	g, err := NewGenerator(key, WithRetiredKeys([]byte("retired-key-material-retired-key-material")))
	require.NoError(t, err)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("gen", "g", g)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("gen", "g", g, "ks", g.keys[0])
	outs := []string{logs.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		outs = append(outs, fmt.Sprintf(verb, g), fmt.Sprintf(verb, g.keys[0]), fmt.Sprintf(verb, g.keys[1]))
	}
	r := &Rotator{Generator: g, Store: NewMemoryStore()}
	outs = append(outs, fmt.Sprint(g), fmt.Sprintln(g), fmt.Sprintf("%v", struct{ G *Generator }{g}),
		fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", *r), fmt.Sprintf("%v", []*Generator{g}),
		fmt.Sprintf("%v %+v %#v %s", *g, *g, *g, *g))
	assert.Contains(t, fmt.Sprintf("%+v", *g), "REDACTED", "a dereferenced Generator prints its summary, not its fields")
	for _, out := range outs {
		assert.NotContains(t, out, "secret-marker")
		assert.NotContains(t, out, "retired-key-material")
		assert.NotContains(t, out, fmt.Sprintf("%x", key[:8]))
	}
	assert.Contains(t, fmt.Sprintf("%v", g), "REDACTED")
	assert.Contains(t, logs.String(), "REDACTED")

	_, err = NewGenerator(key[:20])
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "0123456789abcdef0123")
	assert.False(t, errors.Is(err, ErrUnknownFormat))
}

// Found by fuzzing Scan (now FuzzRecognizeScan): BEGIN and END lines that overlap must not panic.
func TestRecognizeOverlappingPEMLines(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "pem-overlap")
	for _, s := range []string{
		"-----BEGIN PRIVATE KEY-----",
		"-----BEGIN+PRIVATE+KEY-----",
		"-----BEGIN PRIVATE KEY-----END PRIVATE KEY-----",
	} {
		assert.NotPanics(t, func() { g.Recognize(s); g.Scan(s) })
	}
}

// The Recognize hot path on a non-matching string allocates nothing: junk, and
// a foreign string of exactly every format's shape (the keyed check's worst
// case). Not parallel: testing.AllocsPerRun refuses to run in a parallel test.
func TestRecognizeNonMatchDoesNotAllocate(t *testing.T) {
	g := newTestGenerator(t, "allocs")
	inputs := []string{"GET /index.html HTTP/1.1", strings.Repeat("A", 40), strings.Repeat("b", 32)}
	for _, c := range foreignShapes(t, g) {
		inputs = append(inputs, c.s)
	}
	for _, s := range inputs {
		allocs := testing.AllocsPerRun(200, func() {
			if _, ok := g.Recognize(s); ok {
				t.Fatal("a foreign string was recognised")
			}
		})
		if !raceEnabled {
			assert.Zero(t, allocs, "allocations for %q", s)
		}
	}
}
