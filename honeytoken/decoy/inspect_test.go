package decoy

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

// TestCleanPathAllocatesNothing guards the Middleware's clean path: no
// allocation for an opaque bearer, Basic credentials, cookies, an encoded query
// or a service's JWT. (Not parallel: AllocsPerRun needs the process to itself.)
func TestCleanPathAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items on purpose); runs in go test without -race")
	}
	g := newGen(t, "allocs")
	service, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "exp": int64(4102444800)}).
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
}

// TestRealisticCleanTrafficAllocatesNothing is the zero-allocation guard on
// the clean path for the requests BenchmarkMiddlewareRealistic measures: browser
// GET, API key, service JWTs (HS256, RS256), OAuth bearer and another
// generator's honeytoken of every format. None is a hit, each reaches the real
// handler, and none allocates. (Not parallel: AllocsPerRun needs the process to
// itself.)
func TestRealisticCleanTrafficAllocatesNothing(t *testing.T) {
	g := newGen(t, "bench")
	var rec collector
	served := 0
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served++ })
	h := Middleware(g, next, WithRecorder(&rec))
	w := &discardWriter{h: http.Header{}}
	for _, c := range cleanCases(t, 1, 4) {
		for i, r := range c.requests {
			before := served
			h.ServeHTTP(w, r)
			require.Equal(t, before+1, served, "%s #%d did not reach the real handler", c.name, i)
			allocs := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) })
			if !raceEnabled {
				assert.Zero(t, allocs, "%s #%d", c.name, i)
			}
		}
	}
	assert.Empty(t, rec.all(), "clean traffic recorded a hit")
}

// TestManyHeaders: a credential header is found among many other headers
// (twelve fillers), whatever its name's credential ending or an added name.
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

