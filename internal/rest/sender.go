// Package rest is the one HTTP sender shared by decoykit's API clients. It
// builds requests (query, form or streaming multipart bodies), pins auth to the
// configured host, refuses cross-host redirects, retries what is safe to retry
// with jittered backoff and Retry-After, caps response bodies, logs through
// slog, and keeps secrets out of every error and log line.
package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/decoykit/decoykit/internal/multipartx"
	"github.com/decoykit/decoykit/internal/redact"
)

// Default body caps.
const (
	DefaultMaxBodyBytes      = 256 << 20 // a success body (a page of incidents can be large)
	DefaultMaxErrorBodyBytes = 1 << 20   // an error body
)

// maskSlack is how far past an error body's cap the sender reads, so that
// a secret crossing the cap is still masked (secrets are far shorter).
const maskSlack = 1024

// ErrCrossHostRedirect is returned when the server redirects to another host
// or from https to http: following it could hand credentials to a stranger.
var ErrCrossHostRedirect = errors.New("refused a redirect to another host or scheme (credentials are only sent to the configured host)")

// ErrBodyTooLarge is returned when a response body exceeds the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// Config configures a Sender.
type Config struct {
	Name              string   // error prefix and log attribute, e.g. "canary"
	BaseURL           *url.URL // scheme, host and base path; request paths are appended
	HTTPClient        *http.Client
	UserAgent         string
	Retry             Policy
	Logger            *slog.Logger // nil: silent
	Secrets           redact.Secrets
	MaxBodyBytes      int64
	MaxErrorBodyBytes int64
	// Authorize adds credentials to a request. It is called on every attempt,
	// after the URL and body are final, and only for the configured host.
	Authorize func(*http.Request) error
	// Now is the clock for Retry-After dates (default time.Now).
	Now func() time.Time
}

// Sender sends requests. It is safe for concurrent use.
type Sender struct {
	cfg    Config
	client *http.Client
	log    *slog.Logger
}

