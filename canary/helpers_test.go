package canary

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strconv"

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
			b, err := io.ReadAll(r.Body) // ParseForm skips DELETE bodies
			require.NoError(t, err)
			c.Form, err = url.ParseQuery(string(b))
			require.NoError(t, err)
			assert.NotContains(t, c.Form, "auth_token")
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

// fakeFeed is a stateful stand-in for the Console's incident feeds, used by
// the pagination, watcher and benchmark code of this package. Incidents
// 1..n exist with updated_id = their number; they are generated on demand
// from their number, so a feed of 100,000 costs no memory. Paging works as
// the Console's does: the first request carries limit and the filters, the
// cursor encodes the position, follow-ups send only the cursor.
type fakeFeed struct {
	mu    sync.Mutex
	n     int64 // incidents 1..n exist
	calls []fakeCall
	// fail, when set, may answer a request with an error status instead.
	// It is called with the 1-based request number.
	fail func(call int, q url.Values) int
	// repeatCursor makes every page hand out the same next cursor.
	repeatCursor bool
	// onServe runs after a page is built (under no lock), e.g. to add
	// incidents while a poll is in flight.
	onServe func(call int)
}

type fakeCall struct {
	Path  string
	Query url.Values
}

func (f *fakeFeed) add(k int64) {
	f.mu.Lock()
	f.n += k
	f.mu.Unlock()
}

func (f *fakeFeed) snapshot() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

func fakeCursor(pos, limit int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", pos, limit))
}

func parseFakeCursor(c string) (pos, limit int64, err error) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, err
	}
	a, l, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, 0, fmt.Errorf("bad cursor")
	}
	pos, err = strconv.ParseInt(a, 10, 64)
	if err != nil {
		return 0, 0, err
	}
	limit, err = strconv.ParseInt(l, 10, 64)
	return pos, limit, err
}

func (f *fakeFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Canary-Auth-Token") != testToken {
		http.Error(w, `{"result":"error","message":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	path := strings.TrimPrefix(r.URL.Path, "/api/v1")
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{Path: path, Query: q})
	call := len(f.calls)
	n := f.n
	fail, repeat, onServe := f.fail, f.repeatCursor, f.onServe
	f.mu.Unlock()

	if fail != nil {
		if status := fail(call, q); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"result":"error","message":"fake failure %d"}`, status)
			return
		}
	}
	if !strings.HasPrefix(path, "/incidents/") {
		http.NotFound(w, r)
		return
	}
	var pos, limit int64
	if c := q.Get("cursor"); c != "" {
		var err error
		if pos, limit, err = parseFakeCursor(c); err != nil {
			http.Error(w, `{"result":"error","message":"bad cursor"}`, http.StatusBadRequest)
			return
		}
	} else {
		pos, _ = strconv.ParseInt(q.Get("incidents_since"), 10, 64)
		limit, _ = strconv.ParseInt(q.Get("limit"), 10, 64)
		if limit <= 0 {
			limit = n + 1 // no limit: everything in one response
		}
	}
	end := min(pos+limit, n)
	b := make([]byte, 0, 1024*int(max(end-pos, 0))+256)
	b = append(b, `{"feed":"All Incidents","result":"success","incidents":`...)
	if end <= pos {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for id := pos + 1; id <= end; id++ {
			if id > pos+1 {
				b = append(b, ',')
			}
			b = appendFakeIncident(b, id)
		}
		b = append(b, ']')
		b = fmt.Appendf(b, `,"max_updated_id":%d`, end)
	}
	next := "null"
	switch {
	case repeat:
		next = strconv.Quote(fakeCursor(0, limit))
	case end < n:
		next = strconv.Quote(fakeCursor(end, limit))
	}
	b = fmt.Appendf(b, `,"cursor":{"next":%s,"next_link":"https://EXAMPLE.canary.tools/api/v1%s?cursor=x&auth_token=leak","prev":null,"prev_link":null}}`, next, path)
	if onServe != nil {
		onServe(call)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// appendFakeIncident appends incident id in the feed shape, with the
// Console's string-typed fields, about 1 KiB like a real token incident.
func appendFakeIncident(b []byte, id int64) []byte {
	created := 1586249623 + id
	return fmt.Appendf(b, `{"description":{"acknowledged":"False","created":"%d","created_std":"2020-04-07 08:53:43 UTC+0000",`+
		`"description":"Canarytoken triggered","dst_host":"203.0.113.10","dst_port":"80","events":[{"canarytoken":"tok%d","dst_port":80,`+
		`"event_name":"","headers":{"Accept":"*/*","Accept-Encoding":"gzip, deflate","Connection":"close","User-Agent":"curl/8.5.0"},`+
		`"src_host":"198.51.100.%d","timestamp":%d,"timestamp_std":"2020-04-07 08:53:43 UTC+0000","type":"aws-id"}],"events_count":"1",`+
		`"local_time":"2020-04-07 08:53:43 (UTC)","logtype":"17012","memo":"fake memo %d","name":"N/A","node_id":"node%d","notified":"False",`+
		`"src_host":"198.51.100.%d","src_port":"0"},"hash_id":"hash%d","id":"incident:aws-id:%x:198.51.100.%d:%d","summary":"Canarytoken triggered",`+
		`"updated":"Tue, 07 Apr 2020 08:53:43 GMT","updated_id":%d,"updated_std":"2020-04-07 08:53:43 UTC+0000","updated_time":"%d"}`,
		created, id%97, id%250, created, id, id%13, id%250, id, id, id%250, created, id, created)
}

// handlerTransport serves requests from an http.Handler in the calling
// goroutine: no sockets, so it works inside a synctest bubble.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	if r.Body != nil {
		defer r.Body.Close()
	}
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// feedClient returns a client whose requests the fake feed answers.
func feedClient(t testing.TB, f *fakeFeed, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{
		WithBaseURL(testBase), WithAuthToken(testToken),
		WithHTTPClient(&http.Client{Transport: handlerTransport{f}}),
		WithRetry(RetryPolicy{MaxAttempts: 1}),
	}, opts...)
	c, err := NewClient(all...)
	require.NoError(t, err)
	return c
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

func itoa(n int) string { return strconv.Itoa(n) }

func newDebugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
