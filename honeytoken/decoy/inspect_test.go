package decoy

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

func TestMayBeDecoyJWT(t *testing.T) {
	t.Parallel()
	g := newGen(t, "jwt-filter")
	decoyJWT := mint(t, g, honeytoken.JWT).Value
	foreignDecoy := mint(t, newGen(t, "jwt-filter-other"), honeytoken.JWT).Value
	service, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "exp": 4102444800}).
		SignedString([]byte("a service key"))
	require.NoError(t, err)
	rsHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k1","typ":"JWT"}`))
	withClaims := base64.RawURLEncoding.EncodeToString([]byte(`{"jti":"x","sub":"y"}`))
	cases := []struct {
		name string
		s    string
		want bool
	}{
		{"our decoy", decoyJWT, true},
		{"another generator's decoy (same shape)", foreignDecoy, true},
		{"a service's HS256 token", service, false},
		{"RS256 even with the claims", rsHeader + "." + withClaims + ".c2ln", false},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9." + withClaims, false},
		{"four segments", decoyJWT + ".x", false},
		{"bad base64", "eyJ!!!." + withClaims + ".x", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, mayBeDecoyJWT(c.s))
		})
	}
}

// TestCleanPathAllocatesNothing guards the Middleware's clean path: no
// allocation for an opaque bearer, Basic credentials, cookies, an encoded query
// or a service's JWT. (Not parallel: AllocsPerRun needs the process to itself.)
func TestCleanPathAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items on purpose); runs in go test without -race")
	}
	g := newGen(t, "allocs")
	service, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "exp": 4102444800}).
		SignedString([]byte("a service key"))
	require.NoError(t, err)
	h := Middleware(g, okHandler{})
	w := &discardWriter{h: http.Header{}}
	for _, c := range []struct {
		name string
		set  func(r *http.Request)
	}{
		{"opaque bearer", func(r *http.Request) {}},
		{"basic", func(r *http.Request) { r.SetBasicAuth("deploy-user", "correct horse battery staple") }},
		{"service jwt", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+service) }},
		{"encoded query", func(r *http.Request) { r.URL.RawQuery = "q=hello%20world%2C%20again&next=abc%2Fdef%2Bghi" }},
		{"many headers", func(r *http.Request) {
			for i := range 12 {
				r.Header.Set("X-Filler-"+string(rune('a'+i)), "value-0123456789")
			}
			r.Header.Set("X-Api-Key", "live_0123456789abcdef")
		}},
	} {
		r := cleanRequest()
		c.set(r)
		allocs := testing.AllocsPerRun(200, func() { h.ServeHTTP(w, r) })
		assert.Zero(t, allocs, c.name)
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { mayBeDecoyJWT(service) }))
}

// TestManyHeaders covers the path for requests with many headers, where the
// credential headers are looked up by name instead of ranging over them.
func TestManyHeaders(t *testing.T) {
	t.Parallel()
	g := newGen(t, "many-headers")
	tok := mint(t, g, honeytoken.Anthropic)
	for _, c := range []struct {
		header string
		opts   []Option
		kind   PlaceKind
	}{
		{"X-Api-Key", nil, InHeader},
		{"Proxy-Authorization", nil, InAuthorization},
		{"X-Acme-Key", []Option{WithCredentialHeaders("x-acme-key")}, InHeader},
		{"Cookie", nil, InCookie},
		{"X-Client-Secret", nil, InHeader},
		{"X-Service-Password", nil, InHeader},
	} {
		t.Run(c.header, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for i := range 12 {
				r.Header.Set("X-Filler-"+string(rune('a'+i)), "value")
			}
			v := tok.Value
			if c.header == "Cookie" {
				v = "k=" + v
			}
			r.Header.Set(c.header, v)
			var rec collector
			Middleware(g, okHandler{}, append(c.opts, WithRecorder(&rec))...).ServeHTTP(httptest.NewRecorder(), r)
			hits := rec.all()
			require.Len(t, hits, 1)
			assert.Equal(t, c.kind, hits[0].Found.Kind)
		})
	}
}

// TestFieldEnd compares the eight-bytes-at-a-time scan with a byte loop on
// random strings over an alphabet rich in separators, '=' and high bytes.
func TestFieldEnd(t *testing.T) {
	t.Parallel()
	naive := func(v string, i int) (int, int) {
		eq := -1
		for ; i < len(v); i++ {
			if sepTable[v[i]] {
				return i, eq
			}
			if v[i] == '=' && eq < 0 {
				eq = i
			}
		}
		return len(v), eq
	}
	alphabet := "abcXYZ0189-_./+=,; \t\r\n\"'()\x00\x27\x28\x7f\x80\xa7\xff%"
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := make([]byte, rnd.IntN(40))
		for i := range b {
			if rnd.IntN(4) == 0 {
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			} else {
				b[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[rnd.IntN(62)]
			}
		}
		s := string(b)
		start := 0
		if len(s) > 0 {
			start = rnd.IntN(len(s) + 1)
		}
		we, weq := naive(s, start)
		ge, geq := fieldEnd(s, start)
		require.Equal(t, we, ge, "end of %q from %d", s, start)
		require.Equal(t, weq, geq, "= in %q from %d", s, start)
	}
}
