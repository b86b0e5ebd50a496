package decoy

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"
)

// DefaultBodyScan is how many leading body bytes Handler scans by default.
const DefaultBodyScan = 64 << 10

// Option configures Handler and Middleware.
type Option func(*config)

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
		if o != nil {
			o(c)
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
func WithRecorder(rec Recorder) Option { return func(c *config) { c.rec = rec } }

// WithRegistry looks hits up in reg to add the token's placement, memo and
// labels. The lookup runs on the request path of a request that carries a
// honeytoken (never on a clean one) with the request's context.
func WithRegistry(reg Registry) Option { return func(c *config) { c.registry = reg } }

// WithLogger logs problems (a failed registry lookup, at Warn; body read
// errors, at Debug) and, when no Recorder is set, the hits themselves. Without
// it problems are not logged, and hits without a Recorder go to slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithTrustedProxies lists the proxies (e.g. your load balancer's subnet)
// whose X-Forwarded-For is believed. Without it X-Forwarded-For is never
// trusted: anyone can send one. Build prefixes with netip.ParsePrefix, or
// netip.PrefixFrom(addr, addr.BitLen()) for a single address.
func WithTrustedProxies(prefixes ...netip.Prefix) Option {
	return func(c *config) {
		for _, p := range prefixes {
			if p.IsValid() {
				c.trusted = append(c.trusted, p.Masked())
			}
		}
	}
}

// WithResponse sets the response to a request carrying a honeytoken (and, for
// Handler, to every other request unless WithCleanResponse is given). The
// default is Unauthorized().
func WithResponse(r Response) Option { return func(c *config) { c.resp = r } }

// WithCleanResponse sets Handler's response to requests without a honeytoken
// (default: the same as WithResponse). Middleware ignores it: clean requests go
// to the real handler.
func WithCleanResponse(r Response) Option { return func(c *config) { c.cleanResp = &r } }

// WithPassThrough makes Middleware record a hit and then pass the request on to
// the real handler instead of answering with the decoy response.
func WithPassThrough() Option { return func(c *config) { c.passThrough = true } }

// WithBodyScan scans up to max leading bytes of each request body (a token
// further in is not seen). Handler scans DefaultBodyScan bytes by default;
// Middleware scans no body unless this is set, because a body scan costs a
// read and a copy on every request. Middleware hands the real handler the
// whole body, byte for byte. max <= 0 turns body scanning off.
func WithBodyScan(max int64) Option { return func(c *config) { c.bodyMax = max } }

// WithThoroughScan also runs the detector's Scan over every header value, the
// raw query string and the URL path, which finds tokens wrapped in base64 or
// percent-encoding anywhere in a header, or used as a path segment. It is on for Handler and off for Middleware,
// whose clean path stays allocation-free without it.
func WithThoroughScan(on bool) Option { return func(c *config) { c.thorough = on } }

// WithCredentialHeaders adds headers that carry API keys in your API (e.g.
// "X-Acme-Auth") to the ones always checked: Authorization,
// Proxy-Authorization, Cookie, Apikey, X-Apikey, Private-Token, X-Token,
// X-Auth, and every header whose name ends in -Key, -Token, -Secret, -Apikey,
// -Password, -Credential or -Credentials (X-Api-Key, X-Goog-Api-Key,
// X-Auth-Token, X-Amz-Security-Token, ...). Their values are masked in hits.
func WithCredentialHeaders(names ...string) Option {
	return func(c *config) {
		if c.extraCred == nil {
			c.extraCred = map[string]bool{}
		}
		for _, n := range names {
			n = http.CanonicalHeaderKey(n)
			if credentialKind(n) == 0 {
				c.extraCred[n] = true
			}
		}
	}
}

// WithRecordHeaders adds headers to those kept in Hit.Headers (default:
// Accept, Accept-Language, Content-Type, Content-Length, Origin, Referer,
// X-Forwarded-For, X-Real-Ip, Forwarded, Via, X-Request-Id, and every
// credential header present, masked).
func WithRecordHeaders(names ...string) Option {
	return func(c *config) {
		for _, n := range names {
			c.record = append(c.record, http.CanonicalHeaderKey(n))
		}
	}
}

// WithClock sets the clock for Hit.Time (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}
