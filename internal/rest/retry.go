package rest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy says when and how a request is retried.
type Policy struct {
	// MaxAttempts is the total number of attempts, the first included.
	// 1 disables retries; 0 means the default (3).
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the jittered exponential backoff
	// (defaults 500ms and 30s).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the sender will wait for
	// (default 60s); a longer one ends the retries with the 429/503 error.
	MaxRetryAfter time.Duration
	// RetryNonIdempotent allows retrying POST and PATCH requests, which may
	// then reach the server twice. Off by default.
	RetryNonIdempotent bool
	// OnRetry, if set, is called before each wait.
	OnRetry func(RetryInfo)
}

// RetryInfo describes one retry, for observability.
type RetryInfo struct {
	Method, Path string
	Attempt      int           // the attempt that failed, from 1
	StatusCode   int           // 0 for a transport error
	Err          error         // the transport error, if any
	Wait         time.Duration // how long the sender waits before the next attempt
}

// WithDefaults returns p with zero fields set to their defaults.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 3
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = 500 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 30 * time.Second
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 60 * time.Second
	}
	return p
}

// retryableStatus reports whether a status code is worth another attempt. A
// 500 is often a passing fault of one backend; the Console's own scripts retry
// it, as the AWS SDKs do for idempotent calls.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether a transport error may go away on its own.
func retryableError(err error) bool {
	if errors.Is(err, ErrCrossHostRedirect) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	return true
}

// idempotent reports whether a method may be repeated safely.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// backoff returns the full-jitter wait before attempt n+1 (n from 1).
func (p Policy) backoff(n int) time.Duration { return Backoff(p.MinBackoff, p.MaxBackoff, n) }

// Backoff returns the full-jitter wait after failed attempt n (from 1): a
// random duration from minB/2 up to minB·2^(n-1), capped at maxB. It never
// waits less than half the minimum: a zero wait would hammer a server that
// has just said it is overloaded.
func Backoff(minB, maxB time.Duration, n int) time.Duration {
	if maxB < minB {
		maxB = minB
	}
	ceil := minB << min(max(n-1, 0), 30)
	if ceil <= 0 || ceil > maxB {
		ceil = maxB
	}
	floor := minB / 2
	return floor + rand.N(ceil-floor+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Sleep waits for d or until ctx is done, whichever comes first, and returns
// ctx.Err() in the second case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
