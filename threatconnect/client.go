package threatconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to one ThreatConnect instance through the v2 API and, as
// Client.V3, the v3 API. It is safe for concurrent use and does not change
// after NewClient returns.
type Client struct {
	// Owners lists the organizations, communities and sources the API user
	// can reach.
	Owners *OwnersService
	// Indicators creates, reads, updates, deletes and lists indicators and
	// their tags, attributes, security labels, observations and groups.
	Indicators *IndicatorsService
	// Groups creates incidents and events for indicators to be associated
	// with.
	Groups *GroupsService
	// Batch uploads many indicators through the batch API.
	Batch *BatchService
	// V3 speaks the v3 API (ThreatConnect 6.0 and later): indicators by ID
	// or summary with their metadata in one call, TQL, groups and owners.
	V3 *V3

	// send is the shared sender's Do, kept behind a closure so that no
	// reflection-based printing of a Client can reach the sender's secrets.
	send    func(context.Context, rest.Request) (*rest.Response, error)
	baseURL *url.URL
	auth    string                                     // "hmac" or "token", for String
	scrubFn func(string) string                        // masks the secrets
	sleep   func(context.Context, time.Duration) error // batch polling; replaced in tests
	logger  *slog.Logger
}

type service struct{ client *Client }

// NewClient returns a Client for the API root given by WithBaseURL (default
// DefaultBaseURL), authenticated by WithHMAC or WithAPIToken (one of them is
// required). It does no I/O and reads no environment variable.
func NewClient(opts ...Option) (*Client, error) {
	var cfg config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	raw := cfg.baseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := rest.ParseBaseURL(raw)
	if err != nil {
		return nil, invalid("base URL", "%v", err)
	}
	switch {
	case cfg.hmacSet && cfg.tokenSet:
		return nil, invalid("credentials", "set WithHMAC or WithAPIToken, not both")
	case !cfg.hmacSet && !cfg.tokenSet:
		return nil, invalid("credentials", "none given; use WithHMAC(accessID, secretKey) or WithAPIToken(token)")
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = rest.DefaultHTTPClient()
	}
	ua := "decoykit-threatconnect/" + Version + " (" + runtime.Version() + ")"
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var secrets redact.Secrets
	auth := "token"
	if cfg.hmacSet {
		secrets = redact.Secrets{cfg.secret()}
		auth = "hmac"
	} else {
		secrets = redact.Secrets{cfg.token()}
	}
	c := &Client{
		baseURL: base,
		auth:    auth,
		scrubFn: secrets.String,
		sleep:   rest.Sleep,
		logger:  logger,
	}
	sender, err := rest.New(rest.Config{
		Name:         "threatconnect",
		BaseURL:      base,
		HTTPClient:   hc,
		UserAgent:    ua,
		Retry:        cfg.retry.internal(),
		Logger:       logger,
		Secrets:      secrets,
		Authorize:    cfg.authorizer(),
		MaxBodyBytes: cfg.maxBody,
	})
	if err != nil {
		return nil, err
	}
	c.send = sender.Do
	common := &service{client: c}
	c.Owners = (*OwnersService)(common)
	c.Indicators = (*IndicatorsService)(common)
	c.Groups = (*GroupsService)(common)
	c.Batch = (*BatchService)(common)
	c.V3 = &V3{
		Indicators: (*V3IndicatorsService)(common),
		Groups:     (*V3GroupsService)(common),
		Owners:     (*V3OwnersService)(common),
	}
	return c, nil
}

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// String describes the client without its secrets.
func (c Client) String() string {
	base := ""
	if c.baseURL != nil {
		base = c.baseURL.String()
	}
	return fmt.Sprintf("threatconnect.Client{BaseURL: %q, Auth: %s, Secret: [REDACTED]}", base, c.auth)
}

// GoString is String: %#v never shows a secret either.
func (c Client) GoString() string { return c.String() }

