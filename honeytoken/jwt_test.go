package honeytoken

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJWTVerifiesWithGolangJWT(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "jwt")
	exp := fixedNow.Add(30 * 24 * time.Hour)
	tok, err := g.Generate(JWT, Meta{ExpiresAt: exp})
	require.NoError(t, err)

	parsed, err := jwt.Parse(tok.Value, g.JWTKeyfunc(), jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithTimeFunc(func() time.Time { return fixedNow }))
	require.NoError(t, err)
	require.True(t, parsed.Valid)
	claims := parsed.Claims.(jwt.MapClaims)
	for _, c := range []string{"iss", "sub", "exp", "iat", "jti", "metadata"} {
		assert.Contains(t, claims, c)
	}
	assert.Equal(t, float64(exp.Unix()), claims["exp"])
	assert.Equal(t, float64(fixedNow.Unix()), claims["iat"])
	assert.NotContains(t, claims["jti"], tok.ID, "the id is not readable in the token")

	// The header must not contain - or _ in base64 (gitleaks' jwt rule).
	assert.Equal(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", strings.Split(tok.Value, ".")[0])

	// A different generator's key does not verify it.
	other := newTestGenerator(t, "jwt-other")
	_, err = jwt.Parse(tok.Value, other.JWTKeyfunc(), jwt.WithValidMethods([]string{"HS256"}))
	require.Error(t, err)
}

func TestJWTAlteredClaimFails(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "jwt-alter")
	tok, err := g.Generate(JWT, Meta{})
	require.NoError(t, err)
	parts := strings.Split(tok.Value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(raw, &claims))

	tests := []struct {
		claim string
		value any
	}{
		{"sub", "admin"},
		{"exp", claims["exp"].(float64) + 3600},
		{"iss", "https://attacker.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.claim, func(t *testing.T) {
			t.Parallel()
			c := map[string]any{}
			for k, v := range claims {
				c[k] = v
			}
			c[tt.claim] = tt.value
			b, err := json.Marshal(c)
			require.NoError(t, err)
			altered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
			_, err = jwt.Parse(altered, g.JWTKeyfunc(), jwt.WithValidMethods([]string{"HS256"}))
			require.ErrorIs(t, err, jwt.ErrTokenSignatureInvalid)
			_, ok := g.Recognize(altered)
			assert.False(t, ok)
		})
	}
}
