package canary

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/pager"
	"github.com/decoykit/decoykit/internal/rest"
)

// Sentinel errors for errors.Is. An *APIError matches them by HTTP status
// and, where the Console answers HTTP 200 with {"result":"error"}, by its
// documented message.
var (
	// ErrUnauthorized: the auth token is wrong, revoked, or may not call the
	// endpoint (HTTP 401/403, "Invalid auth_token", "Unauthorized").
	ErrUnauthorized = errors.New("canary: unauthorized")
	// ErrNotFound: the token, incident or device does not exist (HTTP 404,
	// "Could not find the Canarytoken", "Incident not found", ...).
	ErrNotFound = errors.New("canary: not found")
	// ErrInvalidRequest: the Console rejected a parameter (HTTP 400, "Empty
	// memo", "Supplied kind is not valid.", ...). A *ValidationError, raised
	// before any request is sent, matches it too.
	ErrInvalidRequest = errors.New("canary: invalid request")
	// ErrRateLimited: HTTP 429 after the retries ran out.
	ErrRateLimited = errors.New("canary: rate limited")
	// ErrUnsupported: the Console cannot do this for this token, such as
	// "File generation not supported." on a download.
	ErrUnsupported = errors.New("canary: not supported")
	// ErrServer: HTTP 5xx after the retries ran out.
	ErrServer = errors.New("canary: server error")
	// ErrMalformedResponse: the body is not the JSON the API documents (an
	// HTML error page from a proxy, truncated JSON, ...).
	ErrMalformedResponse = errors.New("canary: malformed response")
	// ErrResponseTooLarge: a response body is larger than the client's cap
	// (WithMaxResponseBytes, 256 MiB by default); nothing of it is returned.
	ErrResponseTooLarge = errors.New("canary: response too large")
	// ErrRedirectRefused: the Console (or something in front of it) redirected
	// to another host or from https to http. The redirect is not followed,
	// so the credentials never leave the configured host.
	ErrRedirectRefused = errors.New("canary: redirect refused")
	// ErrPaginationLoop: a listing got back a cursor it had already been
	// given, and stopped rather than loop for ever. The items yielded before
	// it were each yielded once.
	ErrPaginationLoop = errors.New("canary: pagination loop: the server repeated a cursor")
)

// APIError is an error answer from the Console: a non-2xx status, or a body
// with "result":"error" (which the Console sends with HTTP 200 too).
type APIError struct {
	StatusCode int    // HTTP status; 200 for an error envelope on a 200
	Message    string // the Console's "message", or the HTTP status text
	Method     string // e.g. "POST"
	Path       string // the API path, e.g. "/canarytoken/create" (never a query)
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Body is the start of the response body (at most 1 MiB), with the auth
	// token masked.
	Body []byte
}

// Error returns e.g. `canary: GET /ping: HTTP 401: Invalid auth_token`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "canary: %s %s: ", e.Method, e.Path)
	if e.StatusCode != http.StatusOK {
		fmt.Fprintf(&b, "HTTP %d: ", e.StatusCode)
	}
	b.WriteString(e.Message)
	if hint := e.hint(); hint != "" {
		b.WriteString(" (" + hint + ")")
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch {
	case e.Is(ErrUnauthorized):
		return "check the auth token and that its key type may call this endpoint"
	case e.Is(ErrRateLimited):
		return "the Console is rate limiting; retry later or lower the request rate"
	case e.Is(ErrServer):
		return "the Console or a proxy failed; retry later"
	}
	return ""
}

var messageKinds = []struct {
	substr string
	kind   error
}{
	{"invalid auth_token", ErrUnauthorized},
	{"unauthorized", ErrUnauthorized},
	{"could not find", ErrNotFound},
	{"not found", ErrNotFound},
	{"does not exist", ErrNotFound},
	{"not supported", ErrUnsupported},
	{"empty memo", ErrInvalidRequest},
	{"not valid", ErrInvalidRequest},
	{"invalid", ErrInvalidRequest},
	{"could not process the parameters", ErrInvalidRequest},
	{"could not decode", ErrInvalidRequest},
	{"cannot use", ErrInvalidRequest},
	{"missing", ErrInvalidRequest},
	{"required", ErrInvalidRequest},
}