// Format implements fmt.Formatter so that no verb prints a secret, for a
// Client or a *Client.
func (c Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue implements slog.LogValuer.
func (c Client) LogValue() slog.Value {
	base := ""
	if c.baseURL != nil {
		base = c.baseURL.String()
	}
	return slog.GroupValue(slog.String("base_url", base), slog.String("auth", c.auth))
}

// envelope is the v2 response wrapper.
type envelope struct {
	Status      string          `json:"status"`
	Message     string          `json:"message"`
	Description string          `json:"description"` // the batch API's error text
	Data        json.RawMessage `json:"data"`
	ResultCount *int            `json:"resultCount"`
	// The v3 API's additions: an error code, the next page's URL and the
	// list's total (with count=true).
	ErrCode string `json:"errCode"`
	Next    string `json:"next"`
	Count   *int   `json:"count"`
}

// call is one API call: the API path as segments (each escaped on its own),
// and the rest of the request.
type call struct {
	method     string
	segments   []string
	query      url.Values
	rawQuery   string // sent instead of query, byte for byte (the v3 calls)
	body       any    // JSON-encoded when not nil
	rawBody    []byte // sent as is with contentType
	ctype      string
	idempotent bool
	raw        *[]byte // when set, receives the body, which is not read as an envelope
}

// path returns the decoded path and the escaped path (what goes on the wire
// and is signed), both starting with "/". Each segment is escaped on its own,
// so a "/" inside an indicator or tag ("http://x/y", "TLP/amber") stays
// inside its segment.
func (cl call) path() (decoded, escaped string) {
	var d, e strings.Builder
	for _, s := range cl.segments {
		d.WriteByte('/')
		d.WriteString(s)
		e.WriteByte('/')
		e.WriteString(pathEscape(s))
	}
	return d.String(), e.String()
}

// do is the one way in and out: build the request, send it through the
// shared sender, map errors, check the envelope. It returns the envelope of
// a successful call.
func (c *Client) do(ctx context.Context, cl call) (*envelope, error) {
	decoded, escaped := cl.path()
	r := rest.Request{Method: cl.method, Path: decoded, RawPath: escaped, Query: cl.query, RawQuery: cl.rawQuery, Idempotent: cl.idempotent}
	switch {
	case cl.rawBody != nil:
		r.Body, r.ContentType = cl.rawBody, cl.ctype
	case cl.body != nil:
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("threatconnect: %s %s: encoding the request: %w", cl.method, escaped, err)
		}
		r.Body, r.ContentType = b, "application/json; charset=utf-8"
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, c.mapError(r.Method, escaped, err)
	}
	if cl.raw != nil {
		*cl.raw = resp.Body
		return &envelope{}, nil
	}
	return c.decode(r.Method, escaped, resp.StatusCode, resp.Body)
}

// doInto is do followed by decoding data.<key> into out (when out is not nil).
func (c *Client) doInto(ctx context.Context, cl call, key string, out any) (*envelope, error) {
	env, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return env, nil
	}
	_, escaped := cl.path()
	if err := c.decodeData(cl.method, escaped, env, key, out); err != nil {
		return nil, err
	}
	return env, nil
}

func (c *Client) decodeData(method, path string, env *envelope, key string, out any) error {
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return fmt.Errorf("threatconnect: %s %s: %w: no \"data\" in the response", method, path, ErrMalformedResponse)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(env.Data, &m); err != nil {
		return fmt.Errorf("threatconnect: %s %s: %w: \"data\" is not an object", method, path, ErrMalformedResponse)
	}
	v, ok := m[key]
	if !ok {
		return fmt.Errorf("threatconnect: %s %s: %w: no \"data.%s\" in the response", method, path, ErrMalformedResponse, key)
	}
	if err := json.Unmarshal(v, out); err != nil {
		return fmt.Errorf("threatconnect: %s %s: %w: data.%s: %s", method, path, ErrMalformedResponse, key, c.scrub(err.Error()))
	}
	return nil
}

