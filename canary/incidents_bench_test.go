package canary

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
)

// BenchmarkIncidentsAll ranges over every incident of a feed served in
// pages of 500 by an in-process HTTP server (the fake feed generates each
// page on demand, so the server holds nothing). It reports the time per
// full iteration, B/op and allocs/op, and the peak HeapInuse sampled once per
// page: the client keeps one page alive at a time, so the peak must not grow
// with the number of incidents. live-heap-MiB is HeapAlloc right after a
// forced GC in the middle of a page, every 5,000 incidents (outside the
// timer): the memory the iteration actually retains.
func BenchmarkIncidentsAll(b *testing.B) {
	for _, n := range []int64{10_000, 100_000} {
		b.Run(strconv.FormatInt(n/1000, 10)+"k", func(b *testing.B) {
			srv := httptest.NewServer(&fakeFeed{n: n})
			defer srv.Close()
			c, err := NewClient(WithBaseURL(srv.URL+"/api/v1"), WithAuthToken(testToken))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			var peak, live uint64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var count int64
				for inc, err := range c.Incidents.All(ctx, &ListIncidentsOptions{Limit: 500}) {
					if err != nil {
						b.Fatal(err)
					}
					count++
					if count%500 == 0 { // once per page, while the page is live
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
					if count%5000 == 2500 { // what the iteration retains, mid-page
						b.StopTimer()
						runtime.GC()
						runtime.ReadMemStats(&ms)
						live = max(live, ms.HeapAlloc)
						b.StartTimer()
					}
					if inc.UpdatedID != count {
						b.Fatalf("incident %d has updated_id %d", count, inc.UpdatedID)
					}
				}
				if count != n {
					b.Fatalf("got %d incidents, want %d", count, n)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-heap-growth-MiB")
			b.ReportMetric(float64(live)/(1<<20), "live-heap-MiB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/incident")
		})
	}
}

// BenchmarkDecodeIncidentPage decodes one feed page of 500 incidents (about
// 600 KiB), the client's share of BenchmarkIncidentsAll without HTTP.
func BenchmarkDecodeIncidentPage(b *testing.B) {
	rec := httptest.NewRecorder()
	(&fakeFeed{n: 500}).ServeHTTP(rec, authed(httptest.NewRequest("GET", "/api/v1/incidents/all?limit=500", nil)))
	body := rec.Body.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var w incidentPageWire
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
		if len(w.page().Items) != 500 {
			b.Fatal("short page")
		}
	}
}

func authed(r *http.Request) *http.Request {
	r.Header.Set("X-Canary-Auth-Token", testToken)
	return r
}
