package decoy

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// DefaultBodyScan is how many leading body bytes Handler scans by default.
const DefaultBodyScan = 64 << 10

// Option configures [Handler] and [Middleware]. An option returns an error
// for an invalid argument (e.g. WithClock(nil)); Handler and Middleware,
// which are set up once at start, panic with it. Options are code, never
// network input.
type Option func(*config) error

// invalidOption is the error an option returns for a bad argument, e.g.
// "decoy: option WithClock: must not be nil".
func invalidOption(name, reason string) error {
	return &ValidationError{Field: "option " + name, Reason: reason}
}

type config struct {
	rec         Recorder
	registry    Registry
	log         *slog.Logger
	hitLog      *slog.Logger // where hits go without a Recorder
	trusted     []netip.Prefix
	resp        Response
	cleanResp   *Response
	passThrough bool
	bodyMax     int64
	thorough    bool
	extraCred   map[string]bool // canonical names
	record      []string        // canonical names kept in Hit.Headers
	now         func() time.Time
}

// defaultRecorded are the headers a Hit keeps (credential headers are added,
// masked, when present).
var defaultRecorded = []string{
	"Accept", "Accept-Language", "Content-Type", "Content-Length", "Origin", "Referer",
	"X-Forwarded-For", "X-Real-Ip", "Forwarded", "Via", "X-Request-Id",
}

func newConfig(handler bool, opts []Option) *config {
	c := &config{
		resp:     Unauthorized(),
		thorough: handler,
		now:      time.Now,
		record:   append([]string(nil), defaultRecorded...),
	}
	if handler {
		c.bodyMax = DefaultBodyScan
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			panic(err) // a programmer error, like http.ServeMux.Handle's
		}
	}
	c.hitLog = c.log
	if c.hitLog == nil {
		c.hitLog = slog.Default() // a hit nobody records is still written down
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.bodyMax < 0 {
		c.bodyMax = 0
	}
	return c
}

// WithRecorder sends every hit to rec (usually a *Dispatcher). Without one,
// each hit is logged at Warn ("honeytoken used") to WithLogger's logger, or
// to slog.Default() when no logger is given, so that no hit goes unnoticed.
func WithRecorder(rec Recorder) Option {
	return func(c *config) error { c.rec = rec; return nil }
}

// WithRegistry looks hits up in reg to add the token's location, memo and
// labels. The lookup runs on the request path of a request that carries a
// honeytoken (never on a clean one) with the request's context.
func WithRegistry(reg Registry) Option {
	return func(c *config) error { c.registry = reg; return nil }
}

// WithLogger logs problems (a failed registry lookup, at Warn; body read
// errors, at Debug) and, when no Recorder is set, the hits themselves. Without
// it problems are not logged, and hits without a Recorder go to slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.log = l; return nil }
}

// WithTrustedProxies lists the proxies (e.g. your load balancer's subnet)
// whose X-Forwarded-For is believed. Without it X-Forwarded-For is never
// trusted: anyone can send one. Build prefixes with netip.ParsePrefix, or
// netip.PrefixFrom(addr, addr.BitLen()) for a single address; an invalid
// (zero) prefix is an error.
func WithTrustedProxies(prefixes ...netip.Prefix) Option {
	return func(c *config) error {
		for i, p := range prefixes {
			if !p.IsValid() {
				return invalidOption("WithTrustedProxies", fmt.Sprintf("prefix #%d is not a valid prefix; build it with netip.ParsePrefix", i+1))
			}
			c.trusted = append(c.trusted, p.Masked())
		}
		return nil
	}
}

// WithResponse sets the response to a request carrying a honeytoken (and, for
// Handler, to every other request unless WithCleanResponse is given). The
// default is Unauthorized(). A Status other than 0 or 200–599, or a negative
// Delay, is an error.
func WithResponse(r Response) Option {
	return func(c *config) error {
		if err := r.check("WithResponse"); err != nil {
			return err
		}
		c.resp = r
		return nil
	}
}

// WithCleanResponse sets Handler's response to requests without a honeytoken
// (default: the same as WithResponse). Middleware ignores it: clean requests go
// to the real handler. It is checked like WithResponse.
func WithCleanResponse(r Response) Option {
	return func(c *config) error {
		if err := r.check("WithCleanResponse"); err != nil {
			return err
		}
		c.cleanResp = &r
		return nil
	}
}

// WithPassThrough makes Middleware record a hit and then pass the request on to
// the real handler instead of answering with the decoy response.
func WithPassThrough() Option {
	return func(c *config) error { c.passThrough = true; return nil }
}

