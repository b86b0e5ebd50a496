package rest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingBody yields head, then fails with err.
type failingBody struct {
	head string
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if b.head == "" {
		return 0, b.err
	}
	n := copy(p, b.head)
	b.head = b.head[n:]
	return n, nil
}

func (b *failingBody) Close() error { return nil }

func cutOff(err error) *http.Response {
	r := httpmock.NewStringResponse(200, "")
	r.Body = &failingBody{head: `{"result":"success","tok`, err: err}
	return r
}

// TestBodyReadFailureIsRetried covers finding 2 for a non-streamed read: a
// body that fails mid-way is sent again within the same budget.
func TestBodyReadFailureIsRetried(t *testing.T) {
	t.Parallel()
	for _, cause := range []error{io.ErrUnexpectedEOF, syscall.ECONNRESET, errors.New("http2: stream closed")} {
		t.Run(cause.Error(), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var infos []RetryInfo
				s, mt := newMocked(t, Policy{OnRetry: func(i RetryInfo) { infos = append(infos, i) }}, nil)
				var calls atomic.Int32
				mt.RegisterResponder("GET", "=~/ping", func(*http.Request) (*http.Response, error) {
					if calls.Add(1) == 1 {
						return cutOff(cause), nil
					}
					return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
				})
				resp, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
				require.NoError(t, err)
				assert.Equal(t, `{"result":"success"}`, string(resp.Body))
				assert.Equal(t, int32(2), calls.Load())
				require.Len(t, infos, 1)
				assert.ErrorAs(t, infos[0].Err, new(*BodyReadError))
			})
		})
	}
}

func TestBodyReadFailureExhaustsTheBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 3}, nil)
		mt.RegisterResponder("GET", "=~/ping", func(*http.Request) (*http.Response, error) {
			return cutOff(io.ErrUnexpectedEOF), nil
		})
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, 3, te.Attempts)
		assert.ErrorAs(t, err, new(*BodyReadError))
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 3, mt.GetTotalCallCount())
	})
}

func TestCreateIsSentOnceEvenWhenItsBodyIsCut(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 5}, nil)
		mt.RegisterResponder("POST", "=~/create", func(*http.Request) (*http.Response, error) {
			return cutOff(syscall.ECONNRESET), nil
		})
		mt.RegisterResponder("POST", "=~/fail", httpmock.NewStringResponder(500, ""))
		_, err := s.Do(context.Background(), Request{Method: "POST", Path: "/canarytoken/create", Form: url.Values{}})
		require.ErrorAs(t, err, new(*BodyReadError))
		_, err = s.Do(context.Background(), Request{Method: "POST", Path: "/fail", Form: url.Values{}})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 2, mt.GetTotalCallCount(), "no create is sent twice")

		// Opting in retries both.
		s2, mt2 := newMocked(t, Policy{MaxAttempts: 2, RetryNonIdempotent: true}, nil)
		mt2.RegisterResponder("POST", "=~/create", func(*http.Request) (*http.Response, error) {
			return cutOff(syscall.ECONNRESET), nil
		})
		_, err = s2.Do(context.Background(), Request{Method: "POST", Path: "/canarytoken/create", Form: url.Values{}})
		require.ErrorAs(t, err, new(*BodyReadError))
		assert.Equal(t, 2, mt2.GetTotalCallCount())
	})
}

// TestStatus500IsRetried covers finding 3: a 500 is retried on reads and
// idempotent actions, with Retry-After honoured, and never on a create.
func TestStatus500IsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		req       Request
		wantCalls int
	}{
		{"GET", Request{Method: "GET", Path: "/x"}, 2},
		{"DELETE", Request{Method: "DELETE", Path: "/x"}, 2},
		{"idempotent POST", Request{Method: "POST", Path: "/x", Form: url.Values{}, Idempotent: true}, 2},
		{"create POST", Request{Method: "POST", Path: "/x", Form: url.Values{}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s, mt := newMocked(t, Policy{}, nil)
				var calls atomic.Int32
				mt.RegisterResponder(tt.req.Method, "=~/x", func(*http.Request) (*http.Response, error) {
					if calls.Add(1) == 1 {
						r := httpmock.NewStringResponse(500, "oops")
						r.Header.Set("Retry-After", "3")
						return r, nil
					}
					return httpmock.NewStringResponse(200, "{}"), nil
				})
				start := time.Now()
				_, err := s.Do(context.Background(), tt.req)
				assert.Equal(t, tt.wantCalls, int(calls.Load()))
				if tt.wantCalls == 1 {
					var se *StatusError
					require.ErrorAs(t, err, &se)
					assert.Equal(t, 500, se.StatusCode)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, 3*time.Second, time.Since(start), "Retry-After is honoured on a 500 too")
			})
		})
	}
}

// TestTruncatedBodiesFromARealServer cuts real HTTP/1.1 responses short: a
// Content-Length longer than the body, a chunked body without its end, a
// connection closed mid-body. Each is retried and the second answer read.
func TestTruncatedBodiesFromARealServer(t *testing.T) {
	t.Parallel()
	full := `{"result":"success","tokens":["a","b","c"]}`
	cuts := map[string]func(w *bufio.ReadWriter){
		"short content-length": func(w *bufio.ReadWriter) {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(full), full[:20])
		},
		"chunked cut off": func(w *bufio.ReadWriter) {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", 20, full[:20])
		},
	}
	for name, cut := range cuts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					conn, rw, err := http.NewResponseController(w).Hijack()
					if !assert.NoError(t, err) {
						return
					}
					cut(rw)
					_ = rw.Flush()
					_ = conn.Close()
					return
				}
				_, _ = io.WriteString(w, full)
			}))
			defer srv.Close()
			base, err := ParseBaseURL(srv.URL + "/api/v1")
			require.NoError(t, err)
			s, err := New(Config{Name: "t", BaseURL: base, HTTPClient: srv.Client(), Secrets: []string{secret},
				Retry: Policy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
			require.NoError(t, err)
			resp, err := s.Do(context.Background(), Request{Method: "GET", Path: "/canarytokens/paginate"})
			require.NoError(t, err)
			assert.Equal(t, full, string(resp.Body))
			assert.Equal(t, int32(2), calls.Load())
		})
	}
}

