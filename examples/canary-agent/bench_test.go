package main

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decoykit/decoykit/canary/canarytest"
)

// heapPeak samples HeapInuse every few milliseconds until stopped.
type heapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) done() uint64 {
	close(h.stop)
	h.wg.Wait()
	return h.peak.Load()
}

// BenchmarkFullGather10kTokens100kIncidents runs `canary-agent --json full`
// in process against canarytest holding 10,000 tokens and 100,000
// incidents: every token and every incident paged through the SDK and
// aggregated by the audit package. peak-heap-MB is the process's peak
// HeapInuse during the runs (fake Console state included); server-heap-MB is
// the HeapInuse of the seeded fake alone, measured before.
func BenchmarkFullGather10kTokens100kIncidents(b *testing.B) {
	srv := canarytest.NewServer()
	defer srv.Close()
	if _, err := srv.Seed(canarytest.Estate{Tokens: 10000, Incidents: 100000, AcknowledgedFraction: 0.3, TriggeredTokens: 2000}); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	args := []string{"--base-url", srv.BaseURL(), "--auth-token", srv.AuthToken(), "--json", "full"}
	h := watchHeap()
	b.ResetTimer()
	for b.Loop() {
		if code := run(context.Background(), args, io.Discard, io.Discard, func(string) string { return "" }); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.StopTimer()
	peak := h.done()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(base)/(1<<20), "server-heap-MB")
}
