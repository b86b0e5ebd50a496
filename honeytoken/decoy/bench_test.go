package decoy

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type okHandler struct{}

func (okHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}

// discardWriter is a ResponseWriter that allocates nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// cleanBearer is an opaque 38-character access token that is not a honeytoken
// (deliberately low in entropy: nothing credential-shaped is committed).
const cleanBearer = "Bearer opaque-session-handle-for-benchmarks-0"

func cleanRequest() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://api.example.test/v1/items?limit=50&cursor=c2VjcmV0LWN1cnNvcg", nil)
	r.Header.Set("Authorization", cleanBearer)
	r.Header.Set("User-Agent", "acme-client/2.3 (go)")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Cookie", "session=3b1f9c0d2e; theme=dark")
	r.Header.Set("X-Request-Id", "req-0001")
	return r
}

// BenchmarkMiddleware compares the bare handler with Middleware on a clean
// request (the overhead target: <= 200 ns, 0 extra allocations) and on a
// request carrying a honeytoken.
func BenchmarkMiddleware(b *testing.B) {
	g := newGen(b, "bench")
	tok := mint(b, g, "github-classic")
	w := &discardWriter{h: http.Header{}}
	clean := cleanRequest()
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		var h http.Handler = okHandler{}
		for b.Loop() {
			h.ServeHTTP(w, clean)
		}
	})
	b.Run("clean", func(b *testing.B) {
		b.ReportAllocs()
		h := Middleware(g, okHandler{})
		for b.Loop() {
			h.ServeHTTP(w, clean)
		}
	})
	// A 32-character alphanumeric bearer has the length of a DatabaseURL
	// password honeytoken, so Recognize runs its keyed check on it.
	b.Run("clean-bearer-32", func(b *testing.B) {
		b.ReportAllocs()
		r := cleanRequest()
		r.Header.Set("Authorization", "Bearer benchmarkbearer00000000000000000")
		h := Middleware(g, okHandler{})
		for b.Loop() {
			h.ServeHTTP(w, r)
		}
	})
	// A service's own HS256 JWT bearer (iss, sub, scope, exp): the cheap
	// pre-check rules it out before any signature check.
	b.Run("clean-jwt-bearer", func(b *testing.B) {
		b.ReportAllocs()
		sj, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": "https://auth.example.test", "sub": "user-4711", "scope": "read:items", "exp": int64(4102444800),
		}).SignedString([]byte("service signing key for the benchmark"))
		if err != nil {
			b.Fatal(err)
		}
		r := cleanRequest()
		r.Header.Set("Authorization", "Bearer "+sj)
		h := Middleware(g, okHandler{})
		for b.Loop() {
			h.ServeHTTP(w, r)
		}
	})
	// Worst case: a JWT decoy minted by another generator has the exact
	// shape of ours, so Recognize parses it and checks its signature.
	b.Run("clean-foreign-decoy-jwt", func(b *testing.B) {
		b.ReportAllocs()
		other := newGen(b, "someone else")
		jw := mint(b, other, "jwt")
		r := cleanRequest()
		r.Header.Set("Authorization", "Bearer "+jw.Value)
		h := Middleware(g, okHandler{})
		for b.Loop() {
			h.ServeHTTP(w, r)
		}
	})
	b.Run("honeytoken", func(b *testing.B) {
		b.ReportAllocs()
		r := cleanRequest()
		r.Header.Set("Authorization", "Bearer "+tok.Value)
		h := Middleware(g, okHandler{}, WithRecorder(RecorderFunc(func(Hit) {})))
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
	// The same through a Dispatcher: the request path up to Record, which
	// folds the repeats into the open alert.
	b.Run("honeytoken-dispatcher", func(b *testing.B) {
		b.ReportAllocs()
		r := cleanRequest()
		r.Header.Set("Authorization", "Bearer "+tok.Value)
		d, err := NewDispatcher(DispatcherConfig{Window: time.Hour}, NotifierFunc(func(context.Context, Alert) error { return nil }))
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		h := Middleware(g, okHandler{}, WithRecorder(d))
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
}

// BenchmarkDispatcher measures the Dispatcher with a notifier that does
// nothing. "record-dedupe": Record from parallel goroutines, hits of 64
// token-source pairs all merged into open windows (the request-path cost of a
// flood). "record-no-dedupe": every hit becomes an alert; Record never waits,
// so what the queue cannot take is dropped (dropped/op). "sustained": one
// producer that keeps the queue under half full, so nothing is dropped and
// delivered/s is the end-to-end rate through queue, worker and notifier. The
// timer includes Close, which drains the queue.
func BenchmarkDispatcher(b *testing.B) {
	hits := make([]Hit, 64)
	for i := range hits {
		hits[i] = hitFor(fmt.Sprintf("tok-%d", i%16), fmt.Sprintf("192.0.2.%d", i%4))
	}
	noop := NotifierFunc(func(context.Context, Alert) error { return nil })
	for _, c := range []struct {
		name      string
		window    time.Duration
		sustained bool
	}{{"record-dedupe", time.Minute, false}, {"record-no-dedupe", -1, false}, {"sustained", -1, true}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			const queue = 4096
			d, err := NewDispatcher(DispatcherConfig{Window: c.window, QueueSize: queue}, noop)
			if err != nil {
				b.Fatal(err)
			}
			if c.sustained {
				i := 0
				for b.Loop() {
					if i%256 == 0 {
						for d.Stats().Pending > queue/2 {
							runtime.Gosched()
						}
					}
					d.Record(hits[i%64])
					i++
				}
			} else {
				var i atomic.Uint64
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						d.Record(hits[i.Add(1)%64])
					}
				})
			}
			if err := d.Shutdown(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			st := d.Stats()
			b.ReportMetric(float64(st.Dropped)/float64(b.N), "dropped/op")
			if c.window < 0 {
				b.ReportMetric(float64(st.Delivered)/b.Elapsed().Seconds(), "delivered/s")
			}
		})
	}
}

// BenchmarkMiddlewareRealistic is the Middleware's cost on real clean traffic
// (the target: <= 200 ns and 0 allocations over the bare handler): a browser
// GET, an API client, a service's HS256 and RS256 JWTs, an OAuth bearer, and
// another generator's honeytoken of every format in Authorization (clean for
// this generator: the worst case of the keyed check). Each case cycles through
// 64 requests with values from a seeded source; "bare" is the real handler
// alone on the same requests, "middleware" the same handler behind Middleware.
// cpu-ns/op is the process's CPU time per op, which a shared machine's load
// inflates far less than ns/op.
func BenchmarkMiddlewareRealistic(b *testing.B) {
	g := newGen(b, "bench")
	w := &discardWriter{h: http.Header{}}
	for _, c := range cleanCases(b, 1, 64) {
		for _, mode := range []string{"bare", "middleware"} {
			var h http.Handler = okHandler{}
			if mode == "middleware" {
				h = Middleware(g, okHandler{})
			}
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				rs := c.requests
				i := 0
				cpu := cpuNanos()
				for b.Loop() {
					h.ServeHTTP(w, rs[i&63])
					i++
				}
				b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
