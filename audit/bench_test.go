package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"runtime"
	"testing"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// benchEstate is a generated estate: nTokens tokens of the recommended kinds
// (a tenth disabled, ages spread over two years) and nIncidents incidents
// made one at a time as the audit asks for them, so the source holds none of
// them. Incident i comes from one of 50,000 addresses; 1 in 10 is linked by
// the token code in its event rather than by node_id, 1 in 20 is on a
// deleted token, 1 in 50 is a Canary device incident.
type benchEstate struct {
	tokens     []*canary.Token
	nIncidents int
	ips        []string
	events     [][]canary.Event // per token: one event naming it
	gone       []canary.Event
	// sample, when set, is called every 1,000 incidents and after the last.
	sample func(i int)
}

const benchIPs = 50000

func newBenchEstate(nTokens, nIncidents int) *benchEstate {
	kinds := canary.RecommendedKinds()
	e := &benchEstate{nIncidents: nIncidents, ips: make([]string, benchIPs), events: make([][]canary.Event, nTokens)}
	for i := range nTokens {
		id := fmt.Sprintf("tok%07d", i)
		k := kinds[i%len(kinds)]
		e.tokens = append(e.tokens, &canary.Token{ID: id, Kind: k, Memo: "bench token " + id, Enabled: i%10 != 0,
			NodeID: "node-" + id, Created: now.Add(-time.Duration(i%730) * 24 * time.Hour)})
		e.events[i] = []canary.Event{{Type: string(k), Fields: map[string]json.RawMessage{
			"canarytoken": json.RawMessage(`"` + id + `"`), "type": json.RawMessage(`"` + string(k) + `"`)}}}
	}
	for i := range e.ips {
		e.ips[i] = fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&0xff, i&0xff)
	}
	e.gone = []canary.Event{{Type: "aws-id", Fields: map[string]json.RawMessage{"canarytoken": json.RawMessage(`"deleted"`)}}}
	return e
}

func (e *benchEstate) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	return func(yield func(*canary.Token, error) bool) {
		for _, t := range e.tokens {
			if !yield(t, nil) {
				return
			}
		}
	}
}

func (e *benchEstate) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	return func(yield func(*canary.Incident, error) bool) {
		for i := range e.nIncidents {
			ti := (i * 7919) % len(e.tokens)
			t := e.tokens[ti]
			inc := &canary.Incident{
				Key: "incident", Logtype: "17000", NodeID: t.NodeID, SourceHost: e.ips[(i*104729)%benchIPs],
				Acknowledged: i%3 == 0, Created: now.Add(-time.Duration(i) * time.Second), Events: e.events[ti],
			}
			switch {
			case i%50 == 0:
				inc.Logtype, inc.NodeID, inc.Events = "3001", "bird", nil
			case i%20 == 0:
				inc.NodeID, inc.Events = fmt.Sprintf("gone-%d", i%3000), e.gone
			case i%10 == 0:
				inc.NodeID = ""
			}
			if e.sample != nil && i%1000 == 0 {
				e.sample(i)
			}
			if !yield(inc, nil) {
				return
			}
		}
		if e.sample != nil {
			e.sample(e.nIncidents)
		}
	}
}

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measureHeap runs one Full over src and returns the peak heap seen while
// incidents streamed (HeapAlloc sampled every 1,000 incidents, garbage
// included) and the live heap the audit held after the last incident (after
// a collection), both above the heap before the run.
func measureHeap(b *testing.B, e *benchEstate, opts *Options) (peak, live uint64) {
	base := heapAfterGC()
	var m runtime.MemStats
	e.sample = func(i int) {
		if i == e.nIncidents {
			live = heapAfterGC() - base
			return
		}
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > base && m.HeapAlloc-base > peak {
			peak = m.HeapAlloc - base
		}
	}
	defer func() { e.sample = nil }()
	if _, err := Full(context.Background(), e, opts); err != nil {
		b.Fatal(err)
	}
	return peak, live
}

// BenchmarkFull audits 10,000 tokens with 10,000 and 100,000 incidents from
// an in-memory generating source (no HTTP, no JSON): the audit's own cost.
// peak-heap-B and live-heap-B come from one instrumented run before the
// timed ones; live-heap-B is what the audit holds at the end of the
// stream (tokens and aggregates) and should not grow with the incidents.
func BenchmarkFull(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("tokens=10000/incidents=%d", n), func(b *testing.B) {
			e := newBenchEstate(10000, n)
			opts := &Options{Now: fixedNow}
			peak, live := measureHeap(b, e, opts)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Full(context.Background(), e, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
			b.ReportMetric(float64(live), "live-heap-B")
		})
	}
}

// BenchmarkFullCanarytest runs the same audit end to end over HTTP against
// canarytest, seeded with 10,000 tokens and 10,000 or 100,000 incidents:
// paging, JSON decoding and the audit together.
func BenchmarkFullCanarytest(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("tokens=10000/incidents=%d", n), func(b *testing.B) {
			srv := canarytest.NewServer(canarytest.WithClock(fixedNow))
			defer srv.Close()
			if _, err := srv.Seed(canarytest.Estate{Tokens: 10000, Incidents: n, DisabledFraction: 0.1,
				AcknowledgedFraction: 0.3}); err != nil {
				b.Fatal(err)
			}
			src := FromClient(srv.Client())
			opts := &Options{Now: fixedNow}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				r, err := Full(context.Background(), src, opts)
				if err != nil {
					b.Fatal(err)
				}
				if r.Incidents.Total != n {
					b.Fatalf("audited %d incidents, want %d", r.Incidents.Total, n)
				}
			}
		})
	}
}

// BenchmarkTrackerMemory reports the live bytes per tracked source IP
// (counter, map entry, heap slot, one remembered token), the figure behind
// DefaultMaxSourceIPs's memory bound.
func BenchmarkTrackerMemory(b *testing.B) {
	keys := make([]string, DefaultMaxSourceIPs)
	for i := range keys {
		keys[i] = fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&0xff, i&0xff)
	}
	var per float64
	for b.Loop() {
		base := heapAfterGC()
		tr := newTracker(DefaultMaxSourceIPs)
		for _, k := range keys {
			tr.add(k).observe(true, now, "tok0000001")
		}
		per = float64(heapAfterGC()-base) / float64(len(keys))
		runtime.KeepAlive(tr)
	}
	b.ReportMetric(per, "B/ip")
}

// BenchmarkGenerator ranges over BenchmarkFull's generated incidents without
// auditing them: its B/op and allocs/op are the source's share of
// BenchmarkFull's, to subtract when reading the audit's own cost.
func BenchmarkGenerator(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("incidents=%d", n), func(b *testing.B) {
			e := newBenchEstate(10000, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for inc, err := range e.Incidents(context.Background()) {
					if err != nil || inc == nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
