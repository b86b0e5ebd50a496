package honeytoken

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
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
	names := slices.Sorted(maps.Keys(claims))
	assert.Equal(t, []string{"exp", "iat", "iss", "jti", "sub"}, names, "registered claims only, nothing decoykit-specific")
	assert.Equal(t, float64(exp.Unix()), claims["exp"])
	iat := claims["iat"].(float64)
	assert.LessOrEqual(t, iat, float64(fixedNow.Unix()), "issued before it was generated")
	assert.Greater(t, iat, float64(fixedNow.Add(-10*time.Minute).Unix()), "by at most ten minutes")
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

// uuidV4Pattern is RFC 9562's UUID text form with version 4 and variant 10.
var uuidV4Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestJWTLooksIssued checks every JWT decoy as an attacker would compare it with a
// real issuer's tokens: jti is a valid UUIDv4 (10,000 of 10,000; ciphertext
// would be one in 64), the claims are the registered ones only, and the ids are
// still recognised.
func TestJWTLooksIssued(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "jwt-uuid")
	n := propertyCount()
	versions := map[string]int{}
	for range n {
		tok, err := g.Generate(JWT, Meta{})
		require.NoError(t, err)
		parts := strings.Split(tok.Value, ".")
		raw, err := base64.RawURLEncoding.DecodeString(parts[1])
		require.NoError(t, err)
		var claims map[string]any
		require.NoError(t, json.Unmarshal(raw, &claims))
		require.Equal(t, []string{"exp", "iat", "iss", "jti", "sub"}, slices.Sorted(maps.Keys(claims)))
		jti := claims["jti"].(string)
		require.Regexp(t, uuidV4Pattern, jti)
		b, err := hex.DecodeString(strings.ReplaceAll(jti, "-", ""))
		require.NoError(t, err)
		versions[string(rune('0'+b[6]>>4))]++
		require.NotContains(t, jti, tok.ID)
		require.NotContains(t, tok.Value, tok.ID)
		m, ok := g.Recognize(tok.Value)
		require.True(t, ok)
		require.Equal(t, tok.ID, m.ID)
	}
	assert.Equal(t, map[string]int{"4": n}, versions)
}

func TestWithJWTClaims(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "jwt-claims", WithJWTClaims(JWTClaims{
		Issuer:   "https://login.example.com/",
		Subject:  "svc-deploy",
		Audience: []string{"https://api.example.com"},
		Scopes:   []string{"read:orders", "write:orders"},
	}))
	tok, err := g.Generate(JWT, Meta{})
	require.NoError(t, err)
	parsed, err := jwt.Parse(tok.Value, g.JWTKeyfunc(), jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithTimeFunc(func() time.Time { return fixedNow }), jwt.WithAudience("https://api.example.com"),
		jwt.WithIssuer("https://login.example.com/"), jwt.WithSubject("svc-deploy"))
	require.NoError(t, err)
	claims := parsed.Claims.(jwt.MapClaims)
	assert.Equal(t, "read:orders write:orders", claims["scope"])
	assert.Equal(t, "https://api.example.com", claims["aud"], "one audience is a string")
	assert.Equal(t, []string{"aud", "exp", "iat", "iss", "jti", "scope", "sub"}, slices.Sorted(maps.Keys(claims)))
	m, ok := g.Recognize(tok.Value)
	require.True(t, ok)
	assert.Equal(t, tok.ID, m.ID)

	g2 := newTestGenerator(t, "jwt-claims", WithJWTClaims(JWTClaims{Audience: []string{"a", "b"}}))
	tok2, err := g2.Generate(JWT, Meta{})
	require.NoError(t, err)
	p2, _, err := jwt.NewParser().ParseUnverified(tok2.Value, jwt.MapClaims{})
	require.NoError(t, err)
	assert.Equal(t, []any{"a", "b"}, p2.Claims.(jwt.MapClaims)["aud"])
	_, ok = g.Recognize(tok2.Value)
	assert.True(t, ok, "the same key recognises tokens whatever their claims")

	for _, bad := range []JWTClaims{{Scopes: []string{"two words"}}, {Scopes: []string{""}}, {Issuer: "a\nb"}} {
		_, err := NewGenerator(testKey("x"), WithJWTClaims(bad))
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", bad)
	}
}
