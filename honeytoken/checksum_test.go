package honeytoken

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGitHubChecksumVectors(t *testing.T) {
	t.Parallel()
	// therootcompany/base62-token.js README vector, re-computed with Go's hash/crc32
	// (zero-padded: the checksum starts with '0').
	tests := []struct{ entropy, checksum string }{
		{"zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "0mLq17"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.checksum, GitHubChecksum(tt.entropy))
		for _, prefix := range []string{"ghp_", "gho_", "ghs_", "npm_"} {
			assert.True(t, ValidChecksum(prefix+tt.entropy+tt.checksum), prefix)
			assert.True(t, independentChecksum(prefix+tt.entropy+tt.checksum), "the test's own checker agrees")
			assert.False(t, independentChecksum(prefix+tt.entropy+"0mLQ17"), "and is case sensitive")
			assert.False(t, ValidChecksum(prefix+tt.entropy+"0mLq18"), prefix)
		}
	}
	assert.False(t, ValidChecksum("not a token"))
}

func TestGitLabChecksum(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab")
	tok, err := g.Generate(GitLabPAT, Meta{})
	assert.NoError(t, err)
	assert.True(t, ValidChecksum(tok.Value))
	b := []byte(tok.Value)
	b[len(b)-1] ^= 1
	assert.False(t, ValidChecksum(string(b)))
}
