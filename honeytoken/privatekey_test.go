package honeytoken

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrivateKeyHostileBodies is the regression test for a panic: a PEM body of
// 65 to 128 base64 characters decoded past a 64-byte buffer (issue #13, finding 1).
func TestPrivateKeyHostileBodies(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "privatekey-hostile")
	tok, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	body := strings.TrimSpace(tok.Value)
	body = strings.TrimSuffix(strings.TrimPrefix(body, pemBegin), pemEnd)
	body = strings.ReplaceAll(body, "\n", "")
	require.Len(t, body, 64)

	tests := []struct {
		name string
		in   string
	}{
		{"96 A (the report's repro)", pemBegin + strings.Repeat("A", 96) + pemEnd},
		{"65 characters", pemBegin + strings.Repeat("A", 65) + pemEnd},
		{"128 characters", pemBegin + strings.Repeat("A", 128) + pemEnd},
		{"129 characters", pemBegin + strings.Repeat("A", 129) + pemEnd},
		{"256 characters", pemBegin + strings.Repeat("/", 256) + pemEnd},
		{"form-encoded 96", pemBeginForm + strings.Repeat("A", 96) + pemEndForm},
		{"our key padded to 68", pemBegin + body + "AAAA" + pemEnd},
		{"our key then 32 more", pemBegin + body + body[:32] + pemEnd},
		{"empty body", pemBegin + pemEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotPanics(t, func() {
				_, ok := g.Recognize(tt.in)
				assert.False(t, ok)
				for _, m := range g.Scan("x " + tt.in + " y") {
					assert.NotEqual(t, PrivateKey, m.Format)
				}
			})
		})
	}

	m, ok := g.Recognize(tok.Value)
	require.True(t, ok, "our own key must still be recognised")
	assert.Equal(t, PrivateKey, m.Format)
}