// New returns a Sender. The caller's http.Client is copied, never changed;
// the copy refuses redirects that leave the configured host.
func New(cfg Config) (*Sender, error) {
	if cfg.BaseURL == nil || cfg.BaseURL.Host == "" {
		return nil, errors.New("rest: a base URL with a host is required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxErrorBodyBytes <= 0 {
		cfg.MaxErrorBodyBytes = DefaultMaxErrorBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Retry = cfg.Retry.WithDefaults()
	hc := *cfg.HTTPClient
	host, scheme := cfg.BaseURL.Host, cfg.BaseURL.Scheme
	inner := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Host, host) || req.URL.Scheme != scheme {
			return ErrCrossHostRedirect
		}
		if inner != nil {
			return inner(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{cfg: cfg, client: &hc, log: log}, nil
}

// MaxBodyBytes is the cap on a success body: a caller that reads a body
// itself (Read, Stream) applies it as Do does.
func (s *Sender) MaxBodyBytes() int64 { return s.cfg.MaxBodyBytes }

// Request is one API call.
type Request struct {
	Method string
	Path   string // appended to the base URL's path, e.g. "/canarytoken/create"
	// RawPath, if set, is Path as it must go on the wire, for segments that
	// hold escaped reserved bytes (an indicator "a/b" as "a%2Fb"). It must
	// unescape to Path.
	RawPath string
	Query   url.Values // sent in the URL (never put a secret here)
	// RawQuery, if set, is sent instead of Query.Encode(), byte for byte:
	// for a query that must go on the wire (and be signed) exactly as a
	// server or a caller spelled it, such as a "next" link's. It must be a
	// valid URL query (no spaces, no '#', no control bytes).
	RawQuery string
	Form     url.Values // sent as an application/x-www-form-urlencoded body
	// Multipart, when set, is the body instead of Form.
	Multipart *multipartx.Body
	// Body, when set, is sent as is with ContentType (it must be replayable
	// for retries: it is re-read from the start through bytes.Reader).
	Body        []byte
	ContentType string
	Header      http.Header
	// Idempotent marks a POST or PATCH as safe to repeat (e.g. enable,
	// acknowledge), so it is retried like a GET.
	Idempotent bool
	// Secrets are secrets this request carries besides Config.Secrets
	// (such as a key being revoked, in its form); they are masked the same
	// way in its errors and log lines.
	Secrets redact.Secrets
}

// Response is a successful response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// StatusError is a non-2xx response.
type StatusError struct {
	Method, Path string
	StatusCode   int
	Header       http.Header
	Body         []byte        // at most MaxErrorBodyBytes, secrets masked
	RetryAfter   time.Duration // from a Retry-After header, if any
	Attempts     int
}

// Error names the method, path and status; the body stays in Body.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
}

// TransportError is a request that got no HTTP response, or whose response
// body could not be read to the end.
type TransportError struct {
	Method, Path string
	Attempts     int
	// Err is the cause, already cleaned: its message has every secret
	// masked, and it keeps no reference to the error net/http returned (whose
	// fields can hold a URL or a request). errors.Is still matches the usual
	// causes: context.Canceled, context.DeadlineExceeded,
	// os.ErrDeadlineExceeded, io.ErrUnexpectedEOF, net.ErrClosed,
	// syscall.ECONNRESET, ECONNREFUSED, ECONNABORTED, EPIPE and
	// ErrCrossHostRedirect; a timeout has a Timeout() true method, like a
	// net.Error. A body that failed mid-way is a *BodyReadError around it.
	Err error
}

// Error names the method and path and the cause.
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cleaned cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Timeout reports whether the cause was a timeout.
func (e *TransportError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// causeKinds are the errors a cleaned cause still matches with errors.Is.
var causeKinds = []error{
	context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, io.ErrUnexpectedEOF,
	net.ErrClosed, syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE,
	ErrCrossHostRedirect,
}

// cause is a transport error reduced to its message, secrets masked, and
// the sentinels it matched. It holds nothing else, so no printing of it or of
// anything it unwraps to (%#v, a logger walking Unwrap) can reach a secret.
type cause struct {
	msg     string
	timeout bool
	kinds   []error
}

func (c *cause) Error() string   { return c.msg }
func (c *cause) Timeout() bool   { return c.timeout }
func (c *cause) Unwrap() []error { return c.kinds }

// cleanCause returns err as a *cause with the secrets masked in its message.
func cleanCause(ss redact.Secrets, prefix string, err error) *cause {
	c := &cause{msg: ss.String(prefix + err.Error())}
	for _, k := range causeKinds {
		if errors.Is(err, k) {
			c.kinds = append(c.kinds, k)
		}
	}
	var t interface{ Timeout() bool }
	c.timeout = errors.As(err, &t) && t.Timeout()
	return c
}

// IsRetryableBodyError reports whether err, from reading a response body
// returned by Stream or handed to Read's consumer, is a failure another
// attempt may cure (a reset, a body cut short), as opposed to a cancelled
// context, an over-size body or a decoding error. Read retries these by
// itself; a caller with its own loop over Stream can use this to do the
// same.
func IsRetryableBodyError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrBodyTooLarge) {
		return false
	}
	var br *BodyReadError
	return errors.As(err, &br)
}

// BodyReadError is a failure to read a 2xx response's body to its end: the
// connection was reset, or the body ended before its Content-Length or its
// last chunk. A *TransportError returned for it has one as its Err, holding
// the cleaned cause.
type BodyReadError struct{ Err error }

// Error describes the failed read.
func (e *BodyReadError) Error() string { return "reading the response: " + e.Err.Error() }

// Unwrap returns the read error.
func (e *BodyReadError) Unwrap() error { return e.Err }

// markedBody tags every read error but io.EOF as a *BodyReadError, so a
// failure to read can be told from a failure to decode what was read.
type markedBody struct{ rc io.ReadCloser }

func (b *markedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = &BodyReadError{Err: err}
	}
	return n, err
}

func (b *markedBody) Close() error { return b.rc.Close() }

// URL returns the full URL of a request path and query, with secrets masked.
func (s *Sender) URL(path string, q url.Values) string {
	u := s.resolve(path, "", q)
	return s.cfg.Secrets.String(redact.URL(u))
}