// successStatuses are the envelope statuses of a successful call ("Queued"
// is how the batch API acknowledges an upload).
func successStatus(s string) bool {
	switch strings.ToLower(s) {
	case "", "success", "queued":
		return true
	}
	return false
}

func (c *Client) decode(method, path string, status int, body []byte) (*envelope, error) {
	env := &envelope{}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return env, nil
	}
	if err := json.Unmarshal(trimmed, env); err != nil {
		return nil, fmt.Errorf("threatconnect: %s %s: %w: %s", method, path, ErrMalformedResponse, c.scrub(describeDecodeError(err, trimmed)))
	}
	if !successStatus(env.Status) {
		ae := c.apiError(method, path, status, env.Status, env.text(), body)
		ae.ErrCode = errCode(env.ErrCode)
		return nil, ae
	}
	return env, nil
}

func (e *envelope) text() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Description
}

func describeDecodeError(err error, body []byte) string {
	t := strings.TrimSpace(string(body[:min(len(body), 256)]))
	if strings.HasPrefix(t, "<") {
		return "got HTML instead of JSON (a proxy or login page?)"
	}
	return err.Error()
}

func (c *Client) apiError(method, path string, status int, envStatus, msg string, body []byte) *APIError {
	if msg == "" {
		msg = "ThreatConnect reported an error without a message"
		if status != http.StatusOK {
			msg = http.StatusText(status)
		}
	}
	return &APIError{
		StatusCode: status, Status: envStatus, Message: oneLine(c.scrub(msg)),
		Method: method, Path: path, Body: capBody([]byte(c.scrub(string(body)))),
	}
}

// mapError turns the sender's errors into this package's.
func (c *Client) mapError(method, path string, err error) error {
	var se *rest.StatusError
	if errors.As(err, &se) {
		envStatus, msg := errorText(se.Body)
		if strings.HasPrefix(msg, "(") {
			msg = http.StatusText(se.StatusCode) + " " + msg
		}
		ae := c.apiError(method, path, se.StatusCode, envStatus, msg, se.Body)
		ae.RetryAfter = se.RetryAfter
		ae.ErrCode = errCodeOf(se.Body)
		return ae
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("threatconnect: %s %s: %w", method, path, err)
	}
	if kind := rest.TransportKind(err, ErrResponseTooLarge, ErrRedirectRefused); kind != nil {
		return &rest.KindError{Msg: "threatconnect: " + err.Error(), Kind: kind, Err: err}
	}
	return fmt.Errorf("threatconnect: %w", err)
}

// errorText reads an error body: a JSON envelope ({"status":"Failure",
// "message":...}, the batch API's {"status":"Invalid","description":...}) or
// plain text.
func errorText(body []byte) (status, msg string) {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return "", ""
	}
	var env envelope
	if t[0] == '{' && json.Unmarshal(t, &env) == nil {
		return env.Status, env.text()
	}
	s := string(t[:min(len(t), 512)])
	if strings.HasPrefix(s, "<") {
		return "", "(HTML error page)"
	}
	return "", s
}

// errCodeOf reads the v3 error envelope's "errCode" from an error body, if
// it has one.
func errCodeOf(body []byte) string {
	t := bytes.TrimSpace(body)
	var env envelope
	if len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &env) != nil {
		return ""
	}
	return errCode(env.ErrCode)
}

// errCode keeps an error code if it looks like one ("0x1001"): short, one
// token, printable.
func errCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 16 || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return ""
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

func capBody(b []byte) []byte {
	if len(b) > rest.DefaultMaxErrorBodyBytes {
		return b[:rest.DefaultMaxErrorBodyBytes]
	}
	return b
}

func (c *Client) scrub(s string) string { return c.scrubFn(s) }

func pathEscape(s string) string { return url.PathEscape(s) }
