package honeytoken

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/decoykit/decoykit/honeytoken/internal/hook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecognizeAWSSecretFormat: one keyed check serves the secrets of AKIA and
// ASIA keys (they share a shape); each is reported with its own format, under
// the current and a retired key.
func TestRecognizeAWSSecretFormat(t *testing.T) {
	t.Parallel()
	old := newTestGenerator(t, "aws-secret-format-old")
	g := newTestGenerator(t, "aws-secret-format", WithRetiredKeys(testKey("aws-secret-format-old")))
	for _, c := range []struct {
		name    string
		gen     *Generator
		retired bool
	}{{"current", g, false}, {"retired", old, true}} {
		for _, f := range []Format{AWSAccessKey, AWSTemporaryKey} {
			t.Run(c.name+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				for range 50 {
					tok, err := c.gen.Generate(f, Meta{})
					require.NoError(t, err)
					m, ok := g.Recognize(tok.Secret)
					require.True(t, ok)
					assert.Equal(t, Match{ID: tok.ID, Format: f, Part: PartSecret, Strength: 64, Retired: c.retired}, m)
					ms := g.Scan("aws_secret_access_key = " + tok.Secret + "\n")
					require.Len(t, ms, 1)
					assert.Equal(t, f, ms[0].Format)
				}
			})
		}
	}
}

// TestRecognizeRejectsForeignShapes: strings of exactly each format's shape from
// another generator pass every public check (prefix, length, alphabet,
// checksum) and are rejected by the keyed check alone; the generator that
// issued them recognises them.
func TestRecognizeRejectsForeignShapes(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "foreign-shapes-victim")
	issuer := newTestGenerator(t, "foreign-shapes")
	for _, c := range foreignShapes(t, g) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, ok := g.Recognize(c.s)
			assert.False(t, ok)
			_, ok = issuer.Recognize(c.s)
			assert.True(t, ok, "the issuer recognises its own token")
		})
	}
}

// TestRecognizeRejectsDerivedMismatch: a token whose carrier is intact but one of
// whose derived characters (fill, checksum, site constants) differs is rejected
// by the layout's keyed filter, wherever the change is.
func TestRecognizeRejectsDerivedMismatch(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "derived-mismatch")
	n := 0
	for f, sp := range builtinSpecs {
		l := sp.layout
		if l == nil {
			continue
		}
		n++
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			tok, err := g.Generate(f, Meta{})
			require.NoError(t, err)
			_, ok := g.Recognize(tok.Value)
			require.True(t, ok)
			for i := range len(tok.Value) {
				if i >= l.carrierAt && i < l.carrierAt+l.carrier.alpha.m {
					continue // a carrier digit: another ciphertext
				}
				b := []byte(tok.Value)
				b[i] = swapChar(b[i])
				if b[i] == tok.Value[i] {
					continue
				}
				_, ok := g.Recognize(string(b))
				assert.False(t, ok, "%s with byte %d changed was accepted", sp.format, i)
			}
		})
	}
	require.NotZero(t, n, "no layout format")
}

// swapChar returns another character of the same class.
func swapChar(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return '0' + (c-'0'+1)%10
	case c >= 'a' && c <= 'z':
		return 'a' + (c-'a'+1)%26
	case c >= 'A' && c <= 'Z':
		return 'A' + (c-'A'+1)%26
	}
	return c
}

func TestHexOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"0123456789abcdef0123456789abcdef", true},
		{"0123456789ABCDEF0123456789ABCDEF", true},
		{"01234567890123456789012345678901", true},
		{"0123456789abcdef0123456789ABCDEF", false}, // mixed case: not a hex id
		{"0123456789abcdefg123456789abcdef", false},
		{"", true},
	} {
		assert.Equal(t, c.want, hexOnly(c.s), c.s)
	}
}

// TestHexOnlyMatchesTable holds hexOnly (eight table loads per step) to a
// byte-by-byte reference on every byte value at every position of lower- and upper-case
// hex strings of every length up to 48, and on random strings.
func TestHexOnlyMatchesTable(t *testing.T) {
	t.Parallel()
	ref := func(s string) bool {
		acc := byte(3)
		for i := 0; i < len(s); i++ {
			acc &= hexClass[s[i]]
		}
		return acc != 0
	}
	for _, base := range []string{"0123456789abcdef", "0123456789ABCDEF", "0000000000000000"} {
		hex := strings.Repeat(base, 3)
		for n := 0; n <= len(hex); n++ {
			require.Equal(t, ref(hex[:n]), hexOnly(hex[:n]), "%q", hex[:n])
			for pos := 0; pos < n; pos++ {
				for c := range 256 {
					b := []byte(hex[:n])
					b[pos] = byte(c)
					require.Equal(t, ref(string(b)), hexOnly(string(b)), "%q", b)
				}
			}
		}
	}
	rnd := rand.New(rand.NewPCG(19, 20))
	const chars = "0123456789abcdefABCDEFgG/:@`\x80\xff"
	for range 20000 {
		b := make([]byte, rnd.IntN(60))
		for i := range b {
			b[i] = chars[rnd.IntN(len(chars))]
		}
		require.Equal(t, ref(string(b)), hexOnly(string(b)), "%q", b)
	}
}

