package decoy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testAlert() Alert {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	return Alert{ID: "alert-1", Count: 3, FirstSeen: t0, LastSeen: t0.Add(4 * time.Second), Hit: Hit{
		ID: "hit-1", Time: t0, TokenID: "0011223344556677", Format: "github-classic", Part: "value", Strength: 64,
		Token: "ghp_Ab12…", Found: Place{Kind: InAuthorization, Name: "Authorization"},
		Placement: "infra/.env", Memo: "CI runner", RemoteIP: netip.MustParseAddr("203.0.113.7"),
		UserAgent: "curl/8.5.0", Method: "GET", Path: "/v1/user",
	}}
}

// captured is one request a fake receiver got.
type captured struct {
	Header http.Header
	Path   string
	Query  string
	Body   []byte
}

func receiver(t *testing.T, status func(n int) int) (*httptest.Server, func() []captured) {
	t.Helper()
	var mu sync.Mutex
	var got []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, captured{r.Header.Clone(), r.URL.Path, r.URL.RawQuery, b})
		n := len(got)
		mu.Unlock()
		w.WriteHeader(status(n))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), got...)
	}
}

func TestWebhookDelivers(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, func(int) int { return http.StatusNoContent })
	wh, err := NewWebhook(srv.URL+"/hooks/decoy?tenant=acme", WithWebhookHeader("Authorization", "Bearer hook-secret-value"),
		WithWebhookHeader("X-Team", "sec"))
	require.NoError(t, err)
	require.NoError(t, wh.Notify(context.Background(), testAlert()))
	reqs := got()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "/hooks/decoy", r.Path)
	assert.Equal(t, "tenant=acme", r.Query)
	assert.Equal(t, "Bearer hook-secret-value", r.Header.Get("Authorization"))
	assert.Equal(t, "sec", r.Header.Get("X-Team"))
	assert.Equal(t, "alert-1", r.Header.Get("Idempotency-Key"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, userAgent, r.Header.Get("User-Agent"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body))
	assert.Equal(t, "honeytoken.hit", body["event"])
	assert.Equal(t, "alert-1", body["id"])
	assert.EqualValues(t, 3, body["count"])
	hit := body["hit"].(map[string]any)
	assert.Equal(t, "0011223344556677", hit["token_id"])
	assert.Equal(t, "203.0.113.7", hit["remote_ip"])
	assert.Equal(t, "infra/.env", hit["placement"])
}

func TestWebhookStatusClassesAndSecrets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		wantErr   bool
		permanent bool
	}{
		{200, false, false}, {202, false, false},
		{408, true, false}, {425, true, false}, {429, true, false}, {500, true, false}, {502, true, false}, {503, true, false},
		{400, true, true}, {401, true, true}, {403, true, true}, {404, true, true}, {410, true, true},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			t.Parallel()
			srv, _ := receiver(t, func(int) int { return c.status })
			var logs bytes.Buffer
			wh, err := NewWebhook(srv.URL+"/h?key=query-secret-1", WithWebhookHeader("X-Hook-Token", "header-secret-2"),
				WithWebhookLogger(newTextLogger(&logs)))
			require.NoError(t, err)
			err = wh.Notify(context.Background(), testAlert())
			if !c.wantErr {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, c.permanent, IsPermanent(err))
			assert.Contains(t, err.Error(), "HTTP ")
			for _, s := range []string{err.Error(), logs.String()} {
				assert.NotContains(t, s, "query-secret-1")
				assert.NotContains(t, s, "header-secret-2")
			}
		})
	}
}

func TestWebhookTransportErrorIsRetryableAndClean(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	sl, err := NewSlack(u + "/services/T000/B000/slack-path-secret")
	require.NoError(t, err)
	err = sl.Notify(context.Background(), testAlert())
	require.Error(t, err)
	assert.False(t, IsPermanent(err))
	assert.NotContains(t, err.Error(), "slack-path-secret")

	// A generic webhook may carry its token in the path too (Discord, Teams).
	var logs bytes.Buffer
	wh, err := NewWebhook(u+"/api/webhooks/123/path-secret-token", WithWebhookLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	err = wh.Notify(context.Background(), testAlert())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "path-secret-token")
	assert.NotContains(t, logs.String(), "path-secret-token")
}

func TestWebhookURLValidation(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, url string }{
		{"empty", ""},
		{"relative", "/hook"},
		{"ftp", "ftp://example.com/hook"},
		{"plain http to a remote host", "http://example.com/secret-path"},
		{"user info", "https://user:secret-pw@example.com/hook"},
		{"fragment", "https://example.com/hook#frag"},
		{"unparsable", "https://exa mple.com/%zz-secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, mk := range []func(string) (Notifier, error){
				func(u string) (Notifier, error) { return NewWebhook(u) },
				func(u string) (Notifier, error) { return NewSlack(u) },
			} {
				_, err := mk(c.url)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "url", ve.Field)
				assert.NotContains(t, err.Error(), "secret")
			}
		})
	}
	_, err := NewWebhook("https://example.com/h", WithWebhookHeader("X-Bad", "a\r\nInjected: 1"))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "option WithWebhookHeader", ve.Field)
	assert.NotContains(t, err.Error(), "Injected", "a header value is a secret")
	_, err = NewWebhook("http://127.0.0.1:9/h")
	require.NoError(t, err, "plain http to loopback is allowed (tests, local relays)")
}

func TestSlackMessage(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, func(int) int { return http.StatusOK })
	sl, err := NewSlack(srv.URL + "/services/T0001/B0001/slack-secret-path")
	require.NoError(t, err)
	require.NoError(t, sl.Notify(context.Background(), testAlert()))
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/services/T0001/B0001/slack-secret-path", reqs[0].Path)
	var p slackPayload
	require.NoError(t, json.Unmarshal(reqs[0].Body, &p))
	assert.Equal(t, ":rotating_light: Honeytoken used: github-classic `ghp_Ab12…` from 203.0.113.7 (3 hits)", p.Text)
	require.Len(t, p.Blocks, 2)
	var fields []string
	for _, f := range p.Blocks[1].Fields {
		fields = append(fields, f.Text)
	}
	assert.Contains(t, fields, "*Found in*\nauthorization Authorization")
	assert.Contains(t, fields, "*Request*\nGET /v1/user")
	assert.Contains(t, fields, "*Planted at*\ninfra/.env")
	assert.Contains(t, fields, "*Memo*\nCI runner")
	assert.Contains(t, fields, "*Seen*\n2026-11-25T10:00:00Z – 2026-11-25T10:00:04Z")
}

func TestJSONLinesFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hits.jsonl")
	for range 2 { // reopening appends
		j, err := OpenJSONLines(path)
		require.NoError(t, err)
		require.NoError(t, j.Notify(context.Background(), testAlert()))
		require.NoError(t, j.Close())
	}
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	var a Alert
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &a))
	assert.Equal(t, testAlert(), a)

	_, err = OpenJSONLines("")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = OpenJSONLines(filepath.Join(t.TempDir(), "missing-dir", "x.jsonl"))
	require.Error(t, err)
}
