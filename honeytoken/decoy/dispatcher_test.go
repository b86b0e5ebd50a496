package decoy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"expvar"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeNotifier records alerts; fail decides per attempt whether to fail.
type fakeNotifier struct {
	mu       sync.Mutex
	alerts   []Alert
	attempts map[string][]time.Time
	fail     func(a Alert, attempt int) error
}

func (f *fakeNotifier) Notify(ctx context.Context, a Alert) error {
	f.mu.Lock()
	if f.attempts == nil {
		f.attempts = map[string][]time.Time{}
	}
	f.attempts[a.ID] = append(f.attempts[a.ID], time.Now())
	n := len(f.attempts[a.ID])
	fail := f.fail
	f.mu.Unlock()
	if fail != nil {
		if err := fail(a, n); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.alerts = append(f.alerts, a)
	f.mu.Unlock()
	return nil
}

func (f *fakeNotifier) got() []Alert {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Alert(nil), f.alerts...)
}

func (f *fakeNotifier) tries(id string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.attempts[id]...)
}

func hitFor(token, ip string) Hit {
	return Hit{ID: newID(), Time: time.Now(), TokenID: token, Format: "github-classic", Token: "ghp_ab…",
		RemoteIP: netip.MustParseAddr(ip), Method: "GET", Path: "/"}
}

func newTestDispatcher(t *testing.T, cfg DispatcherConfig, ns ...Notifier) *Dispatcher {
	t.Helper()
	d, err := NewDispatcher(cfg, ns...)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = d.Close() // stops the goroutines even when an assertion failed early
	})
	return d
}

// TestDispatcherFirstAlertAtOnceThenFollowUp: the first hit of a token from
// an address is delivered with no wait at all; the later hits of its window
// arrive as one follow-up carrying their count when the window ends.
func TestDispatcherFirstAlertAtOnceThenFollowUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		d := newTestDispatcher(t, DispatcherConfig{Window: 10 * time.Second}, n)
		start := time.Now()
		d.Record(hitFor("A", "192.0.2.1"))
		synctest.Wait()
		got := n.got()
		require.Len(t, got, 1, "the first hit is delivered at once, not at the end of its window")
		assert.Equal(t, start, time.Now(), "no (fake) time passed")
		first := got[0]
		assert.Equal(t, "A", first.Hit.TokenID)
		assert.Equal(t, 1, first.Count)
		assert.Empty(t, first.FollowUpOf)
		assert.Equal(t, start, first.FirstSeen)

		time.Sleep(time.Second)
		d.Record(hitFor("A", "192.0.2.1")) // t=1s: folded
		d.Record(hitFor("A", "192.0.2.2")) // another source: its own first alert, at once
		time.Sleep(time.Second)
		d.Record(hitFor("B", "192.0.2.1")) // t=2s: another token: its own first alert, at once
		time.Sleep(7 * time.Second)
		d.Record(hitFor("A", "192.0.2.1")) // t=9s, still inside A/.1's window: folded
		time.Sleep(999 * time.Millisecond)
		synctest.Wait()
		got = n.got()
		require.Len(t, got, 3, "three first alerts, no follow-up before its window ends")
		assert.Equal(t, "192.0.2.2", got[1].Hit.RemoteIP.String())
		assert.Equal(t, "B", got[2].Hit.TokenID)

		time.Sleep(2 * time.Millisecond) // t=10.001s: A/.1's window ends
		synctest.Wait()
		got = n.got()
		require.Len(t, got, 4)
		follow := got[3]
		assert.Equal(t, first.ID, follow.FollowUpOf)
		assert.NotEqual(t, first.ID, follow.ID)
		assert.Equal(t, 2, follow.Count, "the two later hits")
		assert.Equal(t, start.Add(time.Second), follow.FirstSeen)
		assert.Equal(t, start.Add(9*time.Second), follow.LastSeen)

		time.Sleep(2 * time.Second) // t=12.001s: A/.2 and B/.1 ended with no later hit: no follow-up
		synctest.Wait()
		require.Len(t, n.got(), 4)
		assert.Zero(t, d.Stats().Pending, "an empty window frees its place")

		d.Record(hitFor("A", "192.0.2.1")) // after the window: a new first alert, at once
		synctest.Wait()
		got = n.got()
		require.Len(t, got, 5)
		assert.Equal(t, 1, got[4].Count)
		assert.Empty(t, got[4].FollowUpOf)
		assert.Equal(t, start.Add(12*time.Second+time.Millisecond), got[4].FirstSeen)

		require.NoError(t, d.Shutdown(context.Background()))
		st := d.Stats()
		assert.Equal(t, Stats{Hits: 6, Merged: 2, Alerts: 5, Delivered: 5}, st)
	})
}

