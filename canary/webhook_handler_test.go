package canary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hookHeader = "X-Canary-Webhook-Auth"
	hookValue  = "shared-value-for-tests-0123" // a test fixture, not a credential
)

type alertSink struct {
	mu     sync.Mutex
	alerts []*WebhookAlert
	err    error
}

func (s *alertSink) onAlert(_ context.Context, a *WebhookAlert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.alerts = append(s.alerts, a)
	return nil
}

func newHookHandler(t *testing.T, sink *alertSink, logs io.Writer) http.Handler {
	t.Helper()
	opts := WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: hookValue}
	if logs != nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	h, err := NewWebhookHandler(sink.onAlert, opts)
	require.NoError(t, err)
	return h
}

func TestWebhookHandler(t *testing.T) {
	t.Parallel()
	docs := golden(t, "webhooks/docs_canarytoken_incident.json")
	tests := []struct {
		name      string
		method    string
		header    map[string][]string
		body      io.Reader
		sinkErr   error
		status    int
		delivered int
	}{
		{"documented token alert", "POST", map[string][]string{hookHeader: {hookValue}}, strings.NewReader(docs), nil, 200, 1},
		{"header name case-insensitive", "POST", map[string][]string{"x-canary-webhook-auth": {hookValue}}, strings.NewReader(docs), nil, 200, 1},
		{"splunk wrapped", "POST", map[string][]string{hookHeader: {hookValue}}, strings.NewReader(golden(t, "webhooks/splunk_wrapped_canary_incident.json")), nil, 200, 1},
		{"missing header", "POST", nil, strings.NewReader(docs), nil, 401, 0},
		{"wrong value", "POST", map[string][]string{hookHeader: {hookValue + "x"}}, strings.NewReader(docs), nil, 401, 0},
		{"two values", "POST", map[string][]string{hookHeader: {"nope", hookValue}}, strings.NewReader(docs), nil, 401, 0},
		{"GET", "GET", map[string][]string{hookHeader: {hookValue}}, nil, nil, 405, 0},
		{"malformed JSON", "POST", map[string][]string{hookHeader: {hookValue}}, strings.NewReader(`{"AlertType":`), nil, 400, 0},
		{"20 MiB body", "POST", map[string][]string{hookHeader: {hookValue}}, bytes.NewReader(make([]byte, 20<<20)), nil, 413, 0},
		{"20 MiB body, chunked", "POST", map[string][]string{hookHeader: {hookValue}}, io.LimitReader(endlessZeros{}, 20<<20), nil, 413, 0},
		{"callback fails", "POST", map[string][]string{hookHeader: {hookValue}}, strings.NewReader(docs), errors.New("SOAR down"), 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := &alertSink{err: tt.sinkErr}
			var logs syncBuffer
			h := newHookHandler(t, sink, &logs)
			req := httptest.NewRequest(tt.method, "/hooks/canary", tt.body)
			if _, ok := tt.body.(*io.LimitedReader); ok {
				req.ContentLength = -1 // unknown length: the cap must still hold
			}
			for k, vs := range tt.header {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.Len(t, sink.alerts, tt.delivered)
			assert.NotContains(t, logs.String(), hookValue, "the shared value is never logged")
			assert.NotContains(t, rec.Body.String(), hookValue)
			if tt.status == 405 {
				assert.Equal(t, "POST", rec.Header().Get("Allow"))
			}
		})
	}
}

// endlessZeros yields zero bytes forever.
type endlessZeros struct{}

func (endlessZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestWebhookHandlerPassesTypedAlert(t *testing.T) {
	t.Parallel()
	sink := &alertSink{}
	h := newHookHandler(t, sink, nil)
	req := httptest.NewRequest("POST", "/", strings.NewReader(golden(t, "webhooks/docs_canary_incident.json")))
	req.Header.Set(hookHeader, hookValue)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code)
	require.Len(t, sink.alerts, 1)
	a := sink.alerts[0]
	assert.Equal(t, WebhookCanaryIncident, a.Kind)
	assert.Equal(t, 21, a.Canary.Port)
	assert.JSONEq(t, `{"result":"success"}`, rec.Body.String())
}

func TestNewWebhookHandlerValidation(t *testing.T) {
	t.Parallel()
	cb := func(context.Context, *WebhookAlert) error { return nil }
	tests := []struct {
		name  string
		cb    func(context.Context, *WebhookAlert) error
		opts  WebhookHandlerOptions
		field string
	}{
		{"nil callback", nil, WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: hookValue}, "onAlert"},
		{"no header", cb, WebhookHandlerOptions{AuthValue: hookValue}, "AuthHeader"},
		{"bad header name", cb, WebhookHandlerOptions{AuthHeader: "X Auth:", AuthValue: hookValue}, "AuthHeader"},
		{"short value", cb, WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: "short"}, "AuthValue"},
		{"value with newline", cb, WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: hookValue + "\nX: y"}, "AuthValue"},
		{"cap too large", cb, WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: hookValue, MaxBodyBytes: 2 << 20}, "MaxBodyBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := NewWebhookHandler(tt.cb, tt.opts)
			assert.Nil(t, h)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.NotContains(t, err.Error(), hookValue)
		})
	}
}

func TestWebhookHandlerNeverPrintsTheSharedValue(t *testing.T) {
	t.Parallel()
	h := newHookHandler(t, &alertSink{}, nil)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, h)
		assert.NotContains(t, out, hookValue, verb)
		assert.Contains(t, out, hookHeader, verb)
	}
}

func TestWebhookHandlerSmallerCap(t *testing.T) {
	t.Parallel()
	sink := &alertSink{}
	h, err := NewWebhookHandler(sink.onAlert, WebhookHandlerOptions{AuthHeader: hookHeader, AuthValue: hookValue, MaxBodyBytes: 64})
	require.NoError(t, err)
	req := httptest.NewRequest("POST", "/", strings.NewReader(golden(t, "webhooks/docs_canary_incident.json")))
	req.Header.Set(hookHeader, hookValue)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assert.Empty(t, sink.alerts)
}