// TestFieldEnd compares fieldEnd (sepIndex's block search) with a byte loop on
// random strings over an alphabet rich in separators, '=', '%', '+', '&' and
// high bytes, with both separator tables.
func TestFieldEnd(t *testing.T) {
	t.Parallel()
	naive := func(v string, i int, sep *[256]bool) int {
		for ; i < len(v); i++ {
			if sep[v[i]] {
				return i
			}
		}
		return len(v)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, sep := range []*[256]bool{&sepTable, &querySep} {
		for range 20000 {
			// Long runs without a separator too (a JWT), so the block loops
			// and their false candidates ('%', '(') are exercised.
			s := fieldText(rnd, "abcXYZ0189-_./+=,; \t\r\n\"'()\x00\x27\x28\x7f\x80\xa7\xff%&",
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", []int{40, 100, 800}, []int{4, 40, 400})
			start := 0
			if len(s) > 0 {
				start = rnd.IntN(len(s) + 1)
			}
			require.Equal(t, naive(s, start, sep), fieldEnd(s, start, sep), "end of %q from %d", s, start)
		}
	}
}

// TestNextField compares the skipping search with splitting every field, on
// random strings with few or many separators (and bytes a word test may
// mistake for one: '(', '-', 0x7f, high bytes), for several minimum lengths.
func TestNextField(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, sep := range []*[256]bool{&sepTable, &querySep} {
		for range 20000 {
			s := fieldText(rnd, "ab=; ,&%\t\"'()-\x00\x27\x28\x7f\x80\xa7\xff\r\n", "xyzXYZ019", []int{100}, []int{2, 3, 12, 40})
			min := rnd.IntN(25) // honeytoken.MinTokenLen is 20; 0 reads as 1
			var got [][2]int
			for i := 0; ; {
				start, end := nextField(s, i, min, sep)
				if start < 0 {
					break
				}
				got = append(got, [2]int{start, end})
				i = end
			}
			require.Equal(t, naiveFields(s, min, sep), got, "fields of %q, min %d", s, min)
		}
	}
}

func TestCredentialKind(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]int{
		"Authorization": credAuth, "Proxy-Authorization": credAuth, "Cookie": credCookie,
		"Apikey": credKey, "X-Apikey": credKey, "Private-Token": credKey, "X-Token": credKey, "X-Auth": credKey,
		"X-Api-Key": credKey, "X-Goog-Api-Key": credKey, "X-Auth-Token": credKey, "X-Amz-Security-Token": credKey,
		"X-Client-Secret": credKey, "X-Service-Apikey": credKey, "X-Db-Password": credKey,
		"X-Credential": credKey, "X-Credentials": credKey,
		"": credNone, "Key": credNone, "-Key": credNone, "Token": credNone, "-Token": credNone, "Secret": credNone,
		"Auth": credNone, "X-Authorization": credNone, "Set-Cookie": credNone, "Xapikey": credNone,
		"Accept": credNone, "User-Agent": credNone, "X-Request-Id": credNone, "Keyword": credNone,
		"Tokenizer": credNone, "X-Monkey": credNone, "Broken": credNone, "Essential": credNone,
	} {
		assert.Equal(t, want, credentialKind(name), name)
		if want != credNone {
			assert.True(t, maybeCred(name), "the pre-filter passes %s", name)
		}
	}
	rejected := 0
	common := []string{"Accept", "Accept-Language", "Accept-Encoding", "User-Agent", "Referer", "Sec-Fetch-Mode",
		"Sec-Fetch-Site", "X-Request-Id", "Content-Type", "Content-Length", "Origin", "Cache-Control", "Connection"}
	for _, name := range common {
		if !maybeCred(name) {
			rejected++
		}
	}
	assert.Greater(t, rejected, len(common)/2, "the pre-filter rejects most common header names")
}

// TestAWSSecretPlaces: an AWS secret access key is looked for everywhere a
// client could send it (a key header, a cookie, the query, a Basic
// credential) but not in the fields of an Authorization header as sent, where
// no client puts one (SigV4 sends the key id, which is caught).
func TestAWSSecretPlaces(t *testing.T) {
	t.Parallel()
	g := newGen(t, "aws-secret-places")
	tok := mint(t, g, honeytoken.AWSAccessKey)
	for _, c := range []struct {
		name  string
		build func(r *http.Request)
		hit   bool
	}{
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok.Secret) }, false},
		{"proxy bearer", func(r *http.Request) { r.Header.Set("Proxy-Authorization", "Bearer "+tok.Secret) }, false},
		{"sigv4 key id", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+tok.Value+"/20261204/us-east-1/s3/aws4_request")
		}, true},
		{"basic", func(r *http.Request) { r.SetBasicAuth(tok.Value[:4]+"x", tok.Secret) }, true},
		{"key header", func(r *http.Request) { r.Header.Set("X-Aws-Secret-Access-Key", tok.Secret) }, true},
		{"cookie", func(r *http.Request) { r.Header.Set("Cookie", "aws_secret="+tok.Secret) }, true},
		{"query", func(r *http.Request) { r.URL.RawQuery = "secret=" + tok.Secret }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var rec collector
			r := newReq(http.MethodGet, "/v1/user", "")
			c.build(r)
			Middleware(g, okHandler{}, WithRecorder(&rec)).ServeHTTP(httptest.NewRecorder(), r)
			assert.Equal(t, c.hit, len(rec.all()) == 1, "hits: %d", len(rec.all()))
		})
	}
}

// TestSepCand: sepCand flags a word exactly when it holds a byte below 0x28,
// ',' or ';', and its lowest flag is the first such byte (fieldEnd relies on
// it to skip a false candidate).
func TestSepCand(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(7, 8))
	special := []byte{0, 1, 0x27, 0x28, 0x29, ',', ';', ',' + 1, ';' + 1, ',' - 1, ';' - 1, 0x7f, 0x80, 0xa7, 0xac, 0xbb, 0xff, ' ', '%'}
	for range 100000 {
		var x, want uint64
		for b := range 8 {
			c := byte(rnd.Uint32())
			if rnd.IntN(2) == 0 {
				c = special[rnd.IntN(len(special))]
			}
			x |= uint64(c) << (8 * b)
			if c < 0x28 || c == ',' || c == ';' {
				want |= 0x80 << (8 * b)
			}
		}
		c := sepCand(x)
		require.Equal(t, want != 0, c != 0, "%016x", x)
		require.Equal(t, want&-want, c&-c, "lowest flag of %016x", x)
	}
}

