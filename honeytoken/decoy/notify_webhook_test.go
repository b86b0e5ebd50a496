package decoy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	assert.Equal(t, "infra/.env", hit["location"])
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
