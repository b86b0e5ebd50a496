package threatconnect

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// DefaultBaseURL is the API root of ThreatConnect's public cloud. Dedicated
// and on-premises instances use https://<instance>/api; older accounts use
// https://api.threatconnect.com.
const DefaultBaseURL = "https://app.threatconnect.com/api"

// Option configures a Client. Options return errors instead of panicking.
type Option func(*config) error

// config is what the options collect. Secrets are kept in closures (sign,
// token) so that no struct field holds them: even printing a config with
// %#v through reflection cannot reveal them.
type config struct {
	baseURL    string
	accessID   string
	hmacSet    bool
	sign       func(msg string) string // HMAC-SHA256 with the secret key, base64
	secret     func() string           // for redaction only
	tokenSet   bool
	token      func() string
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger
	now        func() time.Time
	maxBody    int64
}

// WithMaxResponseBytes caps how much of a response body the client reads
// (default 256 MiB; error bodies are always capped at 1 MiB). A larger body
// fails with an error matching ErrResponseTooLarge instead of exhausting
// memory.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("max response bytes", "must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithBaseURL sets the API root: "https://app.threatconnect.com/api",
// "https://api.threatconnect.com", "https://<instance>/api", or a test
// server's URL. Paths such as /v2/owners are appended to it and signed as
// sent. Plain http is accepted only for loopback hosts.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		if _, err := rest.ParseBaseURL(u); err != nil {
			return invalid("base URL", "%v", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithHMAC authenticates with an API user's Access ID and Secret Key: every
// request is signed with HMAC-SHA256 (the Authorization "TC" scheme and a
// Timestamp header). The secret key never leaves the process and never
// appears in errors, logs or fmt output.
func WithHMAC(accessID, secretKey string) Option {
	return func(c *config) error {
		id := strings.TrimSpace(accessID)
		if id == "" {
			return invalid("access ID", "must not be empty; pass the API user's Access ID (Org Settings → Membership → API user)")
		}
		if strings.ContainsFunc(id, badHeaderRune) || strings.Contains(id, ":") {
			return invalid("access ID", "must not contain whitespace, control characters or ':'")
		}
		if secretKey == "" || strings.TrimSpace(secretKey) == "" {
			return invalid("secret key", "must not be empty; pass the API user's Secret Key")
		}
		if len(secretKey) < redact.MinSecretLen {
			return invalid("secret key", "is too short to be an API user's Secret Key (at least %d characters)", redact.MinSecretLen)
		}
		key := []byte(secretKey)
		c.accessID = id
		c.sign = func(msg string) string { return signMessage(key, msg) }
		c.secret = func() string { return string(key) }
		c.hmacSet = true
		return nil
	}
}

// WithAPIToken authenticates with an API token (Authorization: TC-Token
// <token>), as issued for an API user or a job. The token never appears in
// errors, logs or fmt output.
func WithAPIToken(token string) Option {
	return func(c *config) error {
		t := strings.TrimSpace(token)
		if t == "" {
			return invalid("API token", "must not be empty; pass the API user's token")
		}
		if strings.ContainsFunc(t, badHeaderRune) {
			return invalid("API token", "contains whitespace or control characters")
		}
		if len(t) < redact.MinSecretLen {
			return invalid("API token", "is too short to be an API token (at least %d characters)", redact.MinSecretLen)
		}
		c.token = func() string { return t }
		c.tokenSet = true
		return nil
	}
}

func badHeaderRune(r rune) bool { return r < 0x21 || r == 0x7f }

// WithHTTPClient sets the HTTP client. It is copied, never modified; the copy
// refuses redirects to other hosts. The default is go-cleanhttp's pooled
// client with dial, TLS and response-header timeouts: bound calls with ctx.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("HTTP client", "must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent prepends a product token to the User-Agent, e.g.
// "acme-soar/1.4 decoykit-threatconnect/0.1.0 (go1.26)".
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
// calls only (creates and batch uploads are sent once).
// RetryPolicy{MaxAttempts: 1} turns retries off.
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
// Debug and Info). The default discards everything. Secrets, headers and
// bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithClock sets the clock used for the HMAC Timestamp header (default
// time.Now). The platform refuses timestamps more than five minutes from
// its own clock; a test, or a host whose clock is known to be off, can
// correct it here.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("threatconnect: WithClock: nil clock")
		}
		c.now = now
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
	// RetryNonIdempotent also retries creates and batch uploads. The v2 API
	// has no idempotency keys: a retried create is harmless for indicators
	// (the platform keeps one copy per owner), but a retried batch job
	// creation makes a second job.
	RetryNonIdempotent bool
	// OnRetry, if set, is called before each wait.
	OnRetry func(RetryEvent)
}

// RetryEvent describes a retry about to happen.
type RetryEvent struct {
	Method, Path string        // the request, e.g. "GET" "/v2/owners"
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

// WriteOptions are the options of a call that changes data.
type WriteOptions struct {
	// Owner is the organization, community or source to write to; "" means
	// the API user's own organization.
	Owner string
}

// ReadOptions are the options of a call that reads one object.
type ReadOptions struct {
	// Owner is the owner to read from; "" means the API user's own
	// organization.
	Owner string
}

func ownerQuery(owner string) (url.Values, error) {
	if err := validateOwner(owner); err != nil {
		return nil, err
	}
	if strings.TrimSpace(owner) == "" {
		return nil, nil
	}
	return url.Values{"owner": {owner}}, nil
}

func writeOwner(o *WriteOptions) string {
	if o == nil {
		return ""
	}
	return o.Owner
}

func readOwner(o *ReadOptions) string {
	if o == nil {
		return ""
	}
	return o.Owner
}

// ref is a checked (type, summary) pair with its path segments.
