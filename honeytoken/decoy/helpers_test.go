package decoy

import (
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

// testKey derives a fixed 32-byte key from name: tests are reproducible and no
// key material or generated token is committed.
func testKey(name string) []byte {
	k := sha256.Sum256([]byte("decoykit decoy test key: " + name))
	return k[:]
}

func newGen(t testing.TB, name string) *honeytoken.Generator {
	t.Helper()
	g, err := honeytoken.NewGenerator(testKey(name))
	require.NoError(t, err)
	return g
}

func mint(t testing.TB, g *honeytoken.Generator, f honeytoken.Format) honeytoken.Token {
	t.Helper()
	tok, err := g.Generate(f, honeytoken.Meta{Location: "test/" + string(f), Memo: "memo " + string(f)})
	require.NoError(t, err)
	return tok
}

// collector is a Recorder that keeps every hit.
type collector struct {
	mu   sync.Mutex
	hits []Hit
}

func (c *collector) Record(h Hit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hits = append(c.hits, h)
}

func (c *collector) all() []Hit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Hit(nil), c.hits...)
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func testAlert() Alert {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	return Alert{ID: "alert-1", Count: 3, FirstSeen: t0, LastSeen: t0.Add(4 * time.Second), Hit: Hit{
		ID: "hit-1", Time: t0, TokenID: "0011223344556677", Format: "github-classic", Part: "value", Strength: 64,
		Token: "ghp_Ab12…", Found: Place{Kind: InAuthorization, Name: "Authorization"},
		Location: "infra/.env", Memo: "CI runner", RemoteIP: netip.MustParseAddr("203.0.113.7"),
		UserAgent: "curl/8.5.0", Method: "GET", Path: "/v1/user",
	}}
}

// captured is one request a fake receiver got.

// Realistic clean traffic for the Middleware's cost (BenchmarkMiddlewareRealistic
// and the allocation guard). Values are drawn from a seeded source, so every run
// sees the same requests and nothing credential-shaped is committed.

const (
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits = "0123456789abcdef"
	b64url    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	digits    = "0123456789"
)

func randString(rnd *mrand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rnd.IntN(len(alphabet))]
	}
	return string(b)
}

// cleanCase is one kind of clean request: requests holds several of it, each
// with fresh random values.
type cleanCase struct {
	name     string
	requests []*http.Request
}

// browserGET is a browser-style GET: 10 headers, an opaque 40-character
// alphanumeric bearer, a session cookie of 32 hex digits with analytics
// cookies, 4 query parameters.
func browserGET(rnd *mrand.Rand) *http.Request {
	q := "page=" + randString(rnd, digits, 2) + "&per_page=50&sort=updated_at&filter=" + randString(rnd, alnum, 12)
	r := httptest.NewRequest(http.MethodGet, "https://app.example.test/api/v2/projects?"+q, nil)
	h := r.Header
	h.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	h.Set("Accept", "application/json, text/plain, */*")
	h.Set("Accept-Language", "en-US,en;q=0.9")
	h.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	h.Set("Referer", "https://app.example.test/projects")
	h.Set("Authorization", "Bearer "+randString(rnd, alnum, 40))
	h.Set("Cookie", "session_id="+randString(rnd, hexDigits, 32)+"; theme=dark; _ga=GA1.2."+
		randString(rnd, digits, 10)+"."+randString(rnd, digits, 10))
	h.Set("Sec-Fetch-Mode", "cors")
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Set("X-Request-Id", randString(rnd, hexDigits, 8)+"-"+randString(rnd, hexDigits, 4)+"-"+randString(rnd, hexDigits, 4))
	return r
}

// apiClient is a machine client with a 64-hex X-API-Key and JSON headers.
func apiClient(rnd *mrand.Rand) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://api.example.test/v1/orders?status=open&limit=100", nil)
	h := r.Header
	h.Set("X-Api-Key", randString(rnd, hexDigits, 64))
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "acme-sdk-go/1.14.2")
	h.Set("X-Request-Id", randString(rnd, hexDigits, 32))
	return r
}