func (s *Sender) resolve(path, rawPath string, q url.Values) *url.URL {
	u := *s.cfg.BaseURL
	base := u.EscapedPath()
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(path, "/")
	u.RawPath = ""
	if rawPath != "" {
		u.RawPath = strings.TrimRight(base, "/") + "/" + strings.TrimLeft(rawPath, "/")
	}
	u.RawQuery = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return &u
}

// Do sends r and reads the whole response body (up to the cap). A non-2xx
// response is a *StatusError; a failure to get a response or to read its
// body is a *TransportError; a body over the cap matches ErrBodyTooLarge; a
// cancelled ctx is ctx.Err(). A body that fails mid-way is retried like a
// transport error, within the same attempts.
func (s *Sender) Do(ctx context.Context, r Request) (*Response, error) {
	var out *Response
	err := s.Read(ctx, r, func(resp *http.Response) error {
		body, err := readCapped(resp.Body, s.cfg.MaxBodyBytes)
		if err != nil {
			return err
		}
		out = &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Read sends r like Stream and hands the 2xx response to consume, then
// closes its body. When consume fails because the body could not be read (a
// reset, a body cut short; see IsRetryableBodyError) and r may be retried, r
// is sent again within the same MaxAttempts and backoff as a transport
// error, and consume is called again with the new response: it must start
// over, dropping whatever it kept from the failed attempt. A body read
// failure that is not retried is a *TransportError with a *BodyReadError as its Err; a
// body over a cap (ErrBodyTooLarge) is returned as "METHOD PATH: ..." wrapping
// it; any other error of consume is returned as it is.
func (s *Sender) Read(ctx context.Context, r Request, consume func(*http.Response) error) error {
	_, err := s.send(ctx, r, consume)
	return err
}

// Stream sends r and returns a 2xx response with its body open: the caller
// must close it. Errors are as for Do. A failure reading the body is not
// retried here (the caller holds it); errors from its Read satisfy
// IsRetryableBodyError when another attempt may cure them. Use Read to have
// them retried.
func (s *Sender) Stream(ctx context.Context, r Request) (*http.Response, error) {
	return s.send(ctx, r, nil)
}

func (s *Sender) send(ctx context.Context, r Request, consume func(*http.Response) error) (*http.Response, error) {
	sec := s.secretsOf(r)
	p := s.cfg.Retry
	canRetry := idempotent(r.Method) || r.Idempotent || p.RetryNonIdempotent
	if r.Multipart != nil && !r.Multipart.Rewindable() {
		canRetry = false
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req, err := s.build(ctx, r, attempt)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := s.client.Do(req)
		elapsed := time.Since(start)
		var wait time.Duration
		var retryErr error
		status := 0
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			terr := &TransportError{Method: r.Method, Path: sec.String(r.Path), Attempts: attempt, Err: cleanCause(sec, "", unwrapURLError(err))}
			s.log.LogAttrs(ctx, slog.LevelDebug, "http request failed", s.attrs(r, req, attempt, 0, elapsed, terr)...)
			if !canRetry || attempt >= p.MaxAttempts || !retryableError(err) {
				return nil, terr
			}
			retryErr, wait = terr, p.backoff(attempt)
		case resp.StatusCode < 200 || resp.StatusCode > 299:
			status = resp.StatusCode
			// Read a little past the cap and mask before cutting, so a
			// secret that straddles the cut is masked too.
			body, _ := readCapped(resp.Body, s.cfg.MaxErrorBodyBytes+maskSlack)
			_ = resp.Body.Close()
			body = sec.Bytes(body)
			if int64(len(body)) > s.cfg.MaxErrorBodyBytes {
				body = body[:s.cfg.MaxErrorBodyBytes]
			}
			serr := &StatusError{Method: r.Method, Path: sec.String(r.Path), StatusCode: resp.StatusCode, Header: s.maskHeader(resp.Header),
				Body: body, Attempts: attempt}
			ra, hasRA := parseRetryAfter(resp.Header.Get("Retry-After"), s.cfg.Now())
			if hasRA {
				serr.RetryAfter = ra
			}
			s.log.LogAttrs(ctx, slog.LevelDebug, "http request", s.attrs(r, req, attempt, status, elapsed, nil)...)
			if !canRetry || attempt >= p.MaxAttempts || !retryableStatus(resp.StatusCode) {
				return nil, serr
			}
			wait = p.backoff(attempt)
			if hasRA {
				if ra > p.MaxRetryAfter {
					return nil, serr
				}
				wait = max(ra, 0)
			}
			retryErr = serr
		default:
			s.log.LogAttrs(ctx, slog.LevelDebug, "http request", s.attrs(r, req, attempt, resp.StatusCode, elapsed, nil)...)
			resp.Body = &markedBody{rc: resp.Body}
			if consume == nil {
				return resp, nil
			}
			cerr := consume(resp)
			_ = resp.Body.Close()
			if cerr == nil {
				return resp, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(cerr, ErrBodyTooLarge) {
				return nil, fmt.Errorf("%s %s: %w (%d bytes)", r.Method, sec.String(r.Path), ErrBodyTooLarge, s.cfg.MaxBodyBytes)
			}
			if !IsRetryableBodyError(cerr) {
				return nil, cerr
			}
			var bre *BodyReadError
			errors.As(cerr, &bre)
			berr := &BodyReadError{Err: cleanCause(sec, "", bre.Err)}
			terr := &TransportError{Method: r.Method, Path: sec.String(r.Path), Attempts: attempt, Err: berr}
			s.log.LogAttrs(ctx, slog.LevelDebug, "reading the response failed", s.attrs(r, req, attempt, resp.StatusCode, elapsed, terr)...)
			if !canRetry || attempt >= p.MaxAttempts {
				return nil, terr
			}
			retryErr, wait = terr, p.backoff(attempt)
		}
		if p.OnRetry != nil {
			p.OnRetry(RetryInfo{Method: r.Method, Path: sec.String(r.Path), Attempt: attempt, StatusCode: status, Err: errOrNil(status, retryErr), Wait: wait})
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "retrying request", slog.String("client", s.cfg.Name),
			slog.String("method", r.Method), slog.String("path", sec.String(r.Path)), slog.Int("attempt", attempt),
			slog.Int("status", status), slog.Duration("wait", wait))
		if err := Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// maskHeader returns a copy of h with every secret masked in its values
// (a proxy could echo a credential back in a header).
// secretsOf is Config.Secrets plus the request's own.
func (s *Sender) secretsOf(r Request) redact.Secrets {
	if len(r.Secrets) == 0 {
		return s.cfg.Secrets
	}
	return append(slices.Clip(s.cfg.Secrets), r.Secrets...)
}

func (s *Sender) maskHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = s.cfg.Secrets.String(v)
		}
		out[k] = c
	}
	return out
}

func errOrNil(status int, err error) error {
	if status != 0 {
		return nil
	}
	return err
}

func (s *Sender) attrs(r Request, req *http.Request, attempt, status int, d time.Duration, err error) []slog.Attr {
	sec := s.secretsOf(r)
	a := []slog.Attr{
		slog.String("client", s.cfg.Name),
		slog.String("method", r.Method),
		slog.String("url", sec.String(redact.URL(req.URL))),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
	}
	if status != 0 {
		a = append(a, slog.Int("status", status))
	}
	if err != nil {
		a = append(a, slog.String("error", err.Error()))
	}
	return a
}

func (s *Sender) build(ctx context.Context, r Request, attempt int) (*http.Request, error) {
	sec := s.secretsOf(r)
	if r.RawPath != "" {
		if p, err := url.PathUnescape(r.RawPath); err != nil || p != r.Path {
			return nil, fmt.Errorf("%s %s: RawPath does not unescape to Path", r.Method, sec.String(r.Path))
		}
	}
	u := s.resolve(r.Path, r.RawPath, r.Query)
	if r.RawQuery != "" {
		if !validRawQuery(r.RawQuery) {
			return nil, fmt.Errorf("%s %s: RawQuery is not a valid URL query", r.Method, r.Path)
		}
		u.RawQuery = r.RawQuery
	}
	var body io.Reader
	var length int64
	ctype := ""
	switch {
	case r.Multipart != nil:
		if attempt > 1 {
			if err := r.Multipart.Rewind(); err != nil {
				return nil, err
			}
		}
		body, length, ctype = r.Multipart.Reader(), r.Multipart.Length, r.Multipart.ContentType
	case r.Body != nil:
		body, length, ctype = bytes.NewReader(r.Body), int64(len(r.Body)), r.ContentType
	case r.Form != nil:
		enc := r.Form.Encode()
		body, length, ctype = strings.NewReader(enc), int64(len(enc)), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %s", r.Method, sec.String(r.Path), sec.String(err.Error()))
	}
	if body != nil {
		req.ContentLength = length
		if length < 0 {
			req.ContentLength = -1
		}
		if r.Multipart != nil {
			req.GetBody = nil // streamed; retries rewind explicitly
		}
		req.Header.Set("Content-Type", ctype)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if s.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", s.cfg.UserAgent)
	}
	if s.cfg.Authorize != nil && strings.EqualFold(req.URL.Host, s.cfg.BaseURL.Host) {
		if err := s.cfg.Authorize(req); err != nil {
			return nil, fmt.Errorf("%s %s: %s", r.Method, sec.String(r.Path), sec.String(err.Error()))
		}
	}
	return req, nil
}

// validRawQuery reports whether q may go on the request line as is: only
// the bytes RFC 3986 allows in a query (unreserved, sub-delims, ':', '@',
// '/', '?') and well-formed percent escapes.
func validRawQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0:
		case c == '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unwrapURLError drops net/url's wrapper, whose message repeats the full URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		var ne net.Error
		if ue.Timeout() && !errors.As(inner, &ne) {
			return fmt.Errorf("timeout: %w", inner)
		}
		return inner
	}
	return err
}

