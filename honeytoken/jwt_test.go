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

	// The header names the key (a UUID kid, the same for every decoy of the
	// key) and must not contain - or _ in base64 (gitleaks' jwt rule).
	kid, _ := parsed.Header["kid"].(string)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, kid)
	assert.Equal(t, map[string]any{"alg": "HS256", "kid": kid, "typ": "JWT"}, parsed.Header)
	assert.Regexp(t, `^ey[a-zA-Z0-9]{17,}$`, strings.Split(tok.Value, ".")[0])
	tok2, err := g.Generate(JWT, Meta{})
	require.NoError(t, err)
	assert.Equal(t, strings.Split(tok.Value, ".")[0], strings.Split(tok2.Value, ".")[0])

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