// TestSchemeLen: the scheme word is skipped exactly when it is "Bearer ",
// "Basic " or "token " in any case, followed by more.
func TestSchemeLen(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]int{
		"Bearer abcdefgh": 7, "bearer abcdefgh": 7, "BEARER abcdefgh": 7, "bEaReR x": 7,
		"Basic dXNlcjpwYXNz": 6, "BASIC dXNl": 6, "token ghp_abc": 6, "Token ghp_abc": 6,
		"Bearer": 0, "Bearer ": 0, "Bearer\x00abcdefgh": 0, "Bearer\tabcdefgh": 0, "Bearerabcdefgh": 0,
		"Bearer\x80abcdefgh": 0, "`earer abcdefgh": 0, "Bearer@abcdefg": 0, "Basic\x00abcdef": 0,
		"Basics abcdefg": 0, "tokens abcdefg": 0, "AWS4-HMAC-SHA256 Credential=x": 0, "": 0,
		"B@sic abcdefgh": 0, "Beare\x12 abcdefgh": 0,
	} {
		assert.Equal(t, want, schemeLen(v), "%q", v)
	}
}

// candidates is a Detector that records every string Recognize is asked
// about and recognises none.
type candidates struct{ got []string }

func (c *candidates) Recognize(s string) (honeytoken.Match, bool) {
	c.got = append(c.got, strings.Clone(s))
	return honeytoken.Match{}, false
}

func (c *candidates) Scan(string) []honeytoken.Match { return nil }

// TestFieldsCandidates compares fields with a byte-by-byte reference: the
// same candidates (each field, the part after its first '=', that part up to
// its first '/') in the same order, on random strings with few or many
// separators and bytes a word test could mistake for one ('(', '-', '<',
// 0x7f, high bytes, '%', '&'), long runs without a separator (a JWT) and
// lengths around the word sizes, for several minimum lengths.
func TestFieldsCandidates(t *testing.T) {
	t.Parallel()
	reference := func(v string, min int, sep *[256]bool) []string {
		var out []string
		try := func(c string) {
			if c = trimWrap(c); len(c) >= min {
				out = append(out, c)
			}
		}
		for _, se := range naiveFields(v, min, sep) {
			f := v[se[0]:se[1]]
			try(f)
			if eq := strings.IndexByte(f, '='); eq >= 0 && len(f)-eq-1 >= min {
				val := f[eq+1:]
				try(val)
				if s := strings.IndexByte(val, '/'); s > 0 {
					try(val[:s])
				}
			}
		}
		return out
	}
	rnd := rand.New(rand.NewPCG(15, 16))
	for _, sep := range []*[256]bool{&sepTable, &querySep} {
		for range 30000 {
			v := fieldText(rnd, "ab=; ,&%\t\"'()-<>/=\x00\x27\x28\x7f\x80\xa7\xbd\xbb\xac\xff\r\n", "xyzXYZ019",
				[]int{100, 40, 800}, []int{2, 3, 12, 40, 400})
			min := minCandidate + rnd.IntN(20) // honeytoken.MinTokenLen is 20
			var det candidates
			in := inspection{det: &det, min: min}
			in.fields(v, sep, Place{Kind: InHeader, Name: "X-Api-Key"}, "X-Api-Key", 0)
			require.Equal(t, reference(v, min, sep), det.got, "candidates of %q, min %d", v, min)
		}
	}
}

// fieldText is random header-like text of up to one of maxLens bytes: one
// byte in density (one of densities) is from special (separators and bytes
// a word test could mistake for one), the others from plain.
func fieldText(rnd *rand.Rand, special, plain string, maxLens, densities []int) string {
	b := make([]byte, rnd.IntN(maxLens[rnd.IntN(len(maxLens))]))
	density := densities[rnd.IntN(len(densities))]
	for i := range b {
		if rnd.IntN(density) == 0 {
			b[i] = special[rnd.IntN(len(special))]
		} else {
			b[i] = plain[rnd.IntN(len(plain))]
		}
	}
	return string(b)
}

// naiveFields splits v at the bytes sep marks, a byte at a time, and returns
// the start and end of each field at least min (and 1) bytes long.
func naiveFields(v string, min int, sep *[256]bool) [][2]int {
	var out [][2]int
	for i := 0; i < len(v); {
		for i < len(v) && sep[v[i]] {
			i++
		}
		start := i
		for i < len(v) && !sep[v[i]] {
			i++
		}
		if i-start >= min && i > start {
			out = append(out, [2]int{start, i})
		}
	}
	return out
}
