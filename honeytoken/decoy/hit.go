package decoy

import (
	"context"
	"net/netip"
	"time"

	"github.com/decoykit/decoykit/honeytoken"
)

// Hit is one honeytoken found in one request.
//
// Every string in a Hit that comes from the request has been sanitised
// (control characters escaped, length capped); Token is masked except for a
// short prefix, and credential headers in Headers are masked.
type Hit struct {
	// ID identifies this hit (random, 16 hex digits).
	ID string `json:"id"`
	// Time is when the request was inspected.
	Time time.Time `json:"time"`

	// TokenID is the honeytoken's id (honeytoken.Token.ID).
	TokenID string `json:"token_id"`
	// Format is the honeytoken's format.
	Format honeytoken.Format `json:"format"`
	// Part is "value" or "secret" (the second half of a pair, e.g. an AWS
	// secret access key).
	Part string `json:"part"`
	// Strength is the keyed evidence in bits (see honeytoken.Match.Strength).
	Strength int `json:"strength"`
	// Retired is true when the token was issued under a retired generator key.
	Retired bool `json:"retired,omitempty"`
	// Token is the honeytoken as used, masked except for a short prefix.
	Token string `json:"token"`
	// Found says where in the request the token was.
	Found Place `json:"found"`

	// Placement, Memo and Labels come from the Registry (honeytoken.Meta),
	// when one is configured and knows the token.
	Placement string            `json:"placement,omitempty"`
	Memo      string            `json:"memo,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	// TokenStatus is the token's lifecycle status in the Registry ("active",
	// "rotated", "retired"): a retired token in use is still an alert.
	TokenStatus honeytoken.Status `json:"token_status,omitempty"`

	// RemoteIP is the client address: the connection's peer, or the
	// X-Forwarded-For hop before the first trusted proxy when the peer is a
	// trusted proxy (see WithTrustedProxies).
	RemoteIP netip.Addr `json:"remote_ip"`
	// PeerIP is the connection's peer when it differs from RemoteIP.
	PeerIP netip.Addr `json:"peer_ip,omitzero"`
	// UserAgent, Method, Host and Path describe the request.
	UserAgent string `json:"user_agent,omitempty"`
	Method    string `json:"method"`
	Host      string `json:"host,omitempty"`
	Path      string `json:"path"`
	// Headers holds selected request headers (see WithRecordHeaders), with
	// credential values masked.
	Headers map[string]string `json:"headers,omitempty"`

	// Geo is filled by the Dispatcher's GeoLocator, if any.
	Geo *Geo `json:"geo,omitempty"`
}

// PlaceKind says which part of a request held a honeytoken.
type PlaceKind string

// Where a honeytoken can hide in a request.
const (
	InAuthorization PlaceKind = "authorization" // Authorization or Proxy-Authorization header
	InHeader        PlaceKind = "header"        // another header, e.g. X-API-Key
	InCookie        PlaceKind = "cookie"        // a cookie value
	InQuery         PlaceKind = "query"         // a query-string parameter
	InBody          PlaceKind = "body"          // the (capped) request body
	InPath          PlaceKind = "path"          // the URL path (WithThoroughScan)
)

// Place says where in a request a honeytoken was found.
type Place struct {
	// Kind is the part of the request.
	Kind PlaceKind `json:"kind"`
	// Name is the header, cookie or query parameter name (sanitised); empty for
	// the body.
	Name string `json:"name,omitempty"`
	// Encoding is how the token was written: "" for plain text, "base64" (e.g.
	// HTTP Basic), "url", or a chain such as "url+base64".
	Encoding string `json:"encoding,omitempty"`
	// Offset is the byte offset in the body (InBody) or the escaped path
	// (InPath).
	Offset int `json:"offset,omitempty"`
}

// Geo is a geolocation of a client address, as a GeoLocator reports it.
type Geo struct {
	Country   string  `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Region    string  `json:"region,omitempty"`
	City      string  `json:"city,omitempty"`
	ASN       uint32  `json:"asn,omitempty"`
	Org       string  `json:"org,omitempty"`
	Latitude  float64 `json:"latitude,omitempty"`
	Longitude float64 `json:"longitude,omitempty"`
}

// GeoLocator looks up where an address is. decoy ships none and makes no
// network lookups itself; plug in a local database (e.g. MaxMind) here. The
// Dispatcher calls it once per alert, off the request path.
type GeoLocator interface {
	Locate(ctx context.Context, ip netip.Addr) (Geo, error)
}

// Recorder receives hits. Record is called on the request path: it must not
// block (the Dispatcher never does) and must not keep h's maps after it
// returns unless it owns them (each Hit's maps are freshly allocated).
type Recorder interface {
	Record(h Hit)
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(Hit)

// Record calls f(h).
func (f RecorderFunc) Record(h Hit) { f(h) }

// Registry looks up an issued honeytoken by id, to add its placement, memo,
// labels and lifecycle status to a hit. Every honeytoken.Store (the memory
// and file stores) satisfies it; a lookup that fails with an error (including
// honeytoken.ErrNotFound) leaves those fields empty.
type Registry interface {
	Get(ctx context.Context, id string) (honeytoken.Record, error)
}
