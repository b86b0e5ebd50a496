package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cutBody yields prefix and then fails with err, as a reset connection or a
// body shorter than its Content-Length does.
type cutBody struct {
	r   io.Reader
	err error
}

func (c *cutBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		return n, c.err
	}
	return n, err
}

func (c *cutBody) Close() error { return nil }

func cutResponse(prefix string, err error) *http.Response {
	r := httpmock.NewStringResponse(200, "")
	r.Body = &cutBody{r: strings.NewReader(prefix), err: err}
	return r
}

func TestReadRetriesABodyCutShort(t *testing.T) {
	t.Parallel()
	cuts := []struct {
		name string
		err  error
	}{
		{"unexpected EOF", io.ErrUnexpectedEOF},
		{"connection reset", syscall.ECONNRESET},
	}
	for _, tc := range cuts {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s, mt := newMocked(t, Policy{}, nil)
				var calls atomic.Int32
				mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
					if calls.Add(1) == 1 {
						return cutResponse(`{"result":"success","items":[1,2`, tc.err), nil
					}
					return httpmock.NewStringResponse(200, `{"result":"success","items":[1,2,3]}`), nil
				})
				var reads []string
				err := s.Read(context.Background(), Request{Method: "GET", Path: "/page"}, func(resp *http.Response) error {
					b, err := io.ReadAll(resp.Body)
					reads = append(reads, string(b))
					return err
				})
				require.NoError(t, err)
				assert.Equal(t, int32(2), calls.Load())
				require.Len(t, reads, 2)
				assert.Equal(t, `{"result":"success","items":[1,2,3]}`, reads[1])
			})
		})
	}
}

func TestReadGivesUpAfterTheBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var retries atomic.Int32
		s, mt := newMocked(t, Policy{MaxAttempts: 3, OnRetry: func(RetryInfo) { retries.Add(1) }}, nil)
		var calls atomic.Int32
		mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
			calls.Add(1)
			return cutResponse(`{"result":`, io.ErrUnexpectedEOF), nil
		})
		err := s.Read(context.Background(), Request{Method: "GET", Path: "/page"}, func(resp *http.Response) error {
			_, err := io.ReadAll(resp.Body)
			return err
		})
		var terr *TransportError
		require.ErrorAs(t, err, &terr)
		var berr *BodyReadError
		require.ErrorAs(t, err, &berr)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 3, terr.Attempts)
		assert.Equal(t, int32(3), calls.Load())
		assert.Equal(t, int32(2), retries.Load())
		assert.NotContains(t, err.Error(), secret)
	})
}

func TestReadDoesNotRetryTheConsumersOwnError(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	var calls atomic.Int32
	mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return httpmock.NewStringResponse(200, `not json`), nil
	})
	bad := errors.New("not a page")
	err := s.Read(context.Background(), Request{Method: "GET", Path: "/page"}, func(resp *http.Response) error {
		_, _ = io.ReadAll(resp.Body)
		return bad
	})
	assert.Same(t, bad, err)
	assert.Equal(t, int32(1), calls.Load())
}

func TestReadDoesNotRepeatANonIdempotentRequest(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	var calls atomic.Int32
	mt.RegisterResponder("POST", "=~/create", func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return cutResponse(`{"result":`, io.ErrUnexpectedEOF), nil
	})
	err := s.Read(context.Background(), Request{Method: "POST", Path: "/create"}, func(resp *http.Response) error {
		_, err := io.ReadAll(resp.Body)
		return err
	})
	var berr *BodyReadError
	require.ErrorAs(t, err, &berr)
	assert.Equal(t, int32(1), calls.Load(), "a create is sent once")
}

func TestRetryableStatuses(t *testing.T) {
	t.Parallel()
	for code := 100; code < 600; code++ {
		want := code == 429 || code == 500 || code == 502 || code == 503 || code == 504
		assert.Equal(t, want, retryableStatus(code), "HTTP %d", code)
	}
}

func TestA500OnAReadIsRetriedButNotOnACreate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{}, nil)
		var reads, creates atomic.Int32
		mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
			if reads.Add(1) == 1 {
				return httpmock.NewStringResponse(500, `{"result":"error","message":"oops"}`), nil
			}
			return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
		})
		mt.RegisterResponder("POST", "=~/create", func(*http.Request) (*http.Response, error) {
			creates.Add(1)
			return httpmock.NewStringResponse(500, `{"result":"error","message":"oops"}`), nil
		})
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/page"})
		require.NoError(t, err)
		assert.Equal(t, int32(2), reads.Load())
		_, err = s.Do(context.Background(), Request{Method: "POST", Path: "/create"})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 500, se.StatusCode)
		assert.Equal(t, int32(1), creates.Load(), "a create is sent once")
	})
}