// TestRecognizeHexIDsCostNoKeyedCheck: 32 and 40 hex digits (session ids, SHA-1
// digests) have the length and alphabet of a database password and an AWS
// secret, but a generated one is never all hex, so they are rejected before the
// keyed check; generated ones never are.
func TestRecognizeHexIDsCostNoKeyedCheck(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "hex-ids")
	for _, n := range []int{32, 40} {
		s := strings.Repeat("0123456789abcdef", 3)[:n]
		assert.False(t, g.byLen[n][0].bare(s), "a %d-hex id takes no keyed check", n)
	}
	for range 200 {
		db, err := g.Generate(DatabaseURL, Meta{})
		require.NoError(t, err)
		pw, _ := splitDBURL(db.Value)
		require.False(t, hexOnly(pw))
		aws, err := g.Generate(AWSAccessKey, Meta{})
		require.NoError(t, err)
		require.False(t, hexOnly(aws.Secret))
	}
}

// TestMinTokenLen: no format, built-in or custom, issues a token (or secret)
// shorter than MinTokenLen, so skipping shorter strings loses nothing.
func TestMinTokenLen(t *testing.T) {
	t.Parallel()
	// The widest alphabet a custom format may use, and the fewest characters
	// that carry the tag in it.
	smallest := CustomFormat{Name: "smallest", Prefix: "ab", Alphabet: widestCustomAlphabet(), Length: 22}
	g := newTestGenerator(t, "min-token-len", WithCustomFormat(smallest))
	for _, f := range g.Formats() {
		for range 20 {
			tok, err := g.Generate(f, Meta{})
			require.NoError(t, err)
			assert.GreaterOrEqual(t, len(tok.Value), MinTokenLen, f)
			if tok.Secret != "" {
				assert.GreaterOrEqual(t, len(tok.Secret), MinTokenLen, f)
			}
		}
	}
	short := smallest
	short.Length = 21
	_, err := NewGenerator(testKey("min-token-len"), WithCustomFormat(short))
	require.Error(t, err)
	_, ok := g.Recognize("AKIA" + strings.Repeat("A", MinTokenLen-5))
	assert.False(t, ok)
}

// widestCustomAlphabet returns every byte a custom alphabet may use: printable
// ASCII without quotes, backslash or space (90 characters).
func widestCustomAlphabet() string {
	var b []byte
	for c := byte('!'); c <= '~'; c++ {
		if !strings.ContainsRune("\"'`\\", rune(c)) {
			b = append(b, c)
		}
	}
	return string(b)
}

// TestHasAgreesWithRecognize: the hook decoy calls (has) matches exactly what
// Recognize matches, for every format's tokens and foreign shapes, except that
// with auth set it does not match an AWS secret access key.
func TestHasAgreesWithRecognize(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "has-agrees", WithRetiredKeys(testKey("has-agrees-old")))
	old := newTestGenerator(t, "has-agrees-old")
	var cases []struct {
		s      string
		secret bool
	}
	for _, gen := range []*Generator{g, old} {
		for _, f := range g.Formats() {
			tok, err := gen.Generate(f, Meta{})
			require.NoError(t, err)
			cases = append(cases, struct {
				s      string
				secret bool
			}{tok.Value, false})
			if tok.Secret != "" {
				cases = append(cases, struct {
					s      string
					secret bool
				}{tok.Secret, true})
			}
		}
	}
	for _, c := range foreignShapes(t, g) {
		cases = append(cases, struct {
			s      string
			secret bool
		}{c.s, false})
	}
	has := hook.Has(g)
	require.NotNil(t, has)
	assert.Nil(t, hook.Has(struct{}{}), "only a *Generator has the fast path")
	for _, c := range cases {
		_, want := g.Recognize(c.s)
		assert.Equal(t, want, has(c.s, false), "%.12s…", c.s)
		assert.Equal(t, want && !c.secret, has(c.s, true), "%.12s…", c.s)
	}
}

// TestFixedMatchWords: fixedMatch's masked words decide as the segment by
// segment comparison does, on every layout's token and each of its
// single-byte changes.
func TestFixedMatchWords(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "fixed-words")
	ks := g.keys[0]
	for f, sp := range builtinSpecs {
		l := sp.layout
		if l == nil {
			continue
		}
		require.NotNil(t, l.litWords, f)
		tok, err := g.Generate(f, Meta{})
		require.NoError(t, err)
		require.True(t, l.fixedMatch(ks, tok.Value), f)
		for i := range len(tok.Value) {
			for _, c := range []byte{swapChar(tok.Value[i]), tok.Value[i] ^ 0x80, '-'} {
				b := []byte(tok.Value)
				b[i] = c
				assert.Equal(t, l.fixedMatchSegs(ks, string(b)), l.fixedMatch(ks, string(b)), "%s byte %d", f, i)
			}
		}
	}
}

