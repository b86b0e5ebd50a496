package canary

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// Option configures a Client. Options return errors instead of panicking.
type Option func(*config) error

type config struct {
	domain     string
	baseURL    string
	token      Sensitive
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger
	maxBody    int64
}

var domainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// WithDomain sets the Console by its domain hash: "abc123" means
// https://abc123.canary.tools/api/v1. Use WithBaseURL for anything else.
func WithDomain(domain string) Option {
	return func(c *config) error {
		d := strings.ToLower(strings.TrimSpace(domain))
		d = strings.TrimSuffix(d, ".canary.tools")
		if !domainRE.MatchString(d) {
			return invalid("domain", "%q is not a Console domain hash (letters, digits and hyphens, as in abc123.canary.tools); use WithBaseURL for a full URL", clip(domain))
		}
		c.domain = d
		return nil
	}
}

// WithBaseURL sets the API root, such as "https://abc123.canary.tools/api/v1"
// or a test server's URL + "/api/v1". Plain http is accepted only for
// loopback hosts.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		if _, err := rest.ParseBaseURL(u); err != nil {
			return invalid("base URL", "%v", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithAuthToken sets the Console API auth token. It is sent only in the
// X-Canary-Auth-Token header, only to the configured host, and never appears
// in errors, logs or fmt output. A token shorter than 6 characters cannot be
// a Console token and is refused.
func WithAuthToken(token string) Option {
	return func(c *config) error {
		t := strings.TrimSpace(token)
		if t == "" {
			return invalid("auth token", "must not be empty; pass the Console's API auth token")
		}
		if strings.ContainsFunc(t, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
			return invalid("auth token", "contains whitespace or control characters")
		}
		if len(t) < redact.MinSecretLen {
			return invalid("auth token", "is too short to be a Console API auth token (at least %d characters); check what was passed", redact.MinSecretLen)
		}
		c.token = Sensitive(t)
		return nil
	}
}

// WithHTTPClient sets the HTTP client. It is copied, never modified; the copy
// refuses redirects to other hosts. The default is go-cleanhttp's pooled
// client with dial, TLS and response-header timeouts and no overall timeout
// (which would cut long downloads and uploads short): bound calls with ctx.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("HTTP client", "must not be nil; omit WithHTTPClient for the default client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent prepends a product token to the User-Agent, e.g.
// "acme-soar/1.4 decoykit-canary/0.1.0 (go1.26)".
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.ContainsAny(ua, "\r\n") {
			return invalid("user agent", "must be a single line")
		}
		c.userAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithRetry sets the retry policy. The zero RetryPolicy means the defaults:
// 3 attempts, for connection errors, bodies cut short and HTTP 429/500/502/503/504, honouring
// Retry-After, jittered exponential backoff from 500ms to 30s, idempotent
// calls only. RetryPolicy{MaxAttempts: 1} turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return invalid("retry policy", "negative values are not allowed")
		}
		c.retry = p
		return nil
	}
}

// WithLogger sets a structured logger for request and retry events (at
// Debug and Info). The default discards everything. The auth token is never
// logged; URLs are logged with secrets masked; headers and bodies never are.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithMaxResponseBytes caps how much of a JSON response body the client
// reads (default 256 MiB; error bodies are always capped at 1 MiB). A larger
// body fails with an error instead of exhausting memory. Downloads are
// streamed and not capped.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("max response bytes", "must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// RetryPolicy says when a failed request is tried again.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included; 0 means 3 and 1
	// disables retries.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the jittered exponential backoff
	// (default 500ms and 30s).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After honoured (default 60s); a
	// longer one returns the error at once, with APIError.RetryAfter set.
	MaxRetryAfter time.Duration
	// RetryNonIdempotent also retries calls that create something
	// (Tokens.Create). The Console has no idempotency keys, so a retried
	// create whose first response was lost makes a second token.
	RetryNonIdempotent bool
	// OnRetry, if set, is called before each wait.
	OnRetry func(RetryEvent)
}

// RetryEvent describes a retry about to happen.
type RetryEvent struct {
	Method, Path string
	Attempt      int           // the attempt that failed, from 1
	StatusCode   int           // the failed attempt's HTTP status, or 0
	Err          error         // the transport error when StatusCode is 0
	Wait         time.Duration // the wait before the next attempt
}

func (p RetryPolicy) internal() rest.Policy {
	rp := rest.Policy{
		MaxAttempts: p.MaxAttempts, MinBackoff: p.MinBackoff, MaxBackoff: p.MaxBackoff,
		MaxRetryAfter: p.MaxRetryAfter, RetryNonIdempotent: p.RetryNonIdempotent,
	}
	if p.OnRetry != nil {
		cb := p.OnRetry
		rp.OnRetry = func(i rest.RetryInfo) {
			cb(RetryEvent{Method: i.Method, Path: i.Path, Attempt: i.Attempt, StatusCode: i.StatusCode, Err: i.Err, Wait: i.Wait})
		}
	}
	return rp
}

func (c *config) String() string { return fmt.Sprintf("domain=%q base=%q", c.domain, c.baseURL) }
