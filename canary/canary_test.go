package canary

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shared test helpers for package canary's tests.

const (
	testToken = "test-auth-token-5f1c9a" // the auth token every test client uses
	testBase  = "https://acme.canary.tools/api/v1"
)

// fixture is a client on a non-global httpmock transport, with a captured log.
type fixture struct {
	c    *Client
	mock *httpmock.MockTransport
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// setup returns a client talking to an httpmock transport at testBase. Extra
// options come after the defaults (retries off unless given).
func setup(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	mt := httpmock.NewMockTransport()
	logs := &syncBuffer{}
	all := append([]Option{
		WithBaseURL(testBase), WithAuthToken(testToken),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetry(RetryPolicy{MaxAttempts: 1}),
		WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}, opts...)
	c, err := NewClient(all...)
	require.NoError(t, err)
	return &fixture{c: c, mock: mt, logs: logs}
}

// call is what a responder saw.
type call struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values
	Header http.Header
}

// on registers a responder for method+path that records the request, checks
// the auth invariants, and answers with body (a string or a testdata path
// prefixed with "@").
func (f *fixture) on(t *testing.T, method, path string, status int, body string) *[]call {
	t.Helper()
	var mu sync.Mutex
	calls := &[]call{}
	if strings.HasPrefix(body, "@") {
		body = golden(t, body[1:])
	}
	f.mock.RegisterResponder(method, testBase+path, func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, testToken, r.Header.Get("X-Canary-Auth-Token"), "auth header on every request")
		assert.NotContains(t, r.URL.String(), testToken, "auth token must never be in a URL")
		assert.NotContains(t, r.URL.RawQuery, "auth_token")
		assert.Contains(t, r.Header.Get("User-Agent"), "decoykit-canary/"+Version)
		c := call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
		if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			require.NoError(t, r.ParseForm())
			c.Form = r.PostForm
			assert.NotContains(t, r.PostForm, "auth_token")
		}
		mu.Lock()
		*calls = append(*calls, c)
		mu.Unlock()
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	return calls
}

// golden reads a file under testdata.
func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}
