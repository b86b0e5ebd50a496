package decoy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

// flakyReceiver is a webhook receiver that fails the first delivery of every
// alert with a 503, so exactly half of all requests fail, and records what it
// accepted.
type flakyReceiver struct {
	mu       sync.Mutex
	tries    map[string]int
	accepted map[string]Alert
	dups     int
	failed   int
	ok       int
	bad      int
}

func (f *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var a Alert
	if err == nil {
		err = json.Unmarshal(body, &a)
	}
	key := r.Header.Get("Idempotency-Key")
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil || key == "" || key != a.ID {
		f.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.tries[key]++
	if f.tries[key] == 1 {
		f.failed++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	f.ok++
	if _, seen := f.accepted[key]; seen {
		f.dups++
	}
	f.accepted[key] = a
	w.WriteHeader(http.StatusNoContent)
}

// countingRecorder counts hits per (token, client) before handing them on.
type countingRecorder struct {
	next Recorder
	mu   sync.Mutex
	per  map[windowKey]int
}

func (c *countingRecorder) Record(h Hit) {
	c.mu.Lock()
	c.per[windowKey{h.TokenID, h.RemoteIP}]++
	c.mu.Unlock()
	c.next.Record(h)
}

func settleGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // sanctioned settle loop: connection goroutines exit on I/O events
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutine leak: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestLoad runs 20,000 requests at concurrency 64 through Middleware on
// loopback, 10% of them carrying honeytokens from 4 client addresses (32 token-source pairs) behind a
// trusted proxy, while the webhook receiver fails half its requests. Every
// hit must be recorded, every alert delivered exactly once after retries, the
// counts must add up per token and source, windows must be respected, and no
// goroutine may be left behind.
func TestLoad(t *testing.T) {
	const total, concurrency, window = 20000, 64, 200 * time.Millisecond
	before := runtime.NumGoroutine()
	start := time.Now()

	g := newGen(t, "load")
	formats := []honeytoken.Format{honeytoken.GitHubClassic, honeytoken.StripeSecret, honeytoken.OpenAI,
		honeytoken.Anthropic, honeytoken.AWSAccessKey, honeytoken.SlackBot, honeytoken.GoogleAPIKey, honeytoken.NPM}
	var toks []honeytoken.Token
	for i := range 8 {
		toks = append(toks, mint(t, g, formats[i%len(formats)]))
	}
	ips := make([]string, 4)
	for i := range ips {
		ips[i] = fmt.Sprintf("198.51.100.%d", 10+i)
	}

	recv := &flakyReceiver{tries: map[string]int{}, accepted: map[string]Alert{}}
	hookSrv := httptest.NewServer(recv)
	// No short client timeouts: on a starved machine (-race, other jobs) a
	// slow answer must not turn into a false failure; the whole run is
	// bounded by ctx below instead.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hookClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	wh, err := NewWebhook(hookSrv.URL+"/alerts", WithWebhookClient(hookClient), WithWebhookHeader("Authorization", "Bearer receiver-secret"))
	require.NoError(t, err)
	d, err := NewDispatcher(DispatcherConfig{QueueSize: 8192, Window: window, Workers: 8,
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxAttempts: 10, AttemptTimeout: time.Minute}, wh)
	require.NoError(t, err)
	rec := &countingRecorder{next: d, per: map[windowKey]int{}}

	real := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	api := httptest.NewServer(Middleware(g, real, WithRecorder(rec),
		WithTrustedProxies(netip.MustParsePrefix("127.0.0.0/8"))))
	apiClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}

	var next atomic.Int64
	var sentMu sync.Mutex
	sent := map[windowKey]int{}
	var wrong atomic.Int64
	var errMu sync.Mutex
	var errs []string
	fail := func(msg string) {
		wrong.Add(1)
		errMu.Lock()
		if len(errs) < 5 {
			errs = append(errs, msg)
		}
		errMu.Unlock()
	}
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/v1/items?page=2", nil)
				want := http.StatusOK
				if i%10 == 0 {
					tok := toks[(i/10)%len(toks)]
					ip := ips[(i/10/len(toks))%len(ips)]
					req.Header.Set("Authorization", "Bearer "+tok.Value)
					req.Header.Set("X-Forwarded-For", "6.6.6.6, "+ip) // the spoofed first hop is ignored
					sentMu.Lock()
					sent[windowKey{tok.ID, netip.MustParseAddr(ip)}]++
					sentMu.Unlock()
					want = http.StatusUnauthorized
				} else {
					req.Header.Set("Authorization", cleanBearer)
				}
				resp, err := apiClient.Do(req)
				if err != nil {
					fail(err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != want {
					fail(fmt.Sprintf("request %d: status %d, want %d", i, resp.StatusCode, want))
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, d.Shutdown(ctx), "every alert delivered before the deadline")
	api.Close()
	hookSrv.Close()
	apiClient.CloseIdleConnections()
	hookClient.CloseIdleConnections()
	elapsed := time.Since(start)

	require.Zero(t, wrong.Load(), "every request answered as expected; first errors: %q", errs)
	honey := total / 10
	st := d.Stats()
	assert.Equal(t, uint64(honey), st.Hits, "every hit recorded")
	assert.Zero(t, st.Dropped)
	assert.Zero(t, st.Failed)
	assert.Equal(t, st.Alerts, st.Delivered)
	assert.Equal(t, sent, rec.per, "hits attributed to the right token and client address")

	recv.mu.Lock()
	defer recv.mu.Unlock()
	assert.Zero(t, recv.bad)
	assert.Zero(t, recv.dups, "no alert delivered twice")
	assert.Equal(t, recv.failed, recv.ok, "the receiver failed half its requests")
	assert.Equal(t, int(st.Alerts), len(recv.accepted), "every alert delivered once")
	assert.Equal(t, st.Retries, uint64(recv.failed))

	perKey := map[windowKey][]Alert{}
	sum := 0
	for _, a := range recv.accepted {
		k := windowKey{a.Hit.TokenID, a.Hit.RemoteIP}
		perKey[k] = append(perKey[k], a)
		sum += a.Count
	}
	assert.Equal(t, honey, sum, "alert counts add up to the hits")
	for k, as := range perKey {
		n := 0
		sort.Slice(as, func(i, j int) bool { return as[i].FirstSeen.Before(as[j].FirstSeen) })
		firsts := map[string]Alert{}
		var prev *Alert
		for i, a := range as {
			n += a.Count
			if a.FollowUpOf != "" {
				continue
			}
			assert.Equal(t, 1, a.Count, "a first alert stands for its own hit")
			firsts[a.ID] = a
			if prev != nil {
				assert.GreaterOrEqual(t, a.FirstSeen.Sub(prev.FirstSeen), window, "one first alert per key per window")
			}
			prev = &as[i]
		}
		for _, a := range as {
			if a.FollowUpOf == "" {
				continue
			}
			first, ok := firsts[a.FollowUpOf]
			require.True(t, ok, "a follow-up names a first alert of the same key")
			assert.Less(t, a.LastSeen.Sub(first.FirstSeen), window, "a window never grows past its length")
			assert.False(t, a.FirstSeen.Before(first.FirstSeen))
		}
		assert.Equal(t, sent[k], n, "exactly once per hit for %v", k)
	}
	t.Logf("%d requests (%d honeytokens) in %v: %d alerts, %d webhook requests failed and retried",
		total, honey, elapsed.Round(time.Millisecond), st.Alerts, recv.failed)
	settleGoroutines(t, before)
}
