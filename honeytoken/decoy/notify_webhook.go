package decoy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// userAgent is sent by the webhook notifiers.
const userAgent = "decoykit-decoy/1"

// poster posts JSON to one URL through the shared sender, one attempt per
// call: the Dispatcher owns retries and backoff.
type poster struct {
	name    string
	host    string // scheme://host, the only part of the URL that is printed
	s       *rest.Sender
	path    string
	rawPath string
	query   url.Values
	secrets redact.Secrets
}

// newPoster treats the URL's path and query as secrets, like its custom
// headers: Slack, Discord, Teams and Mattermost webhooks carry their token in
// the path, so errors and logs name the host only.
func newPoster(name, rawURL string, opts []WebhookOption) (*poster, error) {
	var cfg webhookConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	switch {
	case err != nil:
		return nil, &ValidationError{"url", "is not a URL"}
	case u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return nil, &ValidationError{"url", "want an absolute https:// URL"}
	case u.Scheme == "http" && !rest.IsLoopback(u.Hostname()):
		return nil, &ValidationError{"url", "plain http is refused except to a loopback host; use https://"}
	case u.User != nil:
		return nil, &ValidationError{"url", "credentials in the URL are refused; use WithWebhookHeader"}
	case u.Fragment != "":
		return nil, &ValidationError{"url", "must not carry a fragment"}
	}
	var secrets redact.Secrets
	for _, vs := range cfg.headers {
		secrets = append(secrets, vs...)
	}
	q := u.Query()
	for _, vs := range q {
		secrets = append(secrets, vs...)
	}
	if u.Path != "" && u.Path != "/" {
		secrets = append(secrets, strings.TrimPrefix(u.Path, "/"))
	}
	hc := cfg.client
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
		hc.Timeout = 10 * time.Second
	}
	headers := cfg.headers
	s, err := rest.New(rest.Config{
		Name:       name,
		BaseURL:    &url.URL{Scheme: u.Scheme, Host: u.Host},
		HTTPClient: hc,
		UserAgent:  userAgent,
		Retry:      rest.Policy{MaxAttempts: 1},
		Logger:     cfg.log,
		Secrets:    secrets,
		Authorize: func(r *http.Request) error {
			for k, vs := range headers {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			return nil
		},
	})
	if err != nil {
		return nil, &ValidationError{"url", "unusable: " + secrets.String(err.Error())}
	}
	p := &poster{name: name, host: u.Scheme + "://" + u.Host, s: s, path: u.Path, query: q, secrets: secrets}
	if u.RawPath != "" {
		p.rawPath = u.RawPath
	}
	if p.path == "" {
		p.path = "/"
	}
	return p, nil
}

// post sends body; 4xx answers other than 408, 425 and 429 are permanent.
func (p *poster) post(ctx context.Context, body []byte, idempotencyKey string) error {
	_, err := p.s.Do(ctx, rest.Request{
		Method: http.MethodPost, Path: p.path, RawPath: p.rawPath, Query: p.query,
		Body: body, ContentType: "application/json",
		Header:     http.Header{"Idempotency-Key": {idempotencyKey}},
		Idempotent: true,
	})
	if err == nil {
		return nil
	}
	var se *rest.StatusError
	if errors.As(err, &se) {
		e := fmt.Errorf("decoy: %s: HTTP %d %s", p.name, se.StatusCode, http.StatusText(se.StatusCode))
		switch {
		case se.StatusCode == http.StatusRequestTimeout, se.StatusCode == http.StatusTooEarly,
			se.StatusCode == http.StatusTooManyRequests, se.StatusCode >= 500:
			return e
		}
		return Permanent(e)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("decoy: %s: %w", p.name, ctx.Err())
	}
	return fmt.Errorf("decoy: %s: %s", p.name, p.secrets.String(err.Error()))
}

// Webhook is a Notifier that POSTs each alert as JSON to a URL:
//
//	{"event":"honeytoken.hit","id":"…","hit":{…},"count":3,"first_seen":"…","last_seen":"…"}
//
// with an Idempotency-Key header holding the alert id (a retried delivery
// carries the same key) and any custom headers. A 2xx answer is success; 408,
// 425, 429, 5xx and network errors are retried by the Dispatcher; any other
// 4xx is permanent.
type Webhook struct{ p *poster }

// NewWebhook returns a webhook notifier for rawURL, which must be https (or
// http to a loopback host) without user info. Query values and header values
// are treated as secrets: never logged, never in an error.
func NewWebhook(rawURL string, opts ...WebhookOption) (*Webhook, error) {
	p, err := newPoster("webhook", rawURL, opts)
	if err != nil {
		return nil, err
	}
	return &Webhook{p: p}, nil
}

// Name is "webhook".
func (w *Webhook) Name() string { return "webhook" }

// webhookPayload is the JSON a Webhook sends.
type webhookPayload struct {
	Event string `json:"event"`
	Alert
}

// Notify posts a.
func (w *Webhook) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(webhookPayload{Event: "honeytoken.hit", Alert: a})
	if err != nil {
		return Permanent(fmt.Errorf("decoy: encoding alert: %w", err))
	}
	return w.p.post(ctx, body, a.ID)
}