// TestDispatcherQueueTooSmallForAWindow: with one place left, the first hit
// is still delivered, without a window; the next hit is its own alert.
func TestDispatcherQueueTooSmallForAWindow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		d := newTestDispatcher(t, DispatcherConfig{QueueSize: 1}, n)
		d.Record(hitFor("A", "192.0.2.1"))
		synctest.Wait()
		d.Record(hitFor("A", "192.0.2.1"))
		synctest.Wait()
		got := n.got()
		require.Len(t, got, 2)
		assert.Empty(t, got[1].FollowUpOf)
		require.NoError(t, d.Shutdown(context.Background()))
		assert.Equal(t, Stats{Hits: 2, Alerts: 2, Delivered: 2}, d.Stats())
	})
}

func TestDispatcherWithoutDedupeDeliversAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		d := newTestDispatcher(t, DispatcherConfig{Window: -1}, n)
		for range 3 {
			d.Record(hitFor("A", "192.0.2.1"))
		}
		synctest.Wait()
		assert.Len(t, n.got(), 3)
		require.NoError(t, d.Shutdown(context.Background()))
	})
}

func TestDispatcherRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{fail: func(_ Alert, attempt int) error {
			if attempt <= 3 {
				return errors.New("503")
			}
			return nil
		}}
		d := newTestDispatcher(t, DispatcherConfig{Window: -1, MinBackoff: time.Second, MaxBackoff: 3 * time.Second}, n)
		d.Record(hitFor("A", "192.0.2.1"))
		require.NoError(t, d.Shutdown(context.Background()))
		got := n.got()
		require.Len(t, got, 1)
		tries := n.tries(got[0].ID)
		require.Len(t, tries, 4)
		for i := 1; i < len(tries); i++ {
			gap := tries[i].Sub(tries[i-1])
			ceil := min(time.Second<<(i-1), 3*time.Second)
			assert.GreaterOrEqual(t, gap, 500*time.Millisecond, "never less than half the minimum backoff")
			assert.LessOrEqual(t, gap, ceil, "jittered exponential, capped")
		}
		assert.Equal(t, Stats{Hits: 1, Alerts: 1, Delivered: 1, Retries: 3}, d.Stats())
	})
}

func TestDispatcherGivesUpLoudly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      error
		attempts int
		reason   string
	}{
		{"permanent error is not retried", Permanent(errors.New("HTTP 404")), 1, "permanent error"},
		{"attempts used up", errors.New("HTTP 503"), 3, "attempts used up"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var logs bytes.Buffer
				n := &fakeNotifier{fail: func(Alert, int) error { return c.err }}
				d := newTestDispatcher(t, DispatcherConfig{Window: -1, MaxAttempts: 3, Logger: newTextLogger(&logs)}, n)
				h := hitFor("tok-1", "192.0.2.9")
				d.Record(h)
				require.NoError(t, d.Shutdown(context.Background()))
				st := d.Stats()
				assert.Equal(t, uint64(1), st.Failed)
				assert.Equal(t, uint64(0), st.Delivered)
				assert.Equal(t, uint64(c.attempts-1), st.Retries)
				assert.Contains(t, logs.String(), "alert not delivered")
				assert.Contains(t, logs.String(), "token_id=tok-1", "the lost alert is in the log")
				assert.Contains(t, logs.String(), "remote_ip=192.0.2.9")
				assert.Contains(t, logs.String(), c.reason)
			})
		})
	}
}

func TestDispatcherQueueFullDropsAndCounts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		n := &fakeNotifier{fail: func(Alert, int) error { <-release; return nil }}
		var logs bytes.Buffer
		d := newTestDispatcher(t, DispatcherConfig{Window: -1, QueueSize: 2, Workers: 1, Logger: newTextLogger(&logs)}, n)
		d.Record(hitFor("A", "192.0.2.1")) // taken by the worker, blocked
		d.Record(hitFor("B", "192.0.2.1")) // waiting
		d.Record(hitFor("C", "192.0.2.1")) // over the bound
		synctest.Wait()
		st := d.Stats()
		assert.Equal(t, uint64(1), st.Dropped)
		assert.Equal(t, 2, st.Pending)
		assert.Contains(t, logs.String(), "hit dropped")
		assert.Contains(t, logs.String(), "reason=\"queue full\"")
		assert.Contains(t, logs.String(), "token_id=C")
		close(release)
		require.NoError(t, d.Shutdown(context.Background()))
		assert.Len(t, n.got(), 2)

		d.Record(hitFor("D", "192.0.2.1"))
		assert.Equal(t, uint64(2), d.Stats().Dropped, "a hit after Shutdown is dropped, not lost silently")
		assert.Contains(t, logs.String(), "dispatcher closed")
		assert.Contains(t, logs.String(), "token_id=D")
	})
}

