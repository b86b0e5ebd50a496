package canary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
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

func TestNewClientRequiresConsoleAndToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opts  []Option
		field string
	}{
		{"nothing", nil, "domain"},
		{"no token", []Option{WithDomain("abc123")}, "auth token"},
		{"empty token", []Option{WithDomain("abc123"), WithAuthToken("  ")}, "auth token"},
		{"short token", []Option{WithDomain("abc123"), WithAuthToken("abc")}, "auth token"},
		{"token with newline", []Option{WithDomain("abc123"), WithAuthToken("a\nb-test-token")}, "auth token"},
		{"bad domain", []Option{WithDomain("https://abc123.canary.tools"), WithAuthToken("t-test-token")}, "domain"},
		{"both", []Option{WithDomain("abc123"), WithBaseURL("https://x.example.com/api/v1"), WithAuthToken("t-test-token")}, "domain"},
		{"plain http", []Option{WithBaseURL("http://console.example.com/api/v1"), WithAuthToken("t-test-token")}, "base URL"},
		{"userinfo", []Option{WithBaseURL("https://u:p@console.example.com/api/v1"), WithAuthToken("t-test-token")}, "base URL"},
		{"negative retry", []Option{WithDomain("abc"), WithAuthToken("t-test-token"), WithRetry(RetryPolicy{MaxAttempts: -1})}, "retry policy"},
		{"ua newline", []Option{WithDomain("abc"), WithAuthToken("t-test-token"), WithUserAgent("a\r\nX-Evil: 1")}, "user agent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewClient(tc.opts...)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	_, err := NewClient(WithHTTPClient(nil))
	assert.Error(t, err)
}

func TestNewClientURLs(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithDomain("ABC123"), WithAuthToken("t-test-token"))
	require.NoError(t, err)
	assert.Equal(t, "https://abc123.canary.tools/api/v1", c.BaseURL())
	c, err = NewClient(WithDomain("abc123.canary.tools"), WithAuthToken("t-test-token"))
	require.NoError(t, err)
	assert.Equal(t, "https://abc123.canary.tools/api/v1", c.BaseURL())
	c, err = NewClient(WithBaseURL("http://127.0.0.1:8080/api/v1/"), WithAuthToken("t-test-token"))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/api/v1", c.BaseURL())
}

func TestClientNeverPrintsToken(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithDomain("abc123"), WithAuthToken(testToken))
	require.NoError(t, err)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c, "tokens", c.Tokens)
	for _, s := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q %x %d", c, c, c, c, c, c, c),
		fmt.Sprintf("%v %+v %#v %s", *c, *c, *c, *c),
		fmt.Sprintf("%v %+v %#v", *c.Tokens, c.Tokens, c.Incidents), logs.String(),
	} {
		assert.NotContains(t, s, testToken)
	}
	assert.Contains(t, fmt.Sprint(c), "abc123.canary.tools")
	assert.Contains(t, fmt.Sprint(c), "[REDACTED]")
}

func TestSensitiveNeverPrints(t *testing.T) {
	t.Parallel()
	s := Sensitive("very-secret-value")
	tok := Token{ID: "x", SecretAccessKey: s}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("tok", "secret", s)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s), fmt.Sprintf("%v %+v", tok, tok), logs.String()} {
		assert.NotContains(t, out, "very-secret-value")
	}
	assert.Equal(t, "very-secret-value", s.Reveal())
	assert.Equal(t, "", Sensitive("").String())
	assert.Equal(t, `canary.Sensitive("[REDACTED]")`, fmt.Sprintf("%#v", s))
}

