package canary

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Listing-speed benchmarks (issue 9). Decoding: the fast decoders against
// encoding/json on pre-serialised documented-shape pages. Overlap: Tokens.All
// and Incidents.All against an in-process Console that adds 20 ms to every
// response, compared with fetching the same pages and discarding the bodies.
// Memory: a whole audit-style pass (keep every token, stream every incident)
// over 10,000 tokens and 10,000, 100,000 or 1,000,000 incidents at zero
// latency.
//
//	go test -run '^$' -bench 'BenchmarkDecode(IncidentFeed|TokenList)Page' -benchmem -cpu 1 ./canary/
//	go test -run '^$' -bench BenchmarkListingOverlap -benchtime 5x ./canary/
//	go test -run '^$' -bench 'BenchmarkListingAudit/incidents=10000$' -benchtime 3x ./canary/
//	go test -run '^$' -bench 'BenchmarkListingAudit/incidents=100000$' -benchtime 3x ./canary/
//	go test -run '^$' -bench 'BenchmarkListingAudit/incidents=1000000$' -benchtime 1x ./canary/

// reportPerItem reports allocations per decoded item over the whole run.
func reportPerItem(b *testing.B, items int, run func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		run()
		n++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n*items), "allocs/item")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*items), "ns/item")
}

func BenchmarkDecodeIncidentFeedPage(b *testing.B) {
	const n = 500
	body := incidentFeedTemplate(n).render(0, 2)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			p, err := decodeIncidentPage(body)
			if err != nil || len(p.Items) != n {
				b.Fatal(err)
			}
		})
	})
	// What audit.Full reads of each incident (internal/auditview).
	b.Run("views", func(b *testing.B) {
		c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			p, err := decodeIncidentViewsPage(c, getReq("/incidents/all"), 200, body)
			if err != nil || len(p.Items) != n {
				b.Fatal(err)
			}
		})
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			var w oracleIncidentPage
			if err := json.Unmarshal(body, &w); err != nil || len(w.Incidents) != n {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkDecodeTokenListPage(b *testing.B) {
	const n = 500
	body := tokenListTemplate(n).render(0, 2)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			var w tokenPageWire
			if err := decodeTokenPage(body, &w); err != nil || len(w.Tokens) != n {
				b.Fatal(err)
			}
		})
	})
	// What List and Search do: json.Unmarshal into tokenPageWire, which
	// validates the body and then runs the fast decoder.
	b.Run("json.Unmarshal-tokenPageWire", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			var w tokenPageWire
			if err := json.Unmarshal(body, &w); err != nil || len(w.Tokens) != n {
				b.Fatal(err)
			}
		})
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		reportPerItem(b, n, func() {
			var w oracleTokenPage
			if err := json.Unmarshal(body, &w); err != nil || len(w.Tokens) != n {
				b.Fatal(err)
			}
		})
	})
}

// fakeListing is an in-process Console serving /canarytokens/paginate and
// /incidents/all from pre-serialised templates, after a fixed latency.
type fakeListing struct {
	srv                       *httptest.Server
	c                         *Client
	tokens, incidents         *pageTemplate
	tokenPages, incidentPages int
	requests                  atomic.Int64
}

const benchPageSize = 500

