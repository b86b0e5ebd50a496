package pager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type rawPage struct {
	Items []int  `json:"items"`
	Next  string `json:"next"`
}

var intCodec = Codec[int]{
	Next: func(b []byte) (string, error) {
		var p rawPage
		err := json.Unmarshal(b, &p)
		return p.Next, err
	},
	Decode: func(b []byte) (Page[int], error) {
		var p rawPage
		err := json.Unmarshal(b, &p)
		return Page[int](p), err
	},
}

// rawPages serves 0..n-1 in pages of size with cursors "c<start>", after
// delay, recording calls.
type rawPages struct {
	n, size int
	delay   time.Duration
	mu      sync.Mutex
	calls   []string
	fail    string // a cursor that fails
	active  atomic.Int32
	maxAct  atomic.Int32
}

func (r *rawPages) fetch(ctx context.Context, cursor string) ([]byte, error) {
	r.mu.Lock()
	r.calls = append(r.calls, cursor)
	r.mu.Unlock()
	a := r.active.Add(1)
	defer r.active.Add(-1)
	for {
		m := r.maxAct.Load()
		if a <= m || r.maxAct.CompareAndSwap(m, a) {
			break
		}
	}
	if r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if cursor == r.fail && cursor != "" {
		return nil, errors.New("boom")
	}
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor[1:])
	}
	p := rawPage{}
	for i := start; i < r.n && i < start+r.size; i++ {
		p.Items = append(p.Items, i)
	}
	if start+r.size < r.n {
		p.Next = fmt.Sprintf("c%d", start+r.size)
	}
	return json.Marshal(p)
}

func TestPipelinedDeliversEverythingInOrderAndOverlaps(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &rawPages{n: 100, size: 10, delay: 20 * time.Millisecond}
		start := time.Now()
		var got []int
		for v, err := range Pipelined(context.Background(), src.fetch, intCodec) {
			require.NoError(t, err)
			got = append(got, v)
			time.Sleep(time.Millisecond) // the consumer is slow: 10ms a page
		}
		require.Len(t, got, 100)
		for i, v := range got {
			require.Equal(t, i, v)
		}
		// Sequential would take 10×20ms fetch + 10×10ms consume = 300ms;
		// pipelined, consuming overlaps the next fetch: 10×20ms + 10ms.
		assert.Equal(t, 210*time.Millisecond, time.Since(start))
		assert.Equal(t, int32(1), src.maxAct.Load(), "at most one request at a time (one page ahead)")
	})
}

func TestPipelinedBreakCancelsReadAhead(t *testing.T) {
	t.Parallel()
	src := &rawPages{n: 100, size: 10}
	var started, cancelled atomic.Bool
	seq := Pipelined(context.Background(), func(ctx context.Context, c string) ([]byte, error) {
		if c != "" {
			started.Store(true)
			<-ctx.Done() // the read-ahead hangs until cancelled
			cancelled.Store(true)
			return nil, ctx.Err()
		}
		return src.fetch(ctx, c)
	}, intCodec)
	for range seq {
		break
	}
	// The loop has returned: the read-ahead was started, cancelled, and
	// waited for, so no request or goroutine outlives the loop.
	assert.True(t, started.Load())
	assert.True(t, cancelled.Load())
}

func TestPipelinedErrorAfterPageItems(t *testing.T) {
	t.Parallel()
	src := &rawPages{n: 30, size: 10, fail: "c20"}
	var items []int
	var errs []error
	for v, err := range Pipelined(context.Background(), src.fetch, intCodec) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	assert.Len(t, items, 20, "the pages before the failure are delivered whole")
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "page 3: boom")
}

func TestPipelinedRerangeAndRepeatedCursor(t *testing.T) {
	t.Parallel()
	src := &rawPages{n: 25, size: 10}
	seq := Pipelined(context.Background(), src.fetch, intCodec)
	for range 2 {
		n := 0
		for _, err := range seq {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 25, n)
	}
	loop := func(_ context.Context, c string) ([]byte, error) {
		return json.Marshal(rawPage{Items: []int{1}, Next: "same"})
	}
	var last error
	n := 0
	for _, err := range Pipelined(context.Background(), loop, intCodec) {
		n++
		last = err
	}
	assert.ErrorIs(t, last, ErrRepeatedCursor)
	assert.Equal(t, 3, n)
}

func TestPipelinedCodecDisagreementFallsBack(t *testing.T) {
	t.Parallel()
	src := &rawPages{n: 30, size: 10}
	lying := intCodec
	lying.Next = func([]byte) (string, error) { return "c0", nil } // wrong hint
	n := 0
	for _, err := range Pipelined(context.Background(), src.fetch, lying) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 30, n)
}

func TestPipelinedCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	for _, err := range Pipelined(ctx, (&rawPages{n: 5, size: 1}).fetch, intCodec) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}
