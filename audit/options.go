package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
)

// Defaults used when an Options field is left at its zero value.
const (
	// DefaultRotationPeriod is the age after which a token is reported as
	// stale and due for rotation: 180 days.
	DefaultRotationPeriod = 180 * 24 * time.Hour
	// DefaultTopN is how many rows the ranked lists of a report hold (top
	// source IPs, incidents by token, stale tokens, ...).
	DefaultTopN = 10
	// DefaultMaxSourceIPs bounds the number of source IPs an audit counts
	// exactly. Past it, the least-seen address is replaced (the Space-Saving
	// algorithm), so memory stays fixed however many incidents stream by and
	// the busiest addresses are still found; the report then says the
	// per-IP counts are estimates.
	DefaultMaxSourceIPs = 10000
	// maxDeletedTokens bounds the number of deleted tokens (node IDs no
	// current token owns) whose incidents are counted one by one, by the same
	// algorithm as the source IPs.
	maxDeletedTokens = 1000
	// maxTokensPerSource bounds the distinct tokens remembered per source
	// IP; a source that hit more is reported as having hit at least this
	// many.
	maxTokensPerSource = 64
	// maxKinds bounds the distinct token kinds counted by name; further
	// kinds (only possible with made-up kinds in incident events) are
	// counted under OtherKind.
	maxKinds = 256
)

// OtherKind is the kind an incident is counted under when the report has
// already counted maxKinds (256) distinct kinds, and UnknownKind the kind
// of an incident on a deleted token whose events do not say its kind.
const (
	OtherKind   canary.Kind = "(other)"
	UnknownKind canary.Kind = "(unknown)"
)

// Options configures Coverage and Full. A nil *Options, like the zero value,
// uses every default.
type Options struct {
	// RecommendedKinds is the set the coverage score is measured against;
	// nil means canary.RecommendedKinds() (http, dns, doc-msword,
	// pdf-acrobat-reader, aws-id, web-image, cloned-web, qr-code,
	// sensitive-cmd, windows-dir). Duplicates are ignored; an empty,
	// non-nil slice is an error.
	RecommendedKinds []canary.Kind
	// RotationPeriod is the age past which a token is stale (default
	// DefaultRotationPeriod, 180 days).
	RotationPeriod time.Duration
	// Now returns the report's time, which is also the reference for token
	// ages; nil means time.Now. Inject a fixed clock for reproducible
	// reports.
	Now func() time.Time
	// TopN is how many rows each ranked list of the report holds (default
	// DefaultTopN); counts always cover everything.
	TopN int
	// MaxSourceIPs bounds the memory spent on per-source-IP counters
	// (default DefaultMaxSourceIPs); see that constant.
	MaxSourceIPs int
}

// settings are validated Options with the defaults filled in.
type settings struct {
	recommended []canary.Kind
	rotation    time.Duration
	now         time.Time
	topN        int
	maxIPs      int
}

func invalid(field, format string, args ...any) error {
	return &canary.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func (o Options) settings() (settings, error) {
	s := settings{rotation: o.RotationPeriod, topN: o.TopN, maxIPs: o.MaxSourceIPs}
	switch {
	case o.RecommendedKinds == nil:
		s.recommended = canary.RecommendedKinds()
	case len(o.RecommendedKinds) == 0:
		return s, invalid("Options.RecommendedKinds", "is empty; leave it nil for the default set (canary.RecommendedKinds)")
	default:
		for i, k := range o.RecommendedKinds {
			if strings.TrimSpace(string(k)) == "" {
				return s, invalid("Options.RecommendedKinds", "item %d is empty; name a kind such as %q", i, canary.KindHTTP)
			}
			if !slices.Contains(s.recommended, k) {
				s.recommended = append(s.recommended, k)
			}
		}
	}
	if s.rotation < 0 {
		return s, invalid("Options.RotationPeriod", "must not be negative (0 means %d days)", int(DefaultRotationPeriod/(24*time.Hour)))
	}
	if s.rotation == 0 {
		s.rotation = DefaultRotationPeriod
	}
	if s.topN < 0 {
		return s, invalid("Options.TopN", "must not be negative (0 means %d)", DefaultTopN)
	}
	if s.topN == 0 {
		s.topN = DefaultTopN
	}
	if s.maxIPs < 0 {
		return s, invalid("Options.MaxSourceIPs", "must not be negative (0 means %d)", DefaultMaxSourceIPs)
	}
	if s.maxIPs == 0 {
		s.maxIPs = DefaultMaxSourceIPs
	}
	if o.Now != nil {
		s.now = o.Now()
		if s.now.IsZero() {
			return s, invalid("Options.Now", "returned the zero time; return the report's time, such as time.Now()")
		}
	} else {
		s.now = time.Now()
	}
	s.now = s.now.UTC().Truncate(time.Second)
	return s, nil
}