func TestDispatcherRecordNeverBlocks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		n := &fakeNotifier{fail: func(Alert, int) error { <-release; return nil }}
		d := newTestDispatcher(t, DispatcherConfig{QueueSize: 16, Window: -1}, n)
		start := time.Now()
		for i := range 10000 {
			d.Record(hitFor("T", netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}).String()))
		}
		assert.Equal(t, start, time.Now(), "no fake time passed: Record never waited")
		st := d.Stats()
		assert.Equal(t, uint64(10000), st.Hits)
		assert.Equal(t, uint64(10000-16), st.Dropped)
		close(release)
		require.NoError(t, d.Shutdown(context.Background()))
	})
}

func TestDispatcherShutdownFlushesOpenWindows(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		d := newTestDispatcher(t, DispatcherConfig{Window: time.Hour}, n)
		for range 3 {
			d.Record(hitFor("A", "192.0.2.1"))
		}
		start := time.Now()
		require.NoError(t, d.Shutdown(context.Background()))
		assert.Equal(t, start, time.Now(), "Shutdown does not wait for the window")
		got := n.got()
		require.Len(t, got, 2)
		assert.Equal(t, 1, got[0].Count)
		assert.Equal(t, got[0].ID, got[1].FollowUpOf)
		assert.Equal(t, 2, got[1].Count, "the follow-up carries the later hits")
		require.NoError(t, d.Shutdown(context.Background()), "Shutdown is idempotent")
		require.NoError(t, d.Close(), "Close after Shutdown is a no-op")
	})
}

func TestDispatcherShutdownDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		n := &fakeNotifier{fail: func(_ Alert, _ int) error { return errors.New("HTTP 503") }}
		d := newTestDispatcher(t, DispatcherConfig{Window: -1, MinBackoff: time.Minute, Logger: newTextLogger(&logs)}, n)
		d.Record(hitFor("A", "192.0.2.1"))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := d.Shutdown(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, uint64(1), d.Stats().Failed)
		assert.Contains(t, logs.String(), "dispatcher closed before delivery")
		assert.Contains(t, logs.String(), "token_id=A")
	})
}

// TestDispatcherCloseStopsNow checks Close like http.Server.Close: the alert
// being delivered is cancelled (failed), the queued alert and the open window
// are dropped with every hit they stand for, and each loss is logged.
func TestDispatcherCloseStopsNow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		started := make(chan struct{}, 1)
		n := NotifierFunc(func(ctx context.Context, _ Alert) error {
			started <- struct{}{}
			select { // a slow receiver that honours ctx; synctest's fake clock
			case <-time.After(time.Hour):
			case <-ctx.Done():
			}
			return errors.New("HTTP 503")
		})
		d, err := NewDispatcher(DispatcherConfig{Window: -1, Workers: 1, MinBackoff: time.Minute, Logger: newTextLogger(&logs)}, n)
		require.NoError(t, err)
		defer d.Close()                    // compiles, like http.Server's
		d.Record(hitFor("A", "192.0.2.1")) // taken by the worker
		<-started
		d.Record(hitFor("B", "192.0.2.1")) // queued
		start := time.Now()
		require.NoError(t, d.Close())
		assert.Less(t, time.Since(start), time.Hour, "Close cancels in-flight deliveries")
		st := d.Stats()
		assert.Equal(t, uint64(1), st.Failed, "the in-flight alert")
		assert.Equal(t, uint64(1), st.Dropped, "the queued alert")
		assert.Zero(t, st.Pending)
		assert.Contains(t, logs.String(), "alert dropped")
		assert.Contains(t, logs.String(), "token_id=B")
		assert.Contains(t, logs.String(), "dispatcher closed before delivery", "the cancelled one is logged too")
		require.NoError(t, d.Close(), "Close is idempotent")
		assert.NoError(t, d.Shutdown(context.Background()), "Shutdown after Close returns at once")
	})
}

func TestDispatcherCloseDropsOpenWindows(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		d := newTestDispatcher(t, DispatcherConfig{Window: time.Hour}, n)
		d.Record(hitFor("A", "192.0.2.1"))
		synctest.Wait() // the first alert is delivered at once
		for range 3 {
			d.Record(hitFor("A", "192.0.2.1"))
		}
		require.NoError(t, d.Close())
		assert.Len(t, n.got(), 1)
		st := d.Stats()
		assert.Equal(t, uint64(3), st.Dropped, "a follow-up standing for 3 hits drops 3 hits")
		assert.Equal(t, uint64(4), st.Hits)
		assert.Zero(t, st.Pending)
	})
}

