package canary

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fault-injection acceptance test of issue #13 (findings 2 and 3) on the
// page path: a Console that fails one request in five, in every way a
// network and a busy server fail.

type fault int

const (
	faultNone        fault = iota
	fault429               // Too Many Requests, Retry-After: 0
	fault429NoHeader       // Too Many Requests, no Retry-After
	fault500
	fault502
	fault503
	fault504
	faultResetBefore // the connection is reset before any response
	faultResetMid    // reset part-way through a 200's body
	faultShortLength // a 200 whose body ends before its Content-Length
	faultChunkedCut  // a chunked 200 whose body stops without its last chunk
	faultCount
)

var faultNames = [...]string{"none", "429", "429 without Retry-After", "500", "502", "503", "504",
	"reset before the response", "reset mid-body", "body shorter than Content-Length", "chunked body cut off"}

// faultyConsole serves 10,000 tokens and 10,000 incidents in pages of 100
// and POST /canarytoken/create, failing a fifth of all requests.
type faultyConsole struct {
	t                    *testing.T
	tokens, incidents    *pageTemplate
	tokenPages, incPages int

	mu       sync.Mutex
	rng      *rand.Rand
	injected [faultCount]int
	creates  map[string]int // memo → create requests that reached the handler
}

func (f *faultyConsole) pick() fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	ft := faultNone
	if f.rng.IntN(5) == 0 {
		ft = fault(1 + f.rng.IntN(int(faultCount)-1))
	}
	f.injected[ft]++
	return ft
}

func (f *faultyConsole) cut(n int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return 1 + f.rng.IntN(n-1)
}

func (f *faultyConsole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ft := f.pick()
	var body []byte
	switch r.URL.Path {
	case "/api/v1/canarytoken/create":
		if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		memo := r.FormValue("memo")
		f.mu.Lock()
		f.creates[memo]++
		f.mu.Unlock()
		body = fmt.Appendf(nil, `{"canarytoken": {"canarytoken": "tok-%s", "kind": "http", "memo": %q, "enabled": true}, "result": "success"}`, memo, memo)
	case "/api/v1/canarytokens/paginate", "/api/v1/incidents/all":
		tmpl, pages := f.incidents, f.incPages
		if r.URL.Path == "/api/v1/canarytokens/paginate" {
			tmpl, pages = f.tokens, f.tokenPages
		}
		k := 0
		if c := r.URL.Query().Get("cursor"); c != "" {
			var ok bool
			if k, ok = cursorPage(c); !ok || k >= pages {
				http.Error(w, `{"result": "error", "message": "bad cursor"}`, http.StatusBadRequest)
				return
			}
		}
		body = tmpl.render(k, pages)
	default:
		http.NotFound(w, r)
		return
	}
	switch ft {
	case faultNone:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	case fault429, fault429NoHeader, fault500, fault502, fault503, fault504:
		code := map[fault]int{fault429: 429, fault429NoHeader: 429, fault500: 500, fault502: 502, fault503: 503, fault504: 504}[ft]
		if ft == fault429 {
			w.Header().Set("Retry-After", "0")
		}
		w.WriteHeader(code)
		_, _ = fmt.Fprintf(w, `{"result": "error", "message": "fault %d"}`, code)
	default:
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			f.t.Errorf("hijack: %v", err)
			return
		}
		f.raw(ft, conn, buf, body)
	}
}

// raw writes a broken response straight onto the connection and drops it.
func (f *faultyConsole) raw(ft fault, conn net.Conn, buf *bufio.ReadWriter, body []byte) {
	defer conn.Close()
	reset := func() {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
	}
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
	switch ft {
	case faultResetBefore:
		reset()
		return
	case faultResetMid:
		fmt.Fprintf(buf, "%sContent-Length: %d\r\n\r\n", head, len(body))
		_, _ = buf.Write(body[:f.cut(len(body))])
		_ = buf.Flush()
		reset()
	case faultShortLength:
		fmt.Fprintf(buf, "%sContent-Length: %d\r\n\r\n", head, len(body))
		_, _ = buf.Write(body[:f.cut(len(body))])
		_ = buf.Flush()
	case faultChunkedCut:
		fmt.Fprintf(buf, "%sTransfer-Encoding: chunked\r\n\r\n", head)
		part := body[:f.cut(len(body))]
		fmt.Fprintf(buf, "%x\r\n", len(part))
		_, _ = buf.Write(part)
		_, _ = buf.WriteString("\r\n") // and no "0\r\n\r\n"
		_ = buf.Flush()
	}
}

func TestListingsThroughFaults(t *testing.T) {
	t.Parallel()
	const nTokens, nIncidents, perPage = 10000, 10000, 100
	f := &faultyConsole{
		t: t, tokens: tokenListTemplate(perPage), incidents: incidentFeedTemplate(perPage),
		tokenPages: nTokens / perPage, incPages: nIncidents / perPage,
		rng: rand.New(rand.NewPCG(15, 13)), creates: map[string]int{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(WithBaseURL(srv.URL+"/api/v1"), WithAuthToken(testToken), WithHTTPClient(srv.Client()),
		// Enough attempts that a page failing every time is out of reach
		// (0.2^12), and waits far shorter than a test should take.
		WithRetry(RetryPolicy{MaxAttempts: 12, MinBackoff: time.Microsecond, MaxBackoff: 10 * time.Microsecond}))
	require.NoError(t, err)
	ctx := context.Background()

	tokenSeen := make(map[string]int, nTokens)
	var tokenOrder []string
	for tok, err := range c.Tokens.All(ctx, &ListTokensOptions{Limit: perPage}) {
		require.NoError(t, err)
		tokenSeen[tok.ID]++
		tokenOrder = append(tokenOrder, tok.ID)
	}
	incSeen := make(map[int64]int, nIncidents)
	var last int64 = -1
	for inc, err := range c.Incidents.All(ctx, &ListIncidentsOptions{Limit: perPage}) {
		require.NoError(t, err)
		incSeen[inc.UpdatedID]++
		require.Greater(t, inc.UpdatedID, last, "incidents in order")
		last = inc.UpdatedID
	}

	require.Len(t, tokenSeen, nTokens)
	require.Len(t, incSeen, nIncidents)
	for id, n := range tokenSeen {
		require.Equal(t, 1, n, "token %s delivered once", id)
	}
	for id, n := range incSeen {
		require.Equal(t, 1, n, "incident %d delivered once", id)
	}
	assert.Equal(t, "tok0000000000", tokenOrder[0])
	assert.Equal(t, fmt.Sprintf("tok%010d", nTokens-1), tokenOrder[nTokens-1])

	// Creates go through the same faults and are never repeated: a create
	// whose response is lost is an error, not a second token.
	created := 0
	for i := range 100 {
		memo := fmt.Sprintf("memo-%03d", i)
		tok, err := c.Tokens.Create(ctx, CreateTokenRequest{Kind: KindHTTP, Memo: memo})
		if err == nil {
			created++
			assert.Equal(t, "tok-"+memo, tok.ID)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for memo, n := range f.creates {
		assert.Equal(t, 1, n, "create %s reached the Console %d times", memo, n)
	}
	assert.Less(t, created, 100, "some creates failed")
	assert.Greater(t, created, 50, "most creates went through")
	for ft := fault(1); ft < faultCount; ft++ {
		assert.Positive(t, f.injected[ft], "fault %q was injected", faultNames[ft])
	}
	t.Logf("faults injected: %v of %d requests", f.injected[1:], sum(f.injected[:]))
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
