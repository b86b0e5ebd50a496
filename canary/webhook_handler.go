package canary

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// WebhookHandlerOptions configures NewWebhookHandler.
//
// The Console signs nothing: a generic webhook is authenticated only by the
// custom headers configured with it (Console → Settings → Notifications →
// Generic webhook → headers, or POST /settings/generic/add with a headers
// JSON). Choose a header name and a long random value, configure both there,
// and give them here.
type WebhookHandlerOptions struct {
	// AuthHeader is the header the Console sends the shared value in, e.g.
	// "X-Canary-Webhook-Auth". Required.
	AuthHeader string
	// AuthValue is the shared value, at least 16 characters. It is kept
	// only as a hash, compared in constant time, and never logged.
	AuthValue string
	// MaxBodyBytes caps the request body (default and maximum
	// MaxWebhookBytes); a larger body gets HTTP 413.
	MaxBodyBytes int64
	// Logger receives one line per refused or failed request (default:
	// silent).
	Logger *slog.Logger
}

// minWebhookSecret is the shortest AuthValue accepted.
const minWebhookSecret = 16

type webhookHandler struct {
	header  string
	digest  [sha256.Size]byte
	max     int64
	logger  *slog.Logger
	onAlert func(context.Context, *WebhookAlert) error
}

// NewWebhookHandler returns an http.Handler for Console webhooks. It
// accepts only POST, checks the shared header, caps the body, parses it with
// ParseWebhook (generic or Splunk HEC form) and passes the alert to onAlert
// with the request's context. It answers 200 when onAlert returns nil,
// 401 on a missing or wrong header, 405 for other methods, 413 for a body
// over the cap, 400 for a payload that is not a Console alert, and 500 when
// onAlert fails. Bad options are a *ValidationError.
//
// Canary API docs: https://docs.canary.tools/webhooks/generic.html
func NewWebhookHandler(onAlert func(ctx context.Context, a *WebhookAlert) error, opts WebhookHandlerOptions) (http.Handler, error) {
	if onAlert == nil {
		return nil, invalid("onAlert", "must not be nil: it receives each alert")
	}
	name := strings.TrimSpace(opts.AuthHeader)
	if name == "" {
		return nil, invalid("AuthHeader", "must be set: the Console has no signature, so a shared header configured on the webhook is the only authentication")
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) }) {
		return nil, invalid("AuthHeader", "%q is not a valid header name", clip(name))
	}
	if len(opts.AuthValue) < minWebhookSecret {
		return nil, invalid("AuthValue", "must be at least %d characters; use a long random value", minWebhookSecret)
	}
	if strings.ContainsAny(opts.AuthValue, "\r\n\x00") {
		return nil, invalid("AuthValue", "must not contain control characters")
	}
	if opts.MaxBodyBytes < 0 || opts.MaxBodyBytes > MaxWebhookBytes {
		return nil, invalid("MaxBodyBytes", "must be between 1 and %d (0 means %d)", MaxWebhookBytes, MaxWebhookBytes)
	}
	h := &webhookHandler{
		header: http.CanonicalHeaderKey(name), digest: sha256.Sum256([]byte(opts.AuthValue)),
		max: opts.MaxBodyBytes, logger: opts.Logger, onAlert: onAlert,
	}
	if h.max == 0 {
		h.max = MaxWebhookBytes
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

func (h *webhookHandler) authorized(r *http.Request) bool {
	vals := r.Header.Values(h.header)
	if len(vals) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(vals[0]))
	return subtle.ConstantTimeCompare(got[:], h.digest[:]) == 1
}

// ServeHTTP authenticates, parses and hands over one webhook request.
func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		webhookReply(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if !h.authorized(r) {
		h.logger.WarnContext(r.Context(), "canary webhook: refused: missing or wrong auth header", slog.String("remote", r.RemoteAddr))
		webhookReply(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	if r.ContentLength > h.max {
		h.logger.WarnContext(r.Context(), "canary webhook: refused: body too large", slog.Int64("content_length", r.ContentLength))
		webhookReply(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	body := http.MaxBytesReader(w, r.Body, h.max)
	alert, err := parseWebhookFrom(body, h.max)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrWebhookTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		h.logger.WarnContext(r.Context(), "canary webhook: refused", slog.Int("status", status), slog.String("error", err.Error()))
		webhookReply(w, status, err.Error())
		return
	}
	if err := h.onAlert(r.Context(), alert); err != nil {
		h.logger.ErrorContext(r.Context(), "canary webhook: alert handler failed", slog.String("kind", string(alert.Kind)),
			slog.String("incident_hash", alert.IncidentHash), slog.String("error", err.Error()))
		webhookReply(w, http.StatusInternalServerError, "alert handler failed")
		return
	}
	webhookReply(w, http.StatusOK, "")
}

// String describes the handler without its shared value.
func (h *webhookHandler) String() string {
	return fmt.Sprintf("canary.WebhookHandler{AuthHeader: %q, AuthValue: %s}", h.header, redacted)
}

// Format keeps every fmt verb from printing the handler's fields.
func (h *webhookHandler) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, h.String()) }

func webhookReply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if status == http.StatusOK {
		_, _ = w.Write([]byte(`{"result":"success"}` + "\n"))
		return
	}
	b, _ := json.Marshal(struct {
		Result  string `json:"result"`
		Message string `json:"message"`
	}{"error", msg})
	_, _ = w.Write(append(b, '\n'))
}
