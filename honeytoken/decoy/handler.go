package decoy

import (
	"log/slog"
	"net/http"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/honeytoken/internal/hook"
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

// Detector recognises honeytokens. *honeytoken.Generator implements it; tests
// and users can plug in their own (e.g. one that combines several generators).
//
// Recognize must not retain s after it returns: decoy may pass a string that
// aliases a reused buffer (a decoded Basic credential or query value).
// Scan's matches may alias text; decoy copies what it keeps.
type Detector interface {
	// Recognize reports whether s is exactly a honeytoken.
	Recognize(s string) (honeytoken.Match, bool)
	// Scan returns every honeytoken inside text, including encoded forms.
	Scan(text string) []honeytoken.Match
}

type handler struct {
	det Detector
	min int // the shortest candidate worth a Recognize call
	// has is the allocation-free pre-check of a *honeytoken.Generator (nil for
	// another Detector): see inspection.has.
	has func(s string, auth bool) bool
	// filter is the inline pre-check before has (nil for another Detector):
	// see inspection.filter.
	filter *hook.Filter
	next   http.Handler // nil for Handler
	cfg    *config
}

func newHandler(det Detector, next http.Handler, cfg *config) *handler {
	h := &handler{det: det, next: next, cfg: cfg, min: minCandidate}
	if _, ok := det.(*honeytoken.Generator); ok {
		h.min = honeytoken.MinTokenLen
		h.has = hook.Has(det)
		h.filter = hook.NewFilter(det)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := h.cfg
	if h.det == nil {
		h.clean(w, r)
		return
	}
	in := inspection{det: h.det, min: h.min, has: h.has, filter: h.filter}
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
