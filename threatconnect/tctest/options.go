package tctest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Option configures a Server. An invalid option makes NewServer panic:
// options are code, never network input.
type Option func(*config) error

// config is what the options collect; a Server embeds it.
type config struct {
	users     map[string]string // access ID -> secret key
	tokens    []string
	first     credential // the first credential configured, for Client
	owners    []ownerRec
	now       func() time.Time
	window    time.Duration
	polls     int
	pageCap   int
	maxBatch  int
	labels    map[string]bool
	attrTypes map[string]bool
}

// credential is an API user's HMAC key pair or an API token.
type credential struct {
	accessID, secretKey, token string
}

func (c credential) isSet() bool { return c.accessID != "" || c.token != "" }

func defaultConfig() config {
	c := config{users: map[string]string{}, now: time.Now, window: DefaultTimestampWindow, maxBatch: 2000000}
	for _, o := range []Option{
		WithOwners(DefaultOwner, "Common Community"),
		WithSecurityLabels("TLP:WHITE", "TLP:GREEN", "TLP:AMBER", "TLP:RED"),
		WithAttributeTypes("Description", "Source", "Additional Analysis and Context"),
	} {
		_ = o(&c)
	}
	return c
}

// WithHMAC adds an API user with an Access ID and Secret Key. Neither may
// be empty, and the Access ID may not contain ':' or spaces.
func WithHMAC(accessID, secretKey string) Option {
	return func(c *config) error {
		if accessID == "" || strings.ContainsAny(accessID, ": \t\r\n") {
			return errors.New("WithHMAC: the access ID must be non-empty, without ':' or spaces")
		}
		if secretKey == "" {
			return errors.New("WithHMAC: the secret key must not be empty")
		}
		c.users[accessID] = secretKey
		if !c.first.isSet() {
			c.first = credential{accessID: accessID, secretKey: secretKey}
		}
		return nil
	}
}

// WithAPIToken adds an accepted API token (Authorization: TC-Token ...).
func WithAPIToken(token string) Option {
	return func(c *config) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("WithAPIToken: the token must not be empty")
		}
		c.tokens = append(c.tokens, token)
		if !c.first.isSet() {
			c.first = credential{token: token}
		}
		return nil
	}
}

// WithOwners sets the owners: the first is the API user's organization (the
// default owner), the rest are communities. The default is DefaultOwner and
// "Common Community". At least one name, none empty or repeated.
func WithOwners(names ...string) Option {
	return func(c *config) error {
		if len(names) == 0 {
			return errors.New("WithOwners: at least one owner is needed (the API user's organization)")
		}
		seen := map[string]bool{}
		owners := make([]ownerRec, 0, len(names))
		for i, n := range names {
			if strings.TrimSpace(n) == "" || seen[n] {
				return fmt.Errorf("WithOwners: owner %d (%q) is empty or repeated", i, n)
			}
			seen[n] = true
			typ := "Community"
			if i == 0 {
				typ = "Organization"
			}
			owners = append(owners, ownerRec{ID: int64(i + 1), Name: n, Type: typ})
		}
		c.owners = owners
		return nil
	}
}

// WithClock sets the server clock used for the timestamp window (default
// time.Now). Server.Client signs with the same clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithTimestampWindow sets the accepted skew (default DefaultTimestampWindow).
func WithTimestampWindow(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("WithTimestampWindow: %v is negative", d)
		}
		c.window = d
		return nil
	}
}

// WithBatchPolls makes each batch job report "Running" for n status polls
// before "Completed" (default 0: complete at the first poll).
func WithBatchPolls(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("WithBatchPolls: %d is negative", n)
		}
		c.polls = n
		return nil
	}
}

// WithPageCap serves at most n results per page, whatever resultLimit asks
// for, as older instances capped pages at 500 without saying so. 0 means
// no cap.
func WithPageCap(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("WithPageCap: %d is negative", n)
		}
		c.pageCap = n
		return nil
	}
}

// WithBatchMaxBytes sets the largest batch upload accepted (default
// 2,000,000 bytes, the documented example limit).
func WithBatchMaxBytes(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("WithBatchMaxBytes: %d is not positive", n)
		}
		c.maxBatch = n
		return nil
	}
}

// WithSecurityLabels sets the security labels that exist (default TLP:WHITE,
// TLP:GREEN, TLP:AMBER, TLP:RED). Applying any other label fails, as on the
// platform.
func WithSecurityLabels(names ...string) Option {
	return func(c *config) error {
		c.labels = set(names)
		return nil
	}
}

// WithAttributeTypes sets the attribute types that exist (default
// Description, Source, Additional Analysis and Context).
func WithAttributeTypes(names ...string) Option {
	return func(c *config) error {
		c.attrTypes = set(names)
		return nil
	}
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
