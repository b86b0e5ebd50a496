package honeytoken

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// issuedDigest is the SHA-256 of the tokens issuedTokens mints (every
// format, ten of each, a fixed key and a seeded source): it pins what the
// generator issues. Only the digest is committed, never a token. If it
// changes, tokens already planted would no longer be recognised: the change
// is a format break, not a refactor.
const issuedDigest = "214f6a39a87d46cc71891bd1f57bf59129b0f81924ca7b6c40fc768041e5929c"

// issuedTokens mints ten tokens of every format under a fixed key, a retired
// key's generator included, from a seeded source.
func issuedTokens(t *testing.T) (*Generator, []Token) {
	t.Helper()
	g := newTestGenerator(t, "issued", WithRandom(rand.NewChaCha8([32]byte{'i', 's', 's', 'u', 'e', 'd'})))
	var toks []Token
	for _, f := range g.Formats() {
		for range 10 {
			tok, err := g.Generate(f, Meta{})
			require.NoError(t, err)
			toks = append(toks, tok)
		}
	}
	return g, toks
}

// TestIssuedTokensStillRecognised: tokens minted under a fixed key are still
// the same (issuedDigest) and still recognised, by the current key and as a
// retired key, with their id, format and part.
func TestIssuedTokensStillRecognised(t *testing.T) {
	t.Parallel()
	g, toks := issuedTokens(t)
	h := sha256.New()
	for _, tok := range toks {
		h.Write([]byte(tok.Format + "\x00" + Format(tok.Value) + "\x00" + Format(tok.Secret) + "\x00"))
	}
	assert.Equal(t, issuedDigest, hex.EncodeToString(h.Sum(nil)), "the generator no longer issues the same tokens")
	rotated := newTestGenerator(t, "issued-rotated", WithRetiredKeys(testKey("issued")))
	for _, tok := range toks {
		for _, r := range []*Generator{g, rotated} {
			m, ok := r.Recognize(tok.Value)
			require.True(t, ok, "%s not recognised", tok.Format)
			assert.Equal(t, tok.ID, m.ID)
			assert.Equal(t, tok.Format, m.Format)
			assert.Equal(t, PartValue, m.Part)
			assert.Equal(t, r == rotated, m.Retired)
			if tok.Secret != "" {
				m, ok = r.Recognize(tok.Secret)
				require.True(t, ok, "%s secret not recognised", tok.Format)
				assert.Equal(t, tok.ID, m.ID)
				assert.Equal(t, PartSecret, m.Part)
			}
			if tok.Format == DatabaseURL {
				pw, _ := splitDBURL(tok.Value)
				m, ok = r.Recognize(pw)
				require.True(t, ok, "database password not recognised")
				assert.Equal(t, tok.ID, m.ID)
				assert.Equal(t, PartSecret, m.Part)
			}
		}
	}
}
