package canary

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a handler that records delivered updated_ids and the
// checkpoint a caller would persist.
type recorder struct {
	mu         sync.Mutex
	ids        []int64
	checkpoint int64
	failOn     int64 // fail the first delivery of this updated_id
	failed     bool
	stopAt     int
	cancel     context.CancelFunc
}

func (r *recorder) handle(_ context.Context, inc *Incident) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if inc.UpdatedID == r.failOn && !r.failed {
		r.failed = true
		return errors.New("SOAR unavailable")
	}
	r.ids = append(r.ids, inc.UpdatedID)
	r.checkpoint = inc.UpdatedID // "persist" the checkpoint
	if r.stopAt > 0 && len(r.ids) >= r.stopAt && r.cancel != nil {
		r.cancel()
	}
	return nil
}

// firstRequests returns the calls that started a poll (no cursor).
func firstRequests(calls []fakeCall) []url.Values {
	var out []url.Values
	for _, c := range calls {
		if c.Query.Get("cursor") == "" {
			out = append(out, c.Query)
		}
	}
	return out
}

func TestWatchDeliversEachIncidentOnceInOrder(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const total = 40
		f := &fakeFeed{n: 5}
		// New incidents arrive while polls are in flight: 3 more with every
		// request until there are 40.
		f.onServe = func(int) {
			f.mu.Lock()
			f.n = min(f.n+3, total)
			f.mu.Unlock()
		}
		// Transient 503s: two in a row mid-poll, one more later.
		f.fail = func(call int, _ url.Values) int {
			switch call {
			case 4, 5, 12:
				return http.StatusServiceUnavailable
			}
			return 0
		}
		c := feedClient(t, f)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := &recorder{stopAt: total, cancel: cancel}
		var waits []time.Duration
		start := time.Now()
		err := c.Incidents.Watch(ctx, &WatchOptions{
			PageSize: 4, Interval: 30 * time.Second, MinBackoff: time.Second, MaxBackoff: 10 * time.Second,
			OnError: func(err error, wait time.Duration) {
				assert.ErrorIs(t, err, ErrServer)
				waits = append(waits, wait)
			},
		}, rec.handle)
		require.ErrorIs(t, err, context.Canceled)

		assert.Equal(t, seqIDs(1, total), rec.ids, "every incident exactly once, in updated_id order")
		// Jittered backoff: the ceiling doubles (1s, 2s), then resets to 1s
		// after a good poll; no wait is under half the minimum.
		require.Len(t, waits, 3)
		var waited time.Duration
		for i, ceil := range []time.Duration{time.Second, 2 * time.Second, time.Second} {
			assert.GreaterOrEqual(t, waits[i], time.Second/2, "wait %d", i)
			assert.LessOrEqual(t, waits[i], ceil, "wait %d", i)
			waited += waits[i]
		}

		// Each poll starts from the checkpoint; follow-ups send only the cursor.
		calls := f.snapshot()
		polls := firstRequests(calls)
		require.GreaterOrEqual(t, len(polls), 3)
		prev := int64(-1)
		for _, q := range polls {
			since, _ := strconv.ParseInt(q.Get("incidents_since"), 10, 64)
			assert.GreaterOrEqual(t, since, prev, "the checkpoint never goes back")
			prev = since
			assert.Equal(t, "4", q.Get("limit"))
		}
		for _, c := range calls {
			assert.Equal(t, "true", c.Query.Get("shrink"), "the watcher polls with shrink=true")
			if c.Query.Get("cursor") != "" {
				assert.Len(t, c.Query, 2, "follow-up pages carry only the cursor and shrink")
			}
		}
		// Fake time: the run took whole intervals and backoffs, no real time.
		elapsed := time.Since(start)
		assert.Zero(t, (elapsed-waited)%(30*time.Second), "elapsed %v = backoffs (%v) + n*30s intervals", elapsed, waited)
	})
}

func TestWatchResumesFromCheckpointAfterHandlerFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeFeed{n: 12}
		c := feedClient(t, f)
		rec := &recorder{failOn: 8}

		// First run: the handler fails on incident 8; Watch returns its error
		// and the persisted checkpoint is 7.
		err := c.Incidents.Watch(context.Background(), &WatchOptions{PageSize: 5}, rec.handle)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "SOAR unavailable")
		assert.Contains(t, err.Error(), "updated_id 8")
		assert.Equal(t, int64(7), rec.checkpoint)

		// Restart from the checkpoint, like a process restart would; more
		// incidents arrived meanwhile.
		f.add(3)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec.stopAt, rec.cancel = 15, cancel
		err = c.Incidents.Watch(ctx, &WatchOptions{Since: rec.checkpoint, PageSize: 5}, rec.handle)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, seqIDs(1, 15), rec.ids, "nothing missed, nothing repeated across the restart")

		polls := firstRequests(f.snapshot())
		require.Len(t, polls, 2)
		assert.Empty(t, polls[0].Get("incidents_since"), "a zero checkpoint sends nothing")
		assert.Equal(t, "7", polls[1].Get("incidents_since"))
	})
}

func TestWatchIdlePollsAtInterval(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeFeed{n: 2}
		c := feedClient(t, f)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := &recorder{}
		done := make(chan error, 1)
		go func() { done <- c.Incidents.Watch(ctx, &WatchOptions{Interval: 10 * time.Second}, rec.handle) }()

		synctest.Wait()
		assert.Len(t, f.snapshot(), 1)
		time.Sleep(10*time.Second + time.Millisecond)
		synctest.Wait()
		assert.Len(t, f.snapshot(), 2, "one poll per interval")
		f.add(1)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		assert.Equal(t, seqIDs(1, 3), rec.ids)
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})
}

func TestWatchStopsOnPermanentErrors(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeFeed{n: 3, fail: func(int, url.Values) int { return http.StatusUnauthorized }}
		c := feedClient(t, f)
		err := c.Incidents.Watch(context.Background(), nil, func(context.Context, *Incident) error { return nil })
		require.ErrorIs(t, err, ErrUnauthorized)
		assert.Len(t, f.snapshot(), 1, "a wrong token is not retried")
	})
}

func TestWatchValidation(t *testing.T) {
	t.Parallel()
	c := feedClient(t, &fakeFeed{})
	ok := func(context.Context, *Incident) error { return nil }
	tests := []struct {
		name   string
		opts   *WatchOptions
		handle func(context.Context, *Incident) error
		field  string
	}{
		{"nil handler", nil, nil, "handle"},
		{"negative since", &WatchOptions{Since: -1}, ok, "Since"},
		{"bad state", &WatchOptions{State: "new"}, ok, "State"},
		{"interval too short", &WatchOptions{Interval: time.Millisecond}, ok, "Interval"},
		{"backoff inverted", &WatchOptions{MinBackoff: time.Minute, MaxBackoff: time.Second}, ok, "MaxBackoff"},
		{"page too big", &WatchOptions{PageSize: MaxPageSize + 1}, ok, "PageSize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.Incidents.Watch(context.Background(), tt.opts, tt.handle)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestWatchStopsDeliveringWhenCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeFeed{n: 10}
		c := feedClient(t, f)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := &recorder{stopAt: 3, cancel: cancel}
		err := c.Incidents.Watch(ctx, &WatchOptions{PageSize: 10}, rec.handle)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, seqIDs(1, 3), rec.ids, "nothing is handed over after ctx ends")
		assert.Equal(t, int64(3), rec.checkpoint)
	})
}