func TestDispatcherNotifiersAreIndependent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		good := &fakeNotifier{}
		bad := &fakeNotifier{fail: func(Alert, int) error { return Permanent(errors.New("HTTP 400")) }}
		slow := &fakeNotifier{fail: func(_ Alert, n int) error {
			if n == 1 {
				return errors.New("timeout")
			}
			return nil
		}}
		d := newTestDispatcher(t, DispatcherConfig{Window: -1}, good, bad, slow)
		d.Record(hitFor("A", "192.0.2.1"))
		require.NoError(t, d.Shutdown(context.Background()))
		assert.Len(t, good.got(), 1)
		assert.Empty(t, bad.got())
		assert.Len(t, slow.got(), 1)
		assert.Len(t, good.tries(good.got()[0].ID), 1, "a retry for one notifier does not resend to another")
		assert.Equal(t, Stats{Hits: 1, Alerts: 1, Delivered: 2, Failed: 1, Retries: 1}, d.Stats())
	})
}

type geoFunc func(context.Context, netip.Addr) (Geo, error)

func (f geoFunc) Locate(ctx context.Context, ip netip.Addr) (Geo, error) { return f(ctx, ip) }

func TestDispatcherGeoLocator(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{}
		geo := geoFunc(func(_ context.Context, ip netip.Addr) (Geo, error) {
			if ip.String() == "192.0.2.1" {
				return Geo{Country: "NL", City: "Amsterdam"}, nil
			}
			return Geo{}, errors.New("not in the database")
		})
		d := newTestDispatcher(t, DispatcherConfig{Window: -1, Geo: geo}, n)
		d.Record(hitFor("A", "192.0.2.1"))
		d.Record(hitFor("A", "192.0.2.2"))
		require.NoError(t, d.Shutdown(context.Background()))
		byIP := map[string]*Geo{}
		for _, a := range n.got() {
			byIP[a.Hit.RemoteIP.String()] = a.Hit.Geo
		}
		require.NotNil(t, byIP["192.0.2.1"])
		assert.Equal(t, "NL", byIP["192.0.2.1"].Country)
		assert.Nil(t, byIP["192.0.2.2"], "a failed lookup leaves Geo empty, the alert still goes out")
	})
}

func TestNewDispatcherValidation(t *testing.T) {
	t.Parallel()
	n := &fakeNotifier{}
	cases := []struct {
		name  string
		cfg   DispatcherConfig
		ns    []Notifier
		field string
	}{
		{"no notifier", DispatcherConfig{}, nil, "notifiers"},
		{"nil notifier", DispatcherConfig{}, []Notifier{n, nil}, "notifiers[1]"},
		{"negative queue", DispatcherConfig{QueueSize: -1}, []Notifier{n}, "QueueSize"},
		{"negative workers", DispatcherConfig{Workers: -2}, []Notifier{n}, "Workers"},
		{"negative attempts", DispatcherConfig{MaxAttempts: -1}, []Notifier{n}, "MaxAttempts"},
		{"negative backoff", DispatcherConfig{MinBackoff: -time.Second}, []Notifier{n}, "MinBackoff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, err := NewDispatcher(c.cfg, c.ns...)
			require.Nil(t, d)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
		})
	}
}

// TestDispatcherLoggerDefaultsToSlogDefault: drops are always logged, so a
// zero Logger is slog.Default(), not a silent one.
func TestDispatcherLoggerDefaultsToSlogDefault(t *testing.T) {
	t.Parallel()
	cfg := DispatcherConfig{}
	cfg.defaults()
	assert.Same(t, slog.Default(), cfg.Logger)
	own := slog.New(slog.DiscardHandler)
	cfg = DispatcherConfig{Logger: own}
	cfg.defaults()
	assert.Same(t, own, cfg.Logger)
}

// TestDispatcherIsAnExpvarVar: expvar.Publish serves the counters as JSON.
func TestDispatcherIsAnExpvarVar(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := &fakeNotifier{fail: func(_ Alert, attempt int) error {
			if attempt == 1 {
				return errors.New("HTTP 503")
			}
			return nil
		}}
		d := newTestDispatcher(t, DispatcherConfig{Window: time.Hour, Logger: slog.New(slog.DiscardHandler)}, n)
		var v expvar.Var = d
		name := "decoy-test-" + newID()
		expvar.Publish(name, v)
		for range 3 {
			d.Record(hitFor("A", "192.0.2.1"))
		}
		require.NoError(t, d.Shutdown(context.Background()))
		var got Stats
		require.NoError(t, json.Unmarshal([]byte(expvar.Get(name).String()), &got))
		assert.Equal(t, Stats{Hits: 3, Merged: 2, Alerts: 2, Delivered: 2, Retries: 2}, got)
		assert.Equal(t, d.Stats(), got)
	})
}
