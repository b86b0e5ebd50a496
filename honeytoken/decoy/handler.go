package decoy

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/decoykit/decoykit/honeytoken"
)

// Handler returns a decoy API endpoint. Every request is checked for
// honeytokens of det (usually a *honeytoken.Generator) in the Authorization
// header (Bearer, Basic, token), X-API-Key-style headers, cookies, the query
// string and the first DefaultBodyScan bytes of the body (WithBodyScan), also
// in base64 and percent-encoded forms (WithThoroughScan, on by default here).
// Each token found is recorded as a Hit; every request, with or without a
// token, gets the configured Response (default Unauthorized()).
//
// A nil det detects nothing. Handler panics with the option's
// [*ValidationError] (e.g. "decoy: option WithClock: must not be nil") when an
// option is invalid, as http.ServeMux.Handle does for a bad pattern: options
// are fixed in code, so this is a programmer error caught at start-up.
func Handler(det Detector, opts ...Option) http.Handler {
	return newHandler(det, nil, newConfig(true, opts))
}

// Middleware wraps next, the real API. A request without a honeytoken goes to
// next untouched (its body too, byte for byte) at the cost of a few
// allocation-free Recognize calls on the credential headers, cookies and query
// string; the body is scanned only with WithBodyScan and every header only
// with WithThoroughScan. A request with a honeytoken is recorded and answered
// with the decoy Response (default Unauthorized()), or passed to next after
// recording with WithPassThrough.
//
// A nil det detects nothing. Like Handler, Middleware panics with the
// option's [*ValidationError] when an option is invalid.
func Middleware(det Detector, next http.Handler, opts ...Option) http.Handler {
	return newHandler(det, next, newConfig(false, opts))
}

type handler struct {
	det   Detector
	isGen bool         // det is a *honeytoken.Generator
	next  http.Handler // nil for Handler
	cfg   *config
}

func newHandler(det Detector, next http.Handler, cfg *config) *handler {
	_, isGen := det.(*honeytoken.Generator)
	return &handler{det: det, isGen: isGen, next: next, cfg: cfg}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := h.cfg
	if h.det == nil {
		h.clean(w, r)
		return
	}
	in := inspection{det: h.det, jwtFilter: h.isGen}
	c.fast(&in, r)
	if c.thorough {
		c.thoroughScan(&in, r)
	}
	if c.bodyMax > 0 {
		b, err := c.readBody(r, h.next != nil)
		if err != nil {
			c.log.LogAttrs(r.Context(), slog.LevelDebug, "decoy: reading the request body", slog.String("error", Sanitize(err.Error(), 0)))
		}
		in.body(b)
	}
	if len(in.fs) == 0 {
		h.clean(w, r)
		return
	}
	h.record(r, in.fs)
	if h.next != nil && c.passThrough {
		h.next.ServeHTTP(w, r)
		return
	}
	c.resp.write(w, r)
}

func (h *handler) clean(w http.ResponseWriter, r *http.Request) {
	switch {
	case h.next != nil:
		h.next.ServeHTTP(w, r)
	case h.cfg.cleanResp != nil:
		h.cfg.cleanResp.write(w, r)
	default:
		h.cfg.resp.write(w, r)
	}
}

// record turns findings into hits and hands them to the recorder.
func (h *handler) record(r *http.Request, fs []finding) {
	c := h.cfg
	for _, hit := range c.hits(r, fs) {
		if c.rec != nil {
			c.rec.Record(hit)
			continue
		}
		c.hitLog.LogAttrs(r.Context(), slog.LevelWarn, "honeytoken used", hitAttrs(hit)...)
	}
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
				hit.Placement = tok.Meta.Location
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
	if h.Placement != "" {
		a = append(a, slog.String("placement", Sanitize(h.Placement, 0)))
	}
	if h.Memo != "" {
		a = append(a, slog.String("memo", Sanitize(h.Memo, 0)))
	}
	return a
}
