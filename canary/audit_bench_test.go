package canary_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary"
)

// Whole-audit benchmarks (issue #15): audit.Full(FromClient) against a
// loopback Console serving the documented page shapes (1,000 items a page,
// as FromClient asks), beside the network floor: the same pages fetched one
// after another and discarded. Run each size in its own process for a
// clean peak RSS:
//
//	go test -run '^$' -bench 'BenchmarkAuditFull/tokens=10000,incidents=100000/' -benchtime 3x -count 6 ./canary/
//	go test -run '^$' -bench 'BenchmarkAuditFull/tokens=10000,incidents=10000/' -benchtime 3x -count 6 ./canary/
//	go test -run '^$' -bench 'BenchmarkAuditFullLatency' -benchtime 3x -count 6 ./canary/
//
// audit is the audit's wall time (sec/op) with its peak RSS (peak-rss-MB,
// the process's high-water mark, reset before the sub-benchmark where
// Linux allows) and its CPU time (cpu-ms/op, client and server);
// fetch-discard is the floor. BenchmarkAuditFullLatency adds
// 20 ms to every response and reports audit-ms, floor-ms and x-floor, the
// audit's time over the floor's, measured in alternation.

const auditPageSize = 1000

// staticConsole serves /canarytokens/paginate and /incidents/all from page
// templates, and the devices, flocks and updates of the docs, after latency.
type staticConsole struct {
	tokens, incidents         func(k, pages int) []byte
	tokenPages, incidentPages int
	birds                     map[string][]byte
	latency                   time.Duration
}

func newStaticConsole(b *testing.B, nTokens, nIncidents int, latency time.Duration) *httptest.Server {
	b.Helper()
	c := &staticConsole{
		tokens: canary.PageRenderer("tokens", auditPageSize), incidents: canary.PageRenderer("incidents", auditPageSize),
		tokenPages: nTokens / auditPageSize, incidentPages: nIncidents / auditPageSize,
		birds: map[string][]byte{}, latency: latency,
	}
	for path, file := range map[string]string{
		"/api/v1/devices/all": "devices/all.json", "/api/v1/flocks/summary": "flocks/summaries.json",
		"/api/v1/updates/list": "devices/updates.json",
	} {
		body, err := os.ReadFile(filepath.Join("testdata", file))
		if err == nil { // older trees have no estate files and make no such call
			c.birds[path] = body
		}
	}
	srv := httptest.NewServer(c)
	b.Cleanup(srv.Close)
	return srv
}

func (c *staticConsole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.latency > 0 {
		time.Sleep(c.latency) // the network and the Console's own time
	}
	var body []byte
	switch r.URL.Path {
	case "/api/v1/canarytokens/paginate", "/api/v1/incidents/all":
		render, pages := c.incidents, c.incidentPages
		if r.URL.Path == "/api/v1/canarytokens/paginate" {
			render, pages = c.tokens, c.tokenPages
		}
		k := 0
		if cur := r.URL.Query().Get("cursor"); cur != "" {
			var ok bool
			if k, ok = canary.CursorPage(cur); !ok || k >= pages {
				http.Error(w, `{"result": "error", "message": "bad cursor"}`, http.StatusBadRequest)
				return
			}
		}
		body = render(k, pages)
	default:
		var ok bool
		if body, ok = c.birds[r.URL.Path]; !ok {
			http.NotFound(w, r)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func benchClient(b *testing.B, srv *httptest.Server) *canary.Client {
	b.Helper()
	c, err := canary.NewClient(canary.WithBaseURL(srv.URL+"/api/v1"), canary.WithAuthToken("bench-auth-token"),
		canary.WithRetry(canary.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func runAudit(b *testing.B, c *canary.Client, nTokens, nIncidents int) {
	r, err := audit.Full(context.Background(), audit.FromClient(c), nil)
	if err != nil {
		b.Fatal(err)
	}
	if r.Coverage.Tokens != nTokens || r.Incidents.Total != nIncidents {
		b.Fatalf("audited %d tokens and %d incidents", r.Coverage.Tokens, r.Incidents.Total)
	}
}

// fetchDiscard is the floor: every token page, then every incident page,
// one request after another, each body read whole and dropped; the next
// cursor is picked out with a byte search.
func fetchDiscard(b *testing.B, hc *http.Client, base string) (pages int) {
	for _, path := range []string{"/canarytokens/paginate", "/incidents/all"} {
		q := "limit=" + strconv.Itoa(auditPageSize)
		for {
			req, _ := http.NewRequest(http.MethodGet, base+path+"?"+q, nil)
			req.Header.Set("X-Canary-Auth-Token", "bench-auth-token")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("HTTP %d, %v", resp.StatusCode, err)
			}
			pages++
			i := bytes.Index(body, []byte(`"next": "`))
			if i < 0 {
				break
			}
			next := body[i+len(`"next": "`):]
			q = "cursor=" + string(next[:bytes.IndexByte(next, '"')])
		}
	}
	return pages
}

// cpuTime is the process's user and system CPU time so far (client and
// in-process server alike): on a shared machine it shows the work done
// when wall time mostly shows the wait for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS restarts the process's RSS high-water mark (VmHWM), where
// Linux allows it.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the process's RSS high-water mark (VmHWM) in MiB, or 0.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseFloat(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkAuditFull(b *testing.B) {
	for _, size := range []struct{ tokens, incidents int }{{10000, 10000}, {10000, 100000}} {
		b.Run(fmt.Sprintf("tokens=%d,incidents=%d", size.tokens, size.incidents), func(b *testing.B) {
			srv := newStaticConsole(b, size.tokens, size.incidents, 0)
			b.Run("audit", func(b *testing.B) {
				c := benchClient(b, srv)
				runAudit(b, c, size.tokens, size.incidents) // warm the connections
				resetPeakRSS()
				cpu0 := cpuTime()
				for b.Loop() {
					runAudit(b, c, size.tokens, size.incidents)
				}
				b.ReportMetric(peakRSS(), "peak-rss-MB")
				b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
			b.Run("fetch-discard", func(b *testing.B) {
				hc := srv.Client()
				want := (size.tokens + size.incidents) / auditPageSize
				cpu0 := cpuTime()
				for b.Loop() {
					if n := fetchDiscard(b, hc, srv.URL+"/api/v1"); n != want {
						b.Fatalf("%d pages, want %d", n, want)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
		})
	}
}

func BenchmarkAuditFullLatency(b *testing.B) {
	const nTokens, nIncidents = 2000, 20000
	srv := newStaticConsole(b, nTokens, nIncidents, 20*time.Millisecond)
	c := benchClient(b, srv)
	hc := srv.Client()
	var auditT, floorT time.Duration
	runs := 0
	for b.Loop() {
		b.StopTimer()
		t0 := time.Now()
		fetchDiscard(b, hc, srv.URL+"/api/v1")
		floorT += time.Since(t0)
		b.StartTimer()
		t1 := time.Now()
		runAudit(b, c, nTokens, nIncidents)
		auditT += time.Since(t1)
		runs++
	}
	b.ReportMetric(float64(auditT.Milliseconds())/float64(runs), "audit-ms")
	b.ReportMetric(float64(floorT.Milliseconds())/float64(runs), "floor-ms")
	b.ReportMetric(float64(auditT)/float64(floorT), "x-floor")
}
