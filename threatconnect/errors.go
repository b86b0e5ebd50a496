package threatconnect

import (
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
// and by the platform's documented messages.
var (
	// ErrUnauthorized: the credentials are wrong, the signature did not
	// match, the timestamp was outside the platform's window, or the API user
	// may not do this (HTTP 401/403, "Access Denied", "Signature data did not
	// match expected result", ...).
	ErrUnauthorized = errors.New("threatconnect: unauthorized")
	// ErrClockSkew: the platform refused the request's Timestamp header
	// ("Timestamp out of acceptable time range"): the local clock is more
	// than five minutes away from the server's. It also matches
	// ErrUnauthorized.
	ErrClockSkew = errors.New("threatconnect: clock skew")
	// ErrNotFound: the indicator, owner, group or batch job does not exist
	// (HTTP 404, "The requested resource was not found").
	ErrNotFound = errors.New("threatconnect: not found")
	// ErrInvalidRequest: the platform rejected a parameter (HTTP 400). A
	// *ValidationError, raised before any request is sent, matches it too.
	ErrInvalidRequest = errors.New("threatconnect: invalid request")
	// ErrRateLimited: HTTP 429 after the retries ran out.
	ErrRateLimited = errors.New("threatconnect: rate limited")
	// ErrServer: HTTP 5xx after the retries ran out (503 also means "API not
	// licensed" or "batch API not enabled").
	ErrServer = errors.New("threatconnect: server error")
	// ErrMalformedResponse: the body is not the JSON the API documents.
	ErrMalformedResponse = errors.New("threatconnect: malformed response")
	// ErrBatchTimeout: a batch job did not finish within BatchOptions.Timeout.
	ErrBatchTimeout = errors.New("threatconnect: batch job did not finish in time")
	// ErrResponseTooLarge: a response body is larger than the client's cap
	// (WithMaxResponseBytes, 256 MiB by default); nothing of it is returned.
	ErrResponseTooLarge = errors.New("threatconnect: response too large")
	// ErrRedirectRefused: ThreatConnect (or something in front of it) redirected
	// to another host or from https to http. The redirect is not followed,
	// so the credentials never leave the configured host.
	ErrRedirectRefused = errors.New("threatconnect: redirect refused")
	// ErrPaginationLoop: a listing got back a cursor it had already been
	// given, and stopped rather than loop for ever. The items yielded before
	// it were each yielded once.
	ErrPaginationLoop = errors.New("threatconnect: pagination loop: the server repeated a cursor")
)

// APIError is an error answer from ThreatConnect: a non-2xx status, or a body
// whose "status" is not "Success" (such as "Failure" or "Error"). Plain-text
// error bodies are read as the message.
type APIError struct {
	StatusCode int    // HTTP status (200 for a Failure envelope on a 200)
	Status     string // the envelope's "status", such as "Failure"; "" for a plain-text body
	Message    string // the platform's message, or the HTTP status text
	Method     string // e.g. "POST"
	Path       string // the API path, e.g. "/v2/indicators/addresses" (never a query)
	// ErrCode is the v3 error envelope's "errCode", such as "0x1001"
	// ({"errCode":...,"message":...,"status":"Error"}); "" for v2 errors.
	ErrCode string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Body is the start of the response body (at most 1 MiB), with secrets
	// masked.
	Body []byte
}

// Error returns e.g. `threatconnect: GET /v2/owners: HTTP 401: Access Denied
// (check the access ID and secret key ...)`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "threatconnect: %s %s: ", e.Method, e.Path)
	if e.StatusCode != http.StatusOK {
		fmt.Fprintf(&b, "HTTP %d: ", e.StatusCode)
	} else if e.Status != "" {
		fmt.Fprintf(&b, "status %q: ", e.Status)
	}
	b.WriteString(e.Message)
	if e.ErrCode != "" {
		b.WriteString(" [errCode " + e.ErrCode + "]")
	}
	if hint := e.hint(); hint != "" {
		b.WriteString(" (" + hint + ")")
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch {
	case e.Is(ErrClockSkew):
		return "the local clock is more than 5 minutes from the server's; sync it with NTP"
	case strings.Contains(strings.ToLower(e.Message), "signature"):
		return "check the secret key; the signed path and query must match the request as sent"
	case e.Is(ErrUnauthorized):
		return "check the access ID and secret key or API token, and that the API user may use this owner"
	case e.Is(ErrRateLimited):
		return "ThreatConnect is rate limiting; retry later or use the batch API"
	case e.StatusCode == http.StatusServiceUnavailable:
		return "the API or the batch API may not be enabled on this instance; retry later or ask the administrator"
	case e.Is(ErrServer):
		return "ThreatConnect or a proxy failed; retry later"
	}
	return ""
}

var messageKinds = []struct {
	substr string
	kind   error
}{
	{"timestamp", ErrClockSkew},
	{"signature", ErrUnauthorized},
	{"access denied", ErrUnauthorized},
	{"unauthorized", ErrUnauthorized},
	{"permission", ErrUnauthorized},
	{"not found", ErrNotFound},
	{"could not find", ErrNotFound},
	{"invalid", ErrInvalidRequest},
}

// Is reports whether e matches one of the sentinel errors.
func (e *APIError) Is(target error) bool {
	msg := strings.ToLower(e.Message)
	if target == ErrClockSkew {
		return strings.Contains(msg, "timestamp")
	}
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return target == ErrUnauthorized
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict:
		if target == ErrInvalidRequest {
			return true
		}
	}
	if e.StatusCode >= 500 {
		return target == ErrServer
	}
	for _, mk := range messageKinds {
		if strings.Contains(msg, mk.substr) {
			if mk.kind == ErrClockSkew {
				return target == ErrUnauthorized
			}
			return target == mk.kind
		}
	}
	return false
}

// ValidationError is bad input caught before any request was sent.
type ValidationError struct {
	Field  string // the Go field or argument, e.g. "Summary", "Rating", "indicators[3].Confidence"
	Reason string // what is wrong and what to do
}

// Error returns e.g. `threatconnect: invalid Rating: must be between 0 and 5, got 7`.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("threatconnect: invalid %s: %s", e.Field, e.Reason)
}

// Is makes a ValidationError match ErrInvalidRequest.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// prefixField returns err with its field prefixed (e.g. "indicators[3]."),
// when it is a *ValidationError.
func prefixField(err error, prefix string) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return &ValidationError{Field: prefix + ve.Field, Reason: ve.Reason}
	}
	return err
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// loopChecked yields what seq yields, with the pager's repeated-cursor error
// given this package's ErrPaginationLoop.
func loopChecked[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if err != nil && errors.Is(err, pager.ErrRepeatedCursor) {
				err = &rest.KindError{Msg: "threatconnect: pagination loop: ThreatConnect repeated a cursor; stopped rather than loop for ever", Kind: ErrPaginationLoop, Err: err}
			}
			if !yield(v, err) {
				return
			}
		}
	}
}