func newFakeListing(b *testing.B, latency time.Duration, nTokens, nIncidents int) *fakeListing {
	b.Helper()
	if nTokens%benchPageSize != 0 || nIncidents%benchPageSize != 0 {
		b.Fatalf("totals must be multiples of %d", benchPageSize)
	}
	f := &fakeListing{
		tokens: tokenListTemplate(benchPageSize), incidents: incidentFeedTemplate(benchPageSize),
		tokenPages: nTokens / benchPageSize, incidentPages: nIncidents / benchPageSize,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		tmpl, pages := f.incidents, f.incidentPages
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
		if latency > 0 {
			time.Sleep(latency) // the network and the Console's own time
		}
		body := tmpl.render(k, pages)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(f.srv.Close)
	c, err := NewClient(WithBaseURL(f.srv.URL+"/api/v1"), WithAuthToken("bench-auth-token"),
		WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		b.Fatal(err)
	}
	f.c = c
	return f
}

// fetchDiscard fetches every page of path one after another, following
// cursor.next, and discards the bodies: the network floor.
func (f *fakeListing) fetchDiscard(ctx context.Context, path string) (pages int, err error) {
	return fetchDiscard(ctx, f.srv.Client(), f.srv.URL+"/api/v1"+path, benchPageSize)
}

// fetchDiscard GETs url?limit=limit and then every next page, reading each
// body whole and keeping only cursor.next (found with encoding/json).
func fetchDiscard(ctx context.Context, hc *http.Client, u string, limit int) (pages int, err error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"?"+q.Encode(), nil)
		if err != nil {
			return pages, err
		}
		req.Header.Set("X-Canary-Auth-Token", "bench-auth-token")
		resp, err := hc.Do(req)
		if err != nil {
			return pages, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return pages, err
		}
		if resp.StatusCode != http.StatusOK {
			return pages, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		pages++
		var p struct {
			Cursor *cursorWire `json:"cursor"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return pages, err
		}
		next := p.Cursor.next()
		if next == "" {
			return pages, nil
		}
		q = url.Values{"cursor": {next}}
	}
}

func BenchmarkListingOverlap(b *testing.B) {
	const latency = 20 * time.Millisecond
	ctx := context.Background()
	cases := []struct {
		name   string
		n      int
		path   string
		range_ func(f *fakeListing) func(func(string, error) bool)
	}{
		{"Tokens.All/2000", 2000, "/canarytokens/paginate", func(f *fakeListing) func(func(string, error) bool) {
			return func(yield func(string, error) bool) {
				for t, err := range f.c.Tokens.All(ctx, nil) {
					if err != nil {
						yield("", err)
						return
					}
					if !yield(t.ID, nil) {
						return
					}
				}
			}
		}},
		{"Incidents.All/20000", 20000, "/incidents/all", func(f *fakeListing) func(func(string, error) bool) {
			return func(yield func(string, error) bool) {
				for inc, err := range f.c.Incidents.All(ctx, nil) {
					if err != nil {
						yield("", err)
						return
					}
					if !yield(inc.Key, nil) {
						return
					}
				}
			}
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			f := newFakeListing(b, latency, 2000, 20000)
			var all, discard time.Duration
			runs := 0
			for b.Loop() {
				t0 := time.Now()
				pages, err := f.fetchDiscard(ctx, tc.path)
				discard += time.Since(t0)
				if err != nil || pages != tc.n/benchPageSize {
					b.Fatalf("fetch-and-discard: %d pages, %v", pages, err)
				}
				t1 := time.Now()
				seen := make(map[string]struct{}, tc.n)
				for key, err := range tc.range_(f) {
					if err != nil {
						b.Fatal(err)
					}
					seen[key] = struct{}{}
				}
				all += time.Since(t1)
				if len(seen) != tc.n {
					b.Fatalf("got %d distinct items, want %d", len(seen), tc.n)
				}
				runs++
			}
			b.ReportMetric(float64(all)/float64(discard), "x-discard")
			b.ReportMetric(float64(all.Milliseconds())/float64(runs), "ms-all")
			b.ReportMetric(float64(discard.Milliseconds())/float64(runs), "ms-discard")
		})
	}
}

// heapSampler records the largest heap reading (objects, live or not yet
// swept) and the largest heap goal the GC set, at the points it is given.
// The peak follows the goal (about twice the live heap at GOGC=100); the
// live heap after the stream, with a forced GC, is what the pass retains.
type heapSampler struct {
	samples    [2]metrics.Sample
	peak, goal uint64
}

func newHeapSampler() *heapSampler {
	h := &heapSampler{}
	h.samples[0].Name = "/memory/classes/heap/objects:bytes"
	h.samples[1].Name = "/gc/heap/goal:bytes"
	return h
}

func (h *heapSampler) take() {
	metrics.Read(h.samples[:])
	h.peak = max(h.peak, h.samples[0].Value.Uint64())
	h.goal = max(h.goal, h.samples[1].Value.Uint64())
}

// live is the heap in use after a full GC.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// rssHighWater is the process's peak resident set (VmHWM), in bytes, or 0
// where /proc is not available.
func rssHighWater() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseUint(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkListingAudit is the whole job at zero latency: keep every token
// (as an audit does, to link incidents to them) and stream every incident
// into bounded per-kind and per-node counters. Peak heap and peak RSS must
// not grow with the number of incidents; run each size in its own process
// for a clean RSS figure.
func BenchmarkListingAudit(b *testing.B) {
	const nTokens = 10000
	ctx := context.Background()
	for _, nInc := range []int{10000, 100000, 1000000} {
		b.Run(fmt.Sprintf("incidents=%d", nInc), func(b *testing.B) {
			f := newFakeListing(b, 0, nTokens, nInc)
			h := newHeapSampler()
			runs := 0
			var live uint64
			for b.Loop() {
				runtime.GC()
				tokens := make(map[string]*Token, nTokens)
				for t, err := range f.c.Tokens.All(ctx, nil) {
					if err != nil {
						b.Fatal(err)
					}
					tokens[t.NodeID] = t
				}
				byLogtype := map[string]int{}
				onTokens, n := 0, 0
				for inc, err := range f.c.Incidents.All(ctx, nil) {
					if err != nil {
						b.Fatal(err)
					}
					byLogtype[inc.Logtype]++
					if _, ok := tokens[inc.NodeID]; ok {
						onTokens++
					}
					if n++; n%250 == 0 {
						h.take()
					}
				}
				h.take()
				b.StopTimer()
				live = max(live, liveHeap()) // tokens still held, as an audit holds them
				b.StartTimer()
				if len(tokens) != nTokens || n != nInc {
					b.Fatalf("got %d tokens and %d incidents", len(tokens), n)
				}
				runs++
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(runs), "ms/audit")
			b.ReportMetric(float64(h.peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(h.goal)/(1<<20), "peak-goal-MB")
			b.ReportMetric(float64(live)/(1<<20), "live-after-MB")
			b.ReportMetric(float64(rssHighWater())/(1<<20), "peak-rss-MB")
		})
	}
}
