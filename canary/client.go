package canary

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// Client talks to one Canary Console. It is safe for concurrent use and does
// not change after NewClient returns.
type Client struct {
	// Tokens manages Canarytokens.
	Tokens *TokensService
	// Incidents reads and acts on incidents (alerts).
	Incidents *IncidentsService
	// Devices reads and manages Canary devices (birds).
	Devices *DevicesService
	// Flocks reads and manages flocks and their API keys.
	Flocks *FlocksService
	// Factories manages Canarytoken factory auth strings.
	Factories *FactoriesService
	// AuditTrail reads the Console's audit trail.
	AuditTrail *AuditTrailService
	// Settings checks and adds to the ignore lists and reads the global
	// settings.
	Settings *SettingsService

	sender  *rest.Sender
	baseURL *url.URL
	token   Sensitive
	logger  *slog.Logger
}

type service struct{ client *Client }

// NewClient returns a Client for the Console given by WithDomain or
// WithBaseURL, authenticated by WithAuthToken; both are required. It does no
// I/O and reads no environment variable: call Ping to check the settings.
func NewClient(opts ...Option) (*Client, error) {
	cfg, err := configure(opts)
	if err != nil {
		return nil, err
	}
	token := cfg.token.Reveal()
	return newClient(cfg, func(r *http.Request) error {
		r.Header.Set("X-Canary-Auth-Token", token)
		return nil
	})
}

// configure applies opts.
func configure(opts []Option) (*config, error) {
	var cfg config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &cfg, nil
}

// newClient builds a client; cfg.token is the secret that is masked
// everywhere and authorize adds the credentials to each request.
func newClient(cfg *config, authorize func(*http.Request) error) (*Client, error) {
	var base *url.URL
	var err error
	switch {
	case cfg.baseURL != "" && cfg.domain != "":
		return nil, invalid("domain", "set WithDomain or WithBaseURL, not both")
	case cfg.baseURL != "":
		base, err = rest.ParseBaseURL(cfg.baseURL)
	case cfg.domain != "":
		base, err = rest.ParseBaseURL("https://" + cfg.domain + ".canary.tools/api/v1")
	default:
		return nil, invalid("domain", "no Console given; use WithDomain(\"abc123\") or WithBaseURL(\"https://abc123.canary.tools/api/v1\")")
	}
	if err != nil {
		return nil, invalid("base URL", "%v", err)
	}
	if cfg.token == "" {
		return nil, invalid("auth token", "no auth token given; use WithAuthToken (Console → Global Settings → API)")
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = rest.DefaultHTTPClient()
	}
	ua := "decoykit-canary/" + Version + " (" + runtime.Version() + ")"
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{baseURL: base, token: cfg.token, logger: logger}
	c.sender, err = rest.New(rest.Config{
		Name:         "canary",
		BaseURL:      base,
		HTTPClient:   hc,
		UserAgent:    ua,
		Retry:        cfg.retry.internal(),
		Logger:       logger,
		Secrets:      redact.Secrets{cfg.token.Reveal()},
		MaxBodyBytes: cfg.maxBody,
		Authorize:    authorize,
	})
	if err != nil {
		return nil, err
	}
	common := &service{client: c}
	c.Tokens = (*TokensService)(common)
	c.Incidents = (*IncidentsService)(common)
	c.Devices = (*DevicesService)(common)
	c.Flocks = (*FlocksService)(common)
	c.Factories = (*FactoriesService)(common)
	c.AuditTrail = (*AuditTrailService)(common)
	c.Settings = (*SettingsService)(common)
	return c, nil
}

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// String describes the client without its auth token.
func (c Client) String() string {
	return fmt.Sprintf("canary.Client{BaseURL: %q, AuthToken: %s}", c.baseURL.String(), redacted)
}

// GoString is String: %#v never shows the auth token either.
func (c Client) GoString() string { return c.String() }

// Format implements fmt.Formatter so no verb prints the auth token.
// It has a value receiver so that printing a dereferenced Client is safe too.
func (c Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue implements slog.LogValuer.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL.String()))
}

// Ping checks that the Console is reachable and accepts the auth token
// (GET /ping).
//
// Canary API docs: https://docs.canary.tools/console/testing.html#ping
//
//meta:operation GET /api/v1/ping
func (c *Client) Ping(ctx context.Context) error {
	return c.get(ctx, "/ping", nil, nil)
}

// envelope is the Console's response wrapper: every body has "result".
type envelope struct {
	Result  string `json:"result"`
	Message string `json:"message"`
}

func (e *envelope) env() *envelope { return e }

type enveloped interface{ env() *envelope }

// laxEnvelope is the envelope of the endpoints whose documented success body
// has no "result" (/updates/list, /settings/is_ip_ignored,
// /settings/is_hostname_whitelisted): a missing "result" is accepted there,
// while "result": "error" is still an error.
type laxEnvelope struct{ envelope }

func (*laxEnvelope) resultOptional() {}

func (c *Client) get(ctx context.Context, path string, q url.Values, out enveloped) error {
	return c.do(ctx, rest.Request{Method: http.MethodGet, Path: path, Query: q}, out)
}

// post sends a form. idempotent marks calls that are safe to repeat (enable,
// acknowledge, update memo), which are then retried like a GET.
func (c *Client) post(ctx context.Context, path string, form url.Values, idempotent bool, out enveloped) error {
	if form == nil {
		form = url.Values{}
	}
	return c.do(ctx, rest.Request{Method: http.MethodPost, Path: path, Form: form, Idempotent: idempotent}, out)
}

// do is the one way in and out: send, map errors, check the envelope, decode.
func (c *Client) do(ctx context.Context, r rest.Request, out enveloped) error {
	resp, err := c.sender.Do(ctx, r)
	if err != nil {
		return c.mapError(r, err)
	}
	return c.decode(r, resp.StatusCode, resp.Body, out)
}

func (c *Client) decode(r rest.Request, status int, body []byte, out enveloped) error {
	if out == nil {
		out = &envelope{}
	}
	if err := json.Unmarshal(body, out); err != nil {
		// An error envelope may still be readable even if the payload is not.
		var env envelope
		if json.Unmarshal(body, &env) == nil && env.Result == "error" {
			return c.apiError(r, status, env.Message, body)
		}
		return malformed(r.Method, r.Path, c.scrub(describeDecodeError(err, body)))
	}
	env := out.env()
	if env.Result == "error" {
		return c.apiError(r, status, env.Message, body)
	}
	if _, lax := out.(interface{ resultOptional() }); env.Result == "" && !lax {
		return malformed(r.Method, r.Path, `no "result" field in the response`)
	}
	return nil
}

func (c *Client) scrub(s string) string { return redact.Secrets{c.token.Reveal()}.String(s) }
func (c *Client) scrubBytes(b []byte) []byte {
	return redact.Secrets{c.token.Reveal()}.Bytes(b)
}