// WithBodyScan scans up to max leading bytes of each request body (a token
// further in is not seen). Handler scans DefaultBodyScan bytes by default;
// Middleware scans no body unless this is set, because a body scan costs a
// read and a copy on every request. Middleware hands the real handler the
// whole body, byte for byte. max <= 0 turns body scanning off.
func WithBodyScan(max int64) Option {
	return func(c *config) error { c.bodyMax = max; return nil }
}

// WithThoroughScan also runs the detector's Scan over every header value, the
// raw query string and the URL path, which finds tokens wrapped in base64 or
// percent-encoding anywhere in a header, or used as a path segment. It is on
// for Handler and off for Middleware, whose clean path stays allocation-free
// without it.
func WithThoroughScan(on bool) Option {
	return func(c *config) error { c.thorough = on; return nil }
}

// WithCredentialHeaders adds headers that carry API keys in your API (e.g.
// "X-Acme-Auth") to the ones always checked: Authorization,
// Proxy-Authorization, Cookie, Apikey, X-Apikey, Private-Token, X-Token,
// X-Auth, and every header whose name ends in -Key, -Token, -Secret, -Apikey,
// -Password, -Credential or -Credentials (X-Api-Key, X-Goog-Api-Key,
// X-Auth-Token, X-Amz-Security-Token, ...). Their values are masked in hits.
// A name that is not a valid header name is an error.
func WithCredentialHeaders(names ...string) Option {
	return func(c *config) error {
		if c.extraCred == nil {
			c.extraCred = map[string]bool{}
		}
		for _, n := range names {
			if err := checkHeaderName("WithCredentialHeaders", n); err != nil {
				return err
			}
			n = http.CanonicalHeaderKey(n)
			if credentialKind(n) == credNone {
				c.extraCred[n] = true
			}
		}
		return nil
	}
}

// WithRecordHeaders adds headers to those kept in Hit.Headers (default:
// Accept, Accept-Language, Content-Type, Content-Length, Origin, Referer,
// X-Forwarded-For, X-Real-Ip, Forwarded, Via, X-Request-Id, and every
// credential header present, masked). A name that is not a valid header name
// is an error.
func WithRecordHeaders(names ...string) Option {
	return func(c *config) error {
		for _, n := range names {
			if err := checkHeaderName("WithRecordHeaders", n); err != nil {
				return err
			}
			c.record = append(c.record, http.CanonicalHeaderKey(n))
		}
		return nil
	}
}

// WithClock sets the clock for Hit.Time (default time.Now); nil is an error.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalidOption("WithClock", "must not be nil; omit WithClock for time.Now")
		}
		c.now = now
		return nil
	}
}

// checkHeaderName rejects what cannot be a header name: empty, or with a
// space, colon or control character.
func checkHeaderName(option, name string) error {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == ':' || r >= 0x7f }) {
		return invalidOption(option, fmt.Sprintf("%q is not a header name (a token: no space, colon or control character)", name))
	}
	return nil
}

// WebhookOption configures [NewWebhook] and [NewSlack], which return its error.
type WebhookOption func(*webhookConfig) error

type webhookConfig struct {
	headers http.Header
	client  *http.Client
	log     *slog.Logger
}

// WithWebhookHeader adds a header to every delivery, e.g. an Authorization or
// a shared-secret header the receiver checks. Values are sent only to the
// webhook's host and never appear in an error or a log line. A name that is
// not a header name, or a value with a newline, is an error.
func WithWebhookHeader(name, value string) WebhookOption {
	return func(c *webhookConfig) error {
		if err := checkHeaderName("WithWebhookHeader", name); err != nil {
			return err
		}
		if strings.ContainsAny(value, "\r\n") {
			return invalidOption("WithWebhookHeader", "a header value must not contain a newline")
		}
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Add(name, value)
		return nil
	}
}

// WithWebhookClient sets the HTTP client (default: a pooled go-cleanhttp
// client with a 10s timeout). It is copied, never changed; nil is an error.
func WithWebhookClient(hc *http.Client) WebhookOption {
	return func(c *webhookConfig) error {
		if hc == nil {
			return invalidOption("WithWebhookClient", "must not be nil; omit WithWebhookClient for the default client")
		}
		c.client = hc
		return nil
	}
}

// WithWebhookLogger logs each HTTP attempt at Debug (URL secrets masked).
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(c *webhookConfig) error { c.log = l; return nil }
}