// secretRoundTripper fails with errors that hold the secret in their
// message and in their fields, as a custom transport might.
type secretRoundTripper struct{ mode string }

type leakyErr struct {
	Header http.Header
	Note   string
}

func (e *leakyErr) Error() string { return "custom transport failed: " + e.Note }

func (rt secretRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	switch rt.mode {
	case "message":
		return nil, fmt.Errorf("dial %s: %w", r.Header.Get("X-Canary-Auth-Token"), syscall.ECONNREFUSED)
	case "fields":
		return nil, &leakyErr{Header: r.Header.Clone(), Note: "see header"}
	default: // a body that fails with an error holding the secret
		resp := httpmock.NewStringResponse(200, "")
		resp.Body = &failingBody{head: "{", err: &leakyErr{Header: r.Header.Clone(), Note: secret}}
		return resp, nil
	}
}

// walk prints every error of the chain (both Unwrap forms) with every verb.
func walk(err error, out *strings.Builder) {
	if err == nil {
		return
	}
	fmt.Fprintf(out, "%v\n%+v\n%#v\n%s\n", err, err, err, err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), out)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, out)
		}
	}
}

// TestNoSecretDownTheUnwrapChain covers finding 4 at its source: whatever
// the transport returns, no error in the chain holds the secret.
func TestNoSecretDownTheUnwrapChain(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"message", "fields", "body"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				base, err := ParseBaseURL("https://acme.canary.tools/api/v1")
				require.NoError(t, err)
				s, err := New(Config{Name: "t", BaseURL: base, HTTPClient: &http.Client{Transport: secretRoundTripper{mode}},
					Secrets: []string{secret}, Retry: Policy{MaxAttempts: 2},
					Authorize: func(r *http.Request) error { r.Header.Set("X-Canary-Auth-Token", secret); return nil }})
				require.NoError(t, err)
				_, err = s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
				require.Error(t, err)
				var te *TransportError
				require.ErrorAs(t, err, &te)
				var b strings.Builder
				walk(err, &b)
				assert.NotContains(t, b.String(), secret)
				if mode == "message" {
					assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the cause is still matched")
				}
			})
		})
	}
}

func TestIsRetryableBodyError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"read error", &BodyReadError{Err: io.ErrUnexpectedEOF}, true},
		{"wrapped read error", fmt.Errorf("decoding page: %w", &BodyReadError{Err: syscall.ECONNRESET}), true},
		{"transport error after retries", &TransportError{Err: &BodyReadError{Err: &cause{msg: "x"}}}, true},
		{"cancelled", &BodyReadError{Err: context.Canceled}, false},
		{"too large", fmt.Errorf("x: %w", ErrBodyTooLarge), false},
		{"decode error", errors.New("invalid character 'x'"), false},
		{"plain unexpected EOF (from a decoder, not the body)", io.ErrUnexpectedEOF, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, IsRetryableBodyError(tt.err))
		})
	}
}

// TestStreamMarksBodyErrors: a caller with its own loop over Stream can tell
// a cut body from a decoding error.
func TestStreamMarksBodyErrors(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
		return cutOff(io.ErrUnexpectedEOF), nil
	})
	resp, err := s.Stream(context.Background(), Request{Method: "GET", Path: "/page"})
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	assert.True(t, IsRetryableBodyError(err))
}

func TestReadRetriesWithConsume(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{}, nil)
		var calls atomic.Int32
		mt.RegisterResponder("GET", "=~/page", func(*http.Request) (*http.Response, error) {
			if calls.Add(1) == 1 {
				return cutOff(syscall.ECONNRESET), nil
			}
			return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
		})
		var got []string
		err := s.Read(context.Background(), Request{Method: "GET", Path: "/page"}, func(resp *http.Response) error {
			got = got[:0]
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				return fmt.Errorf("decoding: %w", err)
			}
			got = append(got, string(b))
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{`{"result":"success"}`}, got)

		decodeErr := errors.New("bad JSON")
		err = s.Read(context.Background(), Request{Method: "GET", Path: "/page"}, func(*http.Response) error { return decodeErr })
		assert.Same(t, decodeErr, err, "a decoding error is returned as is, not retried")
		assert.Equal(t, int32(3), calls.Load())
	})
}

// TestParseBaseURLNeverEchoesItsInput covers finding 6: net/url quotes the
// part it rejects, which may be a credential typed in the wrong place.
func TestParseBaseURLNeverEchoesItsInput(t *testing.T) {
	t.Parallel()
	const tok = "0123456789abcdef0123456789abcdef"
	for _, raw := range []string{
		"https://abc.canary.tools:" + tok + "/api/v1",
		"https://abc.canary.tools/api/v1/%" + tok[:1] + "z" + tok,
		"https://abc" + tok + "\x7f.canary.tools/api/v1",
		"https://[" + tok + "/api/v1",
		":" + tok,
		"https://abc.canary.tools%" + tok,
	} {
		_, err := ParseBaseURL(raw)
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), tok)
		assert.NotContains(t, err.Error(), tok[:8])
	}
	_, err := ParseBaseURL("https://abc.canary.tools:" + tok + "/api/v1")
	assert.EqualError(t, err, "not a URL: invalid port after host")
}
