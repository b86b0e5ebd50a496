package canarytest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// DefaultAuthToken is the auth token a Server accepts unless WithAuthToken
// says otherwise.
const DefaultAuthToken = "canarytest-auth-token"

// Option configures a Server. An Option returns an error when its argument
// is invalid; NewServer then panics with that error, as httptest.NewServer
// and regexp.MustCompile do with a programmer's mistake.
type Option func(*config) error

type config struct {
	authToken   string
	latency     time.Duration
	faults      Faults
	seed        uint64
	now         func() time.Time
	errorsOn200 bool
	flocks      []string
}

// optionError names the option that was given a bad argument.
func optionError(option, format string, args ...any) error {
	return fmt.Errorf("canarytest: option %s: %s", option, fmt.Sprintf(format, args...))
}

// WithFlocks declares flocks that exist besides "flock:default", so a create
// with flock_id set to one of them succeeds; the Console refuses a flock it
// does not have ("Flock does not exist."), and so does the Server. Tokens
// added with AddToken or Seed create their flock. Each ID must be
// "flock:<name>".
func WithFlocks(ids ...string) Option {
	return func(c *config) error {
		for _, id := range ids {
			if !strings.HasPrefix(id, "flock:") || len(id) == len("flock:") || strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
				return optionError("WithFlocks", "%q is not a flock ID such as \"flock:servers\"", id)
			}
		}
		c.flocks = append(c.flocks, ids...)
		return nil
	}
}

// WithAuthToken sets the one auth token the Server accepts, in the
// X-Canary-Auth-Token header or the auth_token parameter. It must not be
// empty nor hold whitespace or control characters.
func WithAuthToken(token string) Option {
	return func(c *config) error {
		if token == "" || strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return optionError("WithAuthToken", "the token must be non-empty, without whitespace or control characters")
		}
		c.authToken = token
		return nil
	}
}

// WithLatency delays every response by d (in real time; a request whose
// context ends first is abandoned). d must not be negative.
func WithLatency(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return optionError("WithLatency", "%v is negative", d)
		}
		c.latency = d
		return nil
	}
}

// WithFaultRate makes that fraction of requests (0 to 1) fail before they
// are handled, spread evenly over HTTP 429, 502, 503, 504 and a TCP
// connection reset. Failed requests change no state, so a client that
// retries sees every item exactly once. Which requests fail is decided by a
// pseudo-random sequence seeded by WithSeed.
func WithFaultRate(rate float64) Option {
	return func(c *config) error {
		if err := checkRate("WithFaultRate", rate); err != nil {
			return err
		}
		c.faults.Rate = rate
		return nil
	}
}

// WithFaults sets fault injection in detail. Rate must be from 0 to 1,
// Kinds must be the Fault constants and RetryAfter must not be negative.
func WithFaults(f Faults) Option {
	return func(c *config) error {
		if err := checkRate("WithFaults", f.Rate); err != nil {
			return err
		}
		for _, k := range f.Kinds {
			if k < FaultRateLimited || k > FaultConnectionReset {
				return optionError("WithFaults", "Kinds holds %d, which is not a Fault", int(k))
			}
		}
		if f.RetryAfter < 0 {
			return optionError("WithFaults", "RetryAfter %v is negative", f.RetryAfter)
		}
		f.Kinds = slices.Clone(f.Kinds)
		f.Paths = slices.Clone(f.Paths)
		c.faults = f
		return nil
	}
}

func checkRate(option string, rate float64) error {
	if math.IsNaN(rate) || rate < 0 || rate > 1 {
		return optionError(option, "rate %v is not a fraction from 0 to 1", rate)
	}
	return nil
}

// WithSeed seeds the pseudo-random sequences behind token codes, seeded
// estates and fault injection (default 1), so a run can be repeated.
func WithSeed(seed uint64) Option {
	return func(c *config) error {
		c.seed = seed
		return nil
	}
}

// WithClock sets the Server's clock: creation times, incident times, the
// "updated" fields and relative filters such as older_than=1d use it.
// Latency still waits in real time. now must not be nil.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return optionError("WithClock", "the clock must not be nil; omit WithClock for time.Now")
		}
		c.now = now
		return nil
	}
}

// WithErrorsOnHTTP200 answers every error envelope with HTTP 200, as some
// Console endpoints do, instead of 400, 401, 404 or 405. Clients must then
// notice {"result":"error"} in the body.
func WithErrorsOnHTTP200() Option {
	return func(c *config) error {
		c.errorsOn200 = true
		return nil
	}
}

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
