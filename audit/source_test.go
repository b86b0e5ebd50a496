package audit

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

func ints(n int, err error) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for i := range n {
			if !yield(i, nil) {
				return
			}
		}
		if err != nil {
			yield(0, err)
		}
	}
}

func TestReadAhead(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	cases := []struct {
		name  string
		n     int
		err   error
		batch int
	}{
		{"empty", 0, nil, 4},
		{"less than a batch", 3, nil, 4},
		{"whole batches", 8, nil, 4},
		{"a partial last batch", 9, nil, 4},
		{"an error after items", 9, boom, 4},
		{"an error at once", 0, boom, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ra := startReadAhead(context.Background(), ints(tc.n, tc.err), tc.batch, 2)
				defer ra.stop()
				var got []int
				var errs []error
				for v, err := range ra.all(context.Background()) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					got = append(got, v)
				}
				want := []int{}
				for i := range tc.n {
					want = append(want, i)
				}
				assert.Equal(t, want, append([]int{}, got...))
				if tc.err != nil {
					require.Len(t, errs, 1)
					assert.ErrorIs(t, errs[0], tc.err)
				} else {
					assert.Empty(t, errs)
				}
			})
		})
	}
}

// TestReadAheadIsBounded: nobody ranges; the producer stops after depth
// batches plus the one it is filling, and stop ends it.
func TestReadAheadIsBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var pulled atomic.Int32
		seq := func(yield func(int, error) bool) {
			for i := 0; ; i++ {
				pulled.Add(1)
				if !yield(i, nil) {
					return
				}
			}
		}
		ra := startReadAhead(context.Background(), iter.Seq2[int, error](seq), 10, 3)
		synctest.Wait()
		assert.Equal(t, int32(40), pulled.Load(), "3 batches queued and 1 full one waiting to be sent")
		ra.stop()
	})
}

func TestReadAheadCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ra := startReadAhead(ctx, ints(1000, nil), 10, 1)
		defer ra.stop()
		n := 0
		var last error
		for _, err := range ra.all(ctx) {
			if err != nil {
				last = err
				continue
			}
			if n++; n == 5 {
				cancel()
			}
		}
		assert.ErrorIs(t, last, context.Canceled)
		assert.Less(t, n, 1000)
	})
}

// consoleTransport is an in-memory Console for FromClient: two token pages,
// two incident pages and the devices, flocks and updates of the docs. The
// second token page waits until the incident feed has been asked for, so an
// audit that reads its listings one after the other deadlocks (and synctest
// fails the test).
type consoleTransport struct {
	t             *testing.T
	incidentsSeen chan struct{}
	seen          atomic.Bool
	birds         atomic.Int32
}

func (c *consoleTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body := ""
	q := r.URL.Query()
	switch strings.TrimPrefix(r.URL.Path, "/api/v1") {
	case "/canarytokens/paginate":
		if q.Get("cursor") == "" {
			body = `{"canarytokens": [{"canarytoken": "t1", "kind": "http", "node_id": "n1", "enabled": true, "memo": "m"}], "cursor": {"next": "tp2"}, "result": "success"}`
		} else {
			<-c.incidentsSeen
			body = `{"canarytokens": [{"canarytoken": "t2", "kind": "dns", "node_id": "n2", "enabled": true, "memo": "m"}], "cursor": {"next": null}, "result": "success"}`
		}
	case "/incidents/all":
		if c.seen.CompareAndSwap(false, true) {
			close(c.incidentsSeen)
		}
		if q.Get("cursor") == "" {
			body = `{"cursor": {"next": "ip2"}, "incidents": [{"id": "i1", "description": {"node_id": "n1", "acknowledged": "False", "created": "1586249623"}}], "result": "success"}`
		} else {
			body = `{"cursor": {"next": null}, "incidents": [{"id": "i2", "description": {"node_id": "n2", "acknowledged": "True", "created": "1586249624"}}], "result": "success"}`
		}
	case "/devices/all":
		c.birds.Add(1)
		body = c.golden("devices/all.json")
	case "/flocks/summary":
		c.birds.Add(1)
		body = c.golden("flocks/summaries.json")
	case "/updates/list":
		c.birds.Add(1)
		body = c.golden("devices/updates.json")
	default:
		return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Request: r}, nil
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

func (c *consoleTransport) golden(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "canary", "testdata", name))
	require.NoError(c.t, err)
	return string(b)
}

func TestFullFromClientOverlapsItsReads(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ct := &consoleTransport{t: t, incidentsSeen: make(chan struct{})}
		c, err := canary.NewClient(canary.WithBaseURL("https://example.canary.tools/api/v1"), canary.WithAuthToken("test-auth-token"),
			canary.WithHTTPClient(&http.Client{Transport: ct}), canary.WithRetry(canary.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		r, err := Full(context.Background(), FromClient(c), &Options{Now: fixedNow})
		require.NoError(t, err)
		assert.Equal(t, 2, r.Coverage.Tokens)
		assert.Equal(t, 2, r.Incidents.Total)
		assert.Equal(t, 1, r.Incidents.Unacknowledged)
		assert.Equal(t, 2, r.Incidents.OnTokens)
		require.NotNil(t, r.Estate)
		assert.Equal(t, int32(3), ct.birds.Load())
	})
}