// readCapped reads at most limit bytes; more is ErrBodyTooLarge.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], ErrBodyTooLarge
	}
	return b, nil
}

// ReadCapped reads at most limit bytes of r; more is ErrBodyTooLarge.
func ReadCapped(r io.Reader, limit int64) ([]byte, error) { return readCapped(r, limit) }

// DefaultHTTPClient returns the HTTP client the API clients use when the
// caller gives none: go-cleanhttp's pooled client (its own transport, not
// http.DefaultTransport) with dial, TLS and response-header timeouts, and no
// overall timeout, which would cut long downloads and uploads short; calls
// are bounded by their ctx.
func DefaultHTTPClient() *http.Client {
	hc := cleanhttp.DefaultPooledClient()
	if t, ok := hc.Transport.(*http.Transport); ok {
		t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = 10 * time.Second
		// A large page can take the server a while to build, but a server
		// that sends no header for two minutes is gone.
		t.ResponseHeaderTimeout = 2 * time.Minute
		t.MaxIdleConnsPerHost = 8
	}
	return hc
}

// IsLoopback reports whether host (without port) is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ParseBaseURL parses and checks an API base URL: absolute, https (or http
// to a loopback host), no user info, no query or fragment.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", redactURLParseError(err))
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("want an absolute https:// URL such as https://example.canary.tools/api/v1")
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, errors.New("plain http is refused except to a loopback host; use https://")
	}
	if u.User != nil {
		return nil, errors.New("credentials in the URL are refused; pass them as options")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("the base URL must not carry a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// redactURLParseError describes a url.Parse error without any of its input:
// net/url quotes the offending part ("invalid port \":<token>\" after host"),
// and a URL typed with a credential in the wrong place would echo it.
func redactURLParseError(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "malformed"
	}
	msg := ue.Err.Error()
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(strings.TrimRight(msg[:i], " "))
		j := strings.IndexByte(msg[i+1:], '"')
		if j < 0 {
			break
		}
		msg = msg[i+1+j+1:]
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if out == "" {
		return "malformed"
	}
	return out
}
