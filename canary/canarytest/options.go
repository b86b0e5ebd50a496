package canarytest

import (
	"time"
)

// DefaultAuthToken is the auth token a Server accepts unless WithAuthToken
// says otherwise.
const DefaultAuthToken = "canarytest-auth-token"

// Option configures a Server.
type Option func(*config)

type config struct {
	authToken   string
	latency     time.Duration
	faults      Faults
	seed        uint64
	now         func() time.Time
	errorsOn200 bool
}

// WithAuthToken sets the one auth token the Server accepts, in the
// X-Canary-Auth-Token header or the auth_token parameter.
func WithAuthToken(token string) Option { return func(c *config) { c.authToken = token } }

// WithLatency delays every response by d (in real time; a request whose
// context ends first is abandoned).
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = max(d, 0) } }

// WithFaultRate makes that fraction of requests (0 to 1) fail before they
// are handled, spread evenly over HTTP 429, 502, 503, 504 and a TCP
// connection reset. Failed requests change no state, so a client that
// retries sees every item exactly once. Which requests fail is decided by a
// pseudo-random sequence seeded by WithSeed.
func WithFaultRate(rate float64) Option {
	return func(c *config) { c.faults.Rate = rate }
}

// WithFaults sets fault injection in detail.
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithSeed seeds the pseudo-random sequences behind token codes, seeded
// estates and fault injection (default 1), so a run can be repeated.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithClock sets the Server's clock: creation times, incident times, the
// "updated" fields and relative filters such as older_than=1d use it.
// Latency still waits in real time.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithErrorsOnHTTP200 answers every error envelope with HTTP 200, as some
// Console endpoints do, instead of 400, 401, 404 or 405. Clients must then
// notice {"result":"error"} in the body.
func WithErrorsOnHTTP200() Option { return func(c *config) { c.errorsOn200 = true } }

// Fault is a kind of injected failure.
type Fault int

// The injected failures.
const (
	FaultRateLimited     Fault = iota + 1 // HTTP 429 with the error envelope
	FaultBadGateway                       // HTTP 502 with an HTML body, as a proxy sends
	FaultUnavailable                      // HTTP 503 with the error envelope
	FaultGatewayTimeout                   // HTTP 504 with an HTML body
	FaultConnectionReset                  // the TCP connection is reset without a response
)

// String returns the fault's HTTP status ("429") or "reset".
func (f Fault) String() string {
	switch f {
	case FaultRateLimited:
		return "429"
	case FaultBadGateway:
		return "502"
	case FaultUnavailable:
		return "503"
	case FaultGatewayTimeout:
		return "504"
	case FaultConnectionReset:
		return "reset"
	}
	return "unknown"
}

// Faults configures fault injection.
type Faults struct {
	// Rate is the fraction of requests that fail, from 0 to 1.
	Rate float64
	// Kinds are the failures to pick from, evenly; nil means all five.
	Kinds []Fault
	// RetryAfter, if positive, is sent as Retry-After (in whole seconds,
	// rounded up) on 429 and 503.
	RetryAfter time.Duration
	// Paths limits injection to these API paths, such as
	// "/canarytokens/paginate"; nil means every path.
	Paths []string
}