// Is reports whether e matches one of the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return target == ErrUnauthorized
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		if target == ErrInvalidRequest {
			return true
		}
	}
	if e.StatusCode >= 500 {
		return target == ErrServer
	}
	msg := strings.ToLower(e.Message)
	for _, mk := range messageKinds {
		if strings.Contains(msg, mk.substr) {
			return target == mk.kind
		}
	}
	return false
}

// ValidationError is bad input caught before any request was sent.
type ValidationError struct {
	Field  string // the Go field or argument, e.g. "Memo", "Upload", "id"
	Reason string // what is wrong and what to do
}

// Error returns e.g. `canary: invalid Memo: must not be empty ...`.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("canary: invalid %s: %s", e.Field, e.Reason)
}

// Is makes a ValidationError match ErrInvalidRequest.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func requireID(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(field, "must not be empty")
	}
	if strings.ContainsAny(v, "\r\n\x00") {
		return invalid(field, "must not contain control characters")
	}
	return nil
}

func malformed(method, path, what string) error {
	return &malformedError{method: method, path: path, what: what}
}

type malformedError struct{ method, path, what string }

func (e *malformedError) Error() string {
	return "canary: " + e.method + " " + e.path + ": malformed response: " + e.what
}

func (e *malformedError) Unwrap() error { return ErrMalformedResponse }

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

func describeDecodeError(err error, body []byte) string {
	trimmed := strings.TrimSpace(string(body[:min(len(body), 256)]))
	if strings.HasPrefix(trimmed, "<") {
		return "got HTML instead of JSON (a proxy or login page?)"
	}
	return err.Error()
}

func (c *Client) apiError(r rest.Request, status int, msg string, body []byte) *APIError {
	if msg == "" {
		msg = "the Console reported an error without a message"
	}
	return &APIError{StatusCode: status, Message: c.scrub(msg), Method: r.Method, Path: r.Path, Body: capBody(c.scrubBytes(body))}
}

func capBody(b []byte) []byte {
	if len(b) > rest.DefaultMaxErrorBodyBytes {
		return b[:rest.DefaultMaxErrorBodyBytes]
	}
	return b
}

// mapError turns the sender's errors into this package's.
func (c *Client) mapError(r rest.Request, err error) error {
	var se *rest.StatusError
	if errors.As(err, &se) {
		msg := http.StatusText(se.StatusCode)
		var env envelope
		if json.Unmarshal(se.Body, &env) == nil && env.Message != "" {
			msg = env.Message
		} else if t := strings.TrimSpace(string(se.Body[:min(len(se.Body), 256)])); strings.HasPrefix(t, "<") {
			msg += " (HTML error page)"
		}
		ae := c.apiError(r, se.StatusCode, msg, se.Body)
		ae.RetryAfter = se.RetryAfter
		return ae
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("canary: %s %s: %w", r.Method, r.Path, err)
	}
	if kind := rest.TransportKind(err, ErrResponseTooLarge, ErrRedirectRefused); kind != nil {
		return &rest.KindError{Msg: "canary: " + err.Error(), Kind: kind, Err: err}
	}
	return fmt.Errorf("canary: %w", err)
}

// Webhook errors, for errors.Is.
var (
	// ErrInvalidWebhook: the body is not a Console webhook payload
	// (malformed JSON, a JSON value that is not an object, or an object
	// without any of the Console's alert fields).
	ErrInvalidWebhook = errors.New("canary: invalid webhook payload")
	// ErrWebhookTooLarge: the body is larger than the limit.
	ErrWebhookTooLarge = errors.New("canary: webhook body too large")
)

// loopChecked yields what seq yields, with the pager's repeated-cursor error
// given this package's ErrPaginationLoop.
func loopChecked[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if err != nil && errors.Is(err, pager.ErrRepeatedCursor) {
				err = &rest.KindError{Msg: "canary: pagination loop: the Console repeated a cursor; stopped rather than loop for ever", Kind: ErrPaginationLoop, Err: err}
			}
			if !yield(v, err) {
				return
			}
		}
	}
}
