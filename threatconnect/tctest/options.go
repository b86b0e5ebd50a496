package tctest

import "time"

// Option configures a Server.
type Option func(*Server)

// WithHMAC adds an API user with an Access ID and Secret Key.
func WithHMAC(accessID, secretKey string) Option {
	return func(s *Server) { s.users[accessID] = secretKey }
}

// WithAPIToken adds an accepted API token (Authorization: TC-Token ...).
func WithAPIToken(token string) Option {
	return func(s *Server) { s.tokens = append(s.tokens, token) }
}

// WithOwners sets the owners: the first is the API user's organization (the
// default owner), the rest are communities. The default is DefaultOwner and
// "Common Community".
func WithOwners(names ...string) Option {
	return func(s *Server) {
		s.owners = nil
		for i, n := range names {
			typ := "Community"
			if i == 0 {
				typ = "Organization"
			}
			s.owners = append(s.owners, ownerRec{ID: int64(i + 1), Name: n, Type: typ})
		}
	}
}

// WithClock sets the server clock used for the timestamp window (default
// time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTimestampWindow sets the accepted skew (default DefaultWindow).
func WithTimestampWindow(d time.Duration) Option { return func(s *Server) { s.window = d } }

// WithBatchPolls makes each batch job report "Running" for n status polls
// before "Completed" (default 0: complete at the first poll).
func WithBatchPolls(n int) Option { return func(s *Server) { s.polls = n } }

// WithPageCap serves at most n results per page, whatever resultLimit asks
// for, as older instances capped pages at 500 without saying so.
func WithPageCap(n int) Option { return func(s *Server) { s.pageCap = n } }

// WithBatchMaxBytes sets the largest batch upload accepted (default
// 2,000,000 bytes, the documented example limit).
func WithBatchMaxBytes(n int) Option { return func(s *Server) { s.maxBatch = n } }

// WithSecurityLabels sets the security labels that exist (default TLP:WHITE,
// TLP:GREEN, TLP:AMBER, TLP:RED). Applying any other label fails, as on the
// platform.
func WithSecurityLabels(names ...string) Option {
	return func(s *Server) {
		s.labels = map[string]bool{}
		for _, n := range names {
			s.labels[n] = true
		}
	}
}

// WithAttributeTypes sets the attribute types that exist (default
// Description, Source, Additional Analysis and Context).
func WithAttributeTypes(names ...string) Option {
	return func(s *Server) {
		s.attrTypes = map[string]bool{}
		for _, n := range names {
			s.attrTypes[n] = true
		}
	}
}