// TestDispatchStopsOnlyWhenNothingElseCanMatch: Recognize stops after a
// prefix's failed check only when no later prefix and no prefix-less shape
// can match the same string (dispatchEntry.last). A custom format whose
// prefix "gh" is a prefix of ghp_, whose Base64URL body can begin "p_", and
// one whose tokens have a database password's length and alphabet, are
// still recognised; without them the built-in prefixes are last.
func TestDispatchStopsOnlyWhenNothingElseCanMatch(t *testing.T) {
	t.Parallel()
	plain := newTestGenerator(t, "dispatch-last")
	entry := func(g *Generator, prefix string) dispatchEntry {
		for _, e := range g.dispatch[prefix[0]] {
			if e.prefix == prefix {
				return e
			}
		}
		t.Fatalf("no entry for %q", prefix)
		return dispatchEntry{}
	}
	for _, p := range []string{"ghp_", "github_pat_11", "sk_live_51", "sk-proj-", "glpat-", "xoxb-", "AIzaSy", "AKIA", "postgres://"} {
		assert.True(t, entry(plain, p).last, p)
	}

	gh := CustomFormat{Name: "gh-custom", Prefix: "gh", Length: 38, Alphabet: Base64URL}
	pw := CustomFormat{Name: "ab-custom", Prefix: "ab", Length: 30, Alphabet: Base62}
	g := newTestGenerator(t, "dispatch-last", WithCustomFormat(gh), WithCustomFormat(pw),
		WithRandom(rand.NewChaCha8([32]byte{7})))
	assert.False(t, entry(g, "ghp_").last, "gh… comes after ghp_")
	assert.False(t, entry(g, "ab").last, "ab + 30 base62 has a database password's shape")
	found := 0
	for range 40000 {
		tok, err := g.Generate("gh-custom", Meta{})
		require.NoError(t, err)
		if !strings.HasPrefix(tok.Value, "ghp_") {
			continue
		}
		found++
		m, ok := g.Recognize(tok.Value)
		require.True(t, ok, tok.Value[:6])
		assert.Equal(t, Format("gh-custom"), m.Format)
		assert.Equal(t, tok.ID, m.ID)
	}
	require.NotZero(t, found, "no custom token began with ghp_")
	for range 100 {
		tok, err := g.Generate("ab-custom", Meta{})
		require.NoError(t, err)
		m, ok := g.Recognize(tok.Value)
		require.True(t, ok)
		assert.Equal(t, Format("ab-custom"), m.Format)
	}
}

// TestFilterNeverRejectsAToken: the decoy middleware's inline filter lets
// through every string Has accepts (every format's token and secret, under the
// current and a retired key, custom formats with a two-byte prefix too) and,
// for the built-in formats, rejects at least 95% of random bearers without a
// call.
func TestFilterNeverRejectsAToken(t *testing.T) {
	t.Parallel()
	customs := []CustomFormat{
		{Name: "two", Prefix: "zq", Length: 28, Alphabet: Base62},
		{Name: "acme", Prefix: "acme_live_", Length: 32, Alphabet: Base62},
	}
	opts := []Option{WithRetiredKeys(testKey("filter-old"))}
	for _, cf := range customs {
		opts = append(opts, WithCustomFormat(cf))
	}
	g := newTestGenerator(t, "filter", opts...)
	old := newTestGenerator(t, "filter-old", WithCustomFormat(customs[0]), WithCustomFormat(customs[1]))
	f := hook.NewFilter(g)
	require.NotNil(t, f)
	assert.Nil(t, hook.NewFilter(struct{}{}), "only a *Generator has a filter")
	has := hook.Has(g)
	for _, gen := range []*Generator{g, old} {
		for _, format := range g.Formats() {
			for range 20 {
				tok, err := gen.Generate(format, Meta{})
				require.NoError(t, err)
				for _, s := range []string{tok.Value, tok.Secret} {
					if s == "" {
						continue
					}
					for _, auth := range []bool{false, true} {
						if has(s, auth) {
							assert.True(t, f.May(s, auth), "%s (auth %v) %.12s…", format, auth, s)
						}
					}
					assert.True(t, f.May(s, false), "every token and secret passes: %s %.12s…", format, s)
				}
			}
		}
	}
	plain := newTestGenerator(t, "filter-plain")
	pf, phas := hook.NewFilter(plain), hook.Has(plain)
	for _, c := range foreignShapes(t, plain) {
		for _, auth := range []bool{false, true} {
			if phas(c.s, auth) {
				assert.True(t, pf.May(c.s, auth), "%.12s…", c.s)
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	passed, n := 0, 0
	for _, l := range []int{20, 24, 36, 43, 48, 64} {
		for range 2000 {
			b := make([]byte, l)
			for i := range b {
				b[i] = alnum[rnd.IntN(len(alnum))]
			}
			n++
			if pf.May(string(b), true) {
				passed++
			}
		}
	}
	assert.Less(t, passed, n/20, "the filter rejects at least 95%% of random alphanumeric bearers")
}
