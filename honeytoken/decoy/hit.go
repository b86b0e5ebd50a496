package decoy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/internal/textsafe"
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

	// Location is where the token was planted (honeytoken.Meta.Location),
	// from the Registry, when one is configured and knows the token.
	Location string `json:"location,omitempty"`
	// Memo is the token's memo (honeytoken.Meta.Memo), from the Registry.
	Memo string `json:"memo,omitempty"`
	// Labels are the token's labels (honeytoken.Meta.Labels), from the
	// Registry.
	Labels map[string]string `json:"labels,omitempty"`
	// TokenStatus is the token's lifecycle status in the Registry ("active",
	// "rotated", "retired"): a retired token in use is still an alert.
	TokenStatus honeytoken.Status `json:"token_status,omitempty"`

	// RemoteIP is the client address: the connection's peer, or the
	// X-Forwarded-For hop before the first trusted proxy when the peer is a
	// trusted proxy (see WithTrustedProxies).
	RemoteIP netip.Addr `json:"remote_ip"`
	// PeerIP is the connection's peer when it differs from RemoteIP.
	PeerIP netip.Addr `json:"peer_ip,omitzero"`
	// UserAgent is the request's User-Agent header.
	UserAgent string `json:"user_agent,omitempty"`
	// Method is the request's method.
	Method string `json:"method"`
	// Host is the request's Host header.
	Host string `json:"host,omitempty"`
	// Path is the request's URL path (unescaped).
	Path string `json:"path"`
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
	Country   string  `json:"country,omitempty"`   // ISO 3166-1 alpha-2 country code
	Region    string  `json:"region,omitempty"`    // region or state name
	City      string  `json:"city,omitempty"`      // city name
	ASN       uint32  `json:"asn,omitempty"`       // autonomous system number
	Org       string  `json:"org,omitempty"`       // organisation owning the address (the AS's name)
	Latitude  float64 `json:"latitude,omitempty"`  // in degrees
	Longitude float64 `json:"longitude,omitempty"` // in degrees
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

// Registry looks up an issued honeytoken by id, to add its location, memo,
// labels and lifecycle status to a hit. Every honeytoken.Store (the memory
// and file stores) satisfies it; a lookup that fails with an error (including
// honeytoken.ErrNotFound) leaves those fields empty.
type Registry interface {
	Get(ctx context.Context, id string) (honeytoken.Record, error)
}

// hits builds one Hit per finding.
func (c *config) hits(r *http.Request, fs []finding) []Hit {
	client, peer := clientIP(r, c.trusted)
	base := Hit{
		Time:      c.now(),
		RemoteIP:  client,
		UserAgent: Sanitize(maskFound(r.UserAgent(), fs), 0),
		Method:    Sanitize(r.Method, 32),
		Host:      Sanitize(maskFound(r.Host, fs), 256),
	}
	if peer != client {
		base.PeerIP = peer
	}
	if r.URL != nil {
		base.Path = Sanitize(maskFound(r.URL.Path, fs), 0)
	}
	out := make([]Hit, 0, len(fs))
	for _, f := range fs {
		hit := base
		hit.ID = newID()
		hit.TokenID = f.m.ID
		hit.Format = f.m.Format
		hit.Part = f.m.Part.String()
		hit.Strength = f.m.Strength
		hit.Retired = f.m.Retired
		hit.Token = Mask(f.value)
		hit.Found = f.place
		hit.Found.Name = Sanitize(maskFound(f.place.Name, fs), 128)
		hit.Headers = c.recordHeaders(r, fs)
		if c.registry != nil {
			rec, err := c.registry.Get(r.Context(), f.m.ID)
			if err != nil {
				c.log.LogAttrs(r.Context(), slog.LevelWarn, "decoy: registry lookup failed",
					slog.String("token_id", f.m.ID), slog.String("error", Sanitize(err.Error(), 0)))
			} else {
				tok := rec.Token
				hit.TokenStatus = rec.Status
				hit.Location = tok.Meta.Location
				hit.Memo = tok.Meta.Memo
				if len(tok.Meta.Labels) > 0 {
					hit.Labels = make(map[string]string, len(tok.Meta.Labels))
					for k, v := range tok.Meta.Labels {
						hit.Labels[k] = v
					}
				}
			}
		}
		out = append(out, hit)
	}
	return out
}