// TestRetriesThroughTheClient drives the retry policy through real service
// calls on a fake clock: reads retry, creates never do.
func TestRetriesThroughTheClient(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var events []RetryEvent
		f := setup(t, WithRetry(RetryPolicy{MaxAttempts: 4, OnRetry: func(e RetryEvent) { events = append(events, e) }}))
		var n atomic.Int32
		f.mock.RegisterResponder("GET", testBase+"/canarytoken/fetch", func(*http.Request) (*http.Response, error) {
			switch n.Add(1) {
			case 1:
				r := httpmock.NewStringResponse(429, `{"result":"error","message":"Too many requests"}`)
				r.Header.Set("Retry-After", "3")
				return r, nil
			case 2:
				return nil, syscall.ECONNRESET
			case 3:
				return httpmock.NewStringResponse(503, "<html>maintenance</html>"), nil
			}
			return httpmock.NewStringResponse(200, golden(t, "tokens/fetch.json")), nil
		})
		start := time.Now()
		tok, err := f.c.Tokens.Get(context.Background(), "x")
		require.NoError(t, err)
		assert.Equal(t, "<token_code>", tok.ID)
		require.Len(t, events, 3)
		assert.Equal(t, 429, events[0].StatusCode)
		assert.Equal(t, 3*time.Second, events[0].Wait)
		assert.ErrorIs(t, events[1].Err, syscall.ECONNRESET)
		assert.Equal(t, 503, events[2].StatusCode)
		assert.Equal(t, events[0].Wait+events[1].Wait+events[2].Wait, time.Since(start))

		f.mock.RegisterResponder("POST", testBase+"/canarytoken/create", httpmock.NewStringResponder(503, ""))
		_, err = f.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindHTTP, Memo: "m"})
		assert.ErrorIs(t, err, ErrServer)
		assert.Equal(t, 1, f.mock.GetCallCountInfo()["POST "+testBase+"/canarytoken/create"], "a create is never sent twice")

		f.mock.RegisterResponder("POST", testBase+"/canarytoken/enable", httpmock.NewStringResponder(503, ""))
		_ = f.c.Tokens.Enable(context.Background(), "x")
		assert.Equal(t, 4, f.mock.GetCallCountInfo()["POST "+testBase+"/canarytoken/enable"], "enable is idempotent and retried")
	})
}

func TestRateLimitedAfterRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := setup(t, WithRetry(RetryPolicy{MaxAttempts: 2, MaxRetryAfter: 10 * time.Second}))
		f.mock.RegisterResponder("GET", testBase+"/ping", func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(429, `{"result":"error","message":"Rate limit exceeded"}`)
			r.Header.Set("Retry-After", "120")
			return r, nil
		})
		err := f.c.Ping(context.Background())
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, 2*time.Minute, ae.RetryAfter)
		assert.Equal(t, 1, f.mock.GetTotalCallCount(), "a Retry-After beyond MaxRetryAfter is not waited for")
	})
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.c.Ping(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, f.mock.GetTotalCallCount())
}

func TestAPIErrorIsMatrix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		msg    string
		want   error
	}{
		{401, "Unauthorized", ErrUnauthorized},
		{403, "Forbidden", ErrUnauthorized},
		{200, "Invalid auth_token", ErrUnauthorized},
		{200, "Unauthorized", ErrUnauthorized},
		{404, "Not Found", ErrNotFound},
		{200, "Could not find the Canarytoken", ErrNotFound},
		{200, "Incident not found", ErrNotFound},
		{200, "Device not found", ErrNotFound},
		{429, "Too Many Requests", ErrRateLimited},
		{400, "whatever", ErrInvalidRequest},
		{200, "Empty memo", ErrInvalidRequest},
		{200, "Supplied kind is not valid.", ErrInvalidRequest},
		{200, "Parameter older_than was invalid.", ErrInvalidRequest},
		{200, "Cannot use src_host and node_id together", ErrInvalidRequest},
		{200, "File generation not supported.", ErrUnsupported},
		{500, "Internal Server Error", ErrServer},
		{502, "Bad Gateway", ErrServer},
	}
	all := []error{ErrUnauthorized, ErrNotFound, ErrRateLimited, ErrInvalidRequest, ErrUnsupported, ErrServer}
	for _, tc := range cases {
		e := &APIError{StatusCode: tc.status, Message: tc.msg}
		for _, s := range all {
			assert.Equal(t, s == tc.want, errors.Is(e, s), "%d %q vs %v", tc.status, tc.msg, s)
		}
	}
	e := &APIError{StatusCode: 200, Message: "Could not save Canarydrop"}
	for _, s := range all {
		assert.False(t, errors.Is(e, s))
	}
	assert.True(t, strings.HasPrefix((&APIError{StatusCode: 500, Method: "GET", Path: "/x", Message: "Internal Server Error"}).Error(), "canary: GET /x: HTTP 500: Internal Server Error"))
}

func TestPing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/ping", 200, `{"result": "success"}`)
	require.NoError(t, f.c.Ping(context.Background()))
	require.Len(t, *calls, 1)
	assert.Empty(t, (*calls)[0].Query)
}

func TestPingInvalidAuthToken(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/ping", 200, `{"message": "Invalid auth_token", "result": "error"}`)
	err := f.c.Ping(context.Background())
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.StatusCode)
	assert.Equal(t, "Invalid auth_token", ae.Message)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, "canary: GET /ping: Invalid auth_token (check the auth token and that its key type may call this endpoint)", err.Error())
}