// bearer is a request whose only credential is an Authorization bearer.
func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://api.example.test/v1/me", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "acme-service/3.2")
	return r
}

// serviceJWT is a service's own access token with the usual claims, signed
// with alg (HS256 or RS256).
func serviceJWT(t testing.TB, rnd *mrand.Rand, alg jwt.SigningMethod, key any) string {
	t.Helper()
	now := int64(1764800000 + rnd.IntN(1_000_000))
	tok := jwt.NewWithClaims(alg, jwt.MapClaims{
		"iss": "https://auth.example.test/", "sub": "svc-" + randString(rnd, alnum, 12),
		"aud": "https://api.example.test", "iat": now, "exp": now + 3600, "scope": "orders:read orders:write",
	})
	if alg == jwt.SigningMethodRS256 {
		tok.Header["kid"] = "k-" + randString(rnd, alnum, 8)
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// cleanCases builds n requests of each realistic clean kind from seed, and one
// case per format with another generator's honeytoken in Authorization (clean
// for g: the keyed check's worst case). AWS formats add their secret access key
// and SigV4 header, DatabaseURL its bare password.
func cleanCases(t testing.TB, seed uint64, n int) []cleanCase {
	t.Helper()
	rnd := mrand.New(mrand.NewPCG(seed, 14))
	rsaKey, err := rsa.GenerateKey(crand.Reader, 2048)
	require.NoError(t, err)
	hsKey := []byte(randString(rnd, alnum, 48))
	build := func(name string, f func() *http.Request) cleanCase {
		c := cleanCase{name: name}
		for range n {
			c.requests = append(c.requests, f())
		}
		return c
	}
	cases := []cleanCase{
		build("browser-get", func() *http.Request { return browserGET(rnd) }),
		build("api-key-64hex", func() *http.Request { return apiClient(rnd) }),
		build("service-jwt-hs256", func() *http.Request { return bearer(serviceJWT(t, rnd, jwt.SigningMethodHS256, hsKey)) }),
		build("service-jwt-rs256", func() *http.Request { return bearer(serviceJWT(t, rnd, jwt.SigningMethodRS256, rsaKey)) }),
		build("oauth-43-base64url", func() *http.Request { return bearer(randString(rnd, b64url, 43)) }),
	}
	other := newGen(t, "another generator")
	for _, f := range other.Formats() {
		var toks []honeytoken.Token
		for range n {
			toks = append(toks, mint(t, other, f))
		}
		each := func(name string, val func(honeytoken.Token) string) {
			c := cleanCase{name: "foreign-" + name}
			for _, tok := range toks {
				c.requests = append(c.requests, bearer(val(tok)))
			}
			cases = append(cases, c)
		}
		each(string(f), func(tok honeytoken.Token) string { return tok.Value })
		switch f {
		case honeytoken.AWSAccessKey, honeytoken.AWSTemporaryKey:
			each(string(f)+"-secret", func(tok honeytoken.Token) string { return tok.Secret })
			c := cleanCase{name: "foreign-" + string(f) + "-sigv4"}
			for _, tok := range toks {
				r := bearer("")
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+tok.Value+
					"/20261204/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature="+
					randString(rnd, hexDigits, 64))
				c.requests = append(c.requests, r)
			}
			cases = append(cases, c)
		case honeytoken.DatabaseURL:
			each(string(f)+"-password", func(tok honeytoken.Token) string {
				u, err := url.Parse(tok.Value)
				require.NoError(t, err)
				pw, _ := u.User.Password()
				return pw
			})
		case honeytoken.PrivateKey:
			// A header cannot hold a line break: the PEM as a .env or JSON
			// value writes it as \n.
			for _, c := range cases[len(cases)-1:] {
				for _, r := range c.requests {
					r.Header.Set("Authorization", strings.ReplaceAll(r.Header.Get("Authorization"), "\n", `\n`))
				}
			}
		}
	}
	return cases
}