// recordHeaders returns the selected headers, sanitised, with credential
// headers masked: a scheme word is kept, a honeytoken found there is masked
// to its prefix, anything else is [REDACTED].
func (c *config) recordHeaders(r *http.Request, fs []finding) map[string]string {
	out := map[string]string{}
	for _, name := range c.record {
		if vals := r.Header[name]; len(vals) > 0 && c.credKind(name) == credNone {
			out[name] = Sanitize(maskFound(strings.Join(vals, ", "), fs), 0)
			for _, f := range fs {
				if f.header == name && f.place.Encoding != "" {
					out[name] = redacted // the token is in there, encoded
				}
			}
		}
	}
	for name, vals := range r.Header {
		switch c.credKind(name) {
		case credAuth, credKey:
			masked := make([]string, len(vals))
			for i, v := range vals {
				masked[i] = maskCredential(v, name, fs)
			}
			out[name] = Sanitize(strings.Join(masked, ", "), 0)
		case credCookie:
			out[name] = Sanitize(maskCookies(strings.Join(vals, "; "), fs), 0)
		}
	}
	return out
}

// maskFound masks every honeytoken found in the request wherever else it
// appears in s (a path segment, a Referer URL), plain or URL-escaped.
func maskFound(s string, fs []finding) string {
	for _, f := range fs {
		if len(f.value) < minCandidate {
			continue
		}
		for _, form := range [...]string{f.value, url.QueryEscape(f.value), url.PathEscape(f.value)} {
			if strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, Mask(f.value))
			}
		}
	}
	return s
}

// maskCredential keeps a leading scheme word ("Bearer", "Basic", "token",
// "AWS4-HMAC-SHA256") and replaces the credential.
func maskCredential(v, header string, fs []finding) string {
	scheme := ""
	if i := strings.IndexByte(v, ' '); i > 0 && i <= 24 && isWord(v[:i]) {
		scheme = v[:i] + " "
	}
	for _, f := range fs {
		if f.header == header {
			return scheme + Mask(f.value)
		}
	}
	return scheme + redacted
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// maskCookies keeps cookie names and masks every value.
func maskCookies(v string, fs []finding) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		val := redacted
		for _, f := range fs {
			if f.place.Kind == InCookie && f.place.Name == name {
				val = Mask(f.value)
				break
			}
		}
		parts[i] = name + "=" + val
	}
	return strings.Join(parts, "; ")
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// hitAttrs describes a hit for slog.
func hitAttrs(h Hit) []slog.Attr {
	a := []slog.Attr{
		slog.String("hit_id", h.ID),
		slog.String("token_id", h.TokenID),
		slog.String("format", string(h.Format)),
		slog.String("token", h.Token),
		slog.String("found", string(h.Found.Kind)),
	}
	if h.Found.Name != "" {
		a = append(a, slog.String("found_name", h.Found.Name))
	}
	if h.Found.Encoding != "" {
		a = append(a, slog.String("encoding", h.Found.Encoding))
	}
	a = append(a, slog.String("remote_ip", h.RemoteIP.String()), slog.String("method", h.Method),
		slog.String("path", h.Path), slog.String("user_agent", h.UserAgent))
	if h.Location != "" {
		a = append(a, slog.String("location", Sanitize(h.Location, 0)))
	}
	if h.Memo != "" {
		a = append(a, slog.String("memo", Sanitize(h.Memo, 0)))
	}
	return a
}

// maxField is the longest request-derived string a Hit keeps (after escaping).
const maxField = textsafe.DefaultMax

// Sanitize returns s made safe for a log line or a chat message: control
// characters (including CR, LF, TAB, ESC and DEL), Unicode line and paragraph
// separators, bidirectional controls, zero-width characters and invalid UTF-8
// are written as \xNN or \uNNNN escapes, a backslash is doubled, and the
// result is cut to max bytes (at a rune boundary) with "…" appended when it
// was longer. max <= 0 means 512. Every string a Hit takes from a request has
// been through it; use it for anything else of the request a custom Recorder
// or Notifier prints.
func Sanitize(s string, max int) string { return textsafe.Escape(s, max) }

// Mask hides a secret except for a short prefix: at most 8 bytes and never
// more than a quarter of it (so the issuer prefix of a key such as "ghp_" and
// a few characters stay readable), followed by "…". The prefix is sanitised.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	keep := min(8, len(secret)/4)
	for keep > 0 && !utf8.RuneStart(secret[keep]) {
		keep--
	}
	return Sanitize(secret[:keep], 0) + "…"
}

// redacted replaces a credential that is not a honeytoken.
const redacted = "[REDACTED]"
