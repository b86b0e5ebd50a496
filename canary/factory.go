package canary

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// FactoriesService manages Canarytoken factory auth strings: limited keys
// that can create and download tokens in one flock and do nothing else. A
// FactoryClient uses one. Thinkst recommends Canarytoken-Deploy flock API
// keys (Flocks.CreateAPIKey with APIKeyCanarytokenDeploy) for new
// deployments; existing factory strings keep working.
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html
type FactoriesService service

// Factory is a Canarytoken factory auth string and what it is for.
type Factory struct {
	// Auth is the factory auth string. It prints as [REDACTED].
	Auth    Sensitive `json:"factory_auth"`
	FlockID string    `json:"flock_id,omitempty"`
	Memo    string    `json:"memo,omitempty"`
	// URL is the create path the Console names (Create only).
	URL string `json:"factory_url,omitempty"`
}

// Create makes a factory auth string for flockID (POST
// /canarytoken/create_factory). The docs mark flock_id as required but their
// example omits it; it is always sent, and "" means the default flock.
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html#create-canarytoken-factory-auth-string
//
//meta:operation POST /api/v1/canarytoken/create_factory
func (s *FactoriesService) Create(ctx context.Context, flockID, memo string) (*Factory, error) {
	if flockID == "" {
		flockID = DefaultFlockID
	}
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	if err := checkMemo(memo); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		FactoryAuth lenient.String `json:"factory_auth"`
		FactoryURL  lenient.String `json:"factory_url"`
	}
	if err := s.client.post(ctx, "/canarytoken/create_factory", url.Values{"flock_id": {flockID}, "memo": {memo}}, false, &out); err != nil {
		return nil, err
	}
	if out.FactoryAuth == "" {
		return nil, malformed("POST", "/canarytoken/create_factory", `no "factory_auth" in the response`)
	}
	return &Factory{Auth: Sensitive(out.FactoryAuth), FlockID: flockID, Memo: memo, URL: string(out.FactoryURL)}, nil
}

// List returns the factory auth strings (GET /canarytoken/list_factories).
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html#list-canarytoken-factory-auth-strings
//
//meta:operation GET /api/v1/canarytoken/list_factories
func (s *FactoriesService) List(ctx context.Context) ([]*Factory, error) {
	var out struct {
		envelope
		Factories []struct {
			FactoryAuth lenient.String `json:"factory_auth"`
			FlockID     lenient.String `json:"flock_id"`
			Memo        lenient.String `json:"memo"`
		} `json:"factories"`
	}
	if err := s.client.get(ctx, "/canarytoken/list_factories", nil, &out); err != nil {
		return nil, err
	}
	res := make([]*Factory, 0, len(out.Factories))
	for _, f := range out.Factories {
		res = append(res, &Factory{Auth: Sensitive(f.FactoryAuth), FlockID: string(f.FlockID), Memo: string(f.Memo)})
	}
	return res, nil
}

// Delete revokes a factory auth string (DELETE /canarytoken/delete_factory).
// The string is sent in the body, never in the URL, and is masked in any
// error.
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html#delete-canarytoken-factory-auth-string
//
//meta:operation DELETE /api/v1/canarytoken/delete_factory
func (s *FactoriesService) Delete(ctx context.Context, factoryAuth Sensitive) error {
	if err := requireID("factoryAuth", factoryAuth.Reveal()); err != nil {
		return err
	}
	r := rest.Request{Method: http.MethodDelete, Path: "/canarytoken/delete_factory",
		Form: url.Values{"factory_auth": {factoryAuth.Reveal()}}, Idempotent: true, Secrets: redact.Secrets{factoryAuth.Reveal()}}
	return scrubErr(s.client.do(ctx, r, nil), factoryAuth.Reveal())
}

// Kinds returns the kinds a factory can create, with the Console's
// descriptions (GET /canarytokens/factory/list).
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html#list-canarytokens-available-via-canarytoken-factory
//
//meta:operation GET /api/v1/canarytokens/factory/list
func (s *FactoriesService) Kinds(ctx context.Context) (map[Kind]string, error) {
	var out struct {
		envelope
		Kinds map[string]lenient.String `json:"factory_canarytokens"`
	}
	if err := s.client.get(ctx, "/canarytokens/factory/list", nil, &out); err != nil {
		return nil, err
	}
	kinds := make(map[Kind]string, len(out.Kinds))
	for k, d := range out.Kinds {
		kinds[Kind(k)] = string(d)
	}
	return kinds, nil
}

// scrubErr masks secret in an *APIError's message and body. Other errors
// of this package never hold a request's form.
func scrubErr(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	if ae, ok := err.(*APIError); ok {
		s := redact.Secrets{secret}
		ae.Message = s.String(ae.Message)
		ae.Body = s.Bytes(ae.Body)
	}
	return err
}

// FactoryClient creates and downloads Canarytokens with only a factory
// auth string: it cannot list, change or delete anything, and has no other
// method. Give it to fleet automation (an instance fetching its token at
// boot) instead of the Console API key. It is safe for concurrent use.
type FactoryClient struct {
	c *Client
}

// NewFactoryClient returns a FactoryClient for the Console given by
// WithDomain or WithBaseURL (required), holding factoryAuth. The other
// options (WithHTTPClient, WithRetry, WithLogger, ...) apply as to
// NewClient; WithAuthToken is refused: a factory client holds no API key.
// The factory string is sent only in the request body (creates) or the
// query (downloads, as the API requires) and is masked in every error, log
// line and fmt output.
func NewFactoryClient(factoryAuth string, opts ...Option) (*FactoryClient, error) {
	cfg, err := configure(opts)
	if err != nil {
		return nil, err
	}
	if cfg.token != "" {
		return nil, invalid("auth token", "a FactoryClient holds only the factory auth string; drop WithAuthToken")
	}
	f := strings.TrimSpace(factoryAuth)
	if f == "" {
		return nil, invalid("factory auth", "must not be empty; pass the string Factories.Create returned")
	}
	if strings.ContainsFunc(f, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return nil, invalid("factory auth", "contains whitespace or control characters")
	}
	if len(f) < redact.MinSecretLen {
		return nil, invalid("factory auth", "is too short to be a factory auth string (at least %d characters)", redact.MinSecretLen)
	}
	cfg.token = Sensitive(f)
	c, err := newClient(cfg, func(*http.Request) error { return nil })
	if err != nil {
		return nil, err
	}
	return &FactoryClient{c: c}, nil
}

// factoryKinds are the kinds the docs list for the factory.
var factoryKinds = map[Kind]bool{
	KindActiveDirectoryLogin: true, KindAWSID: true, KindAzureEntraLogin: true, KindAzureID: true,
	KindClonedCSS: true, KindClonedWeb: true, KindCreditCard: true, KindDNS: true, KindMSExcel: true,
	KindMSWord: true, KindFastRedirect: true, KindHTTP: true, KindMSExcelMacro: true, KindMSWordMacro: true,
	KindMySQLDump: true, KindPDF: true, KindPWA: true, KindQRCode: true, KindSensitiveCmd: true,
	KindSignedExe: true, KindSlackAPI: true, KindSlowRedirect: true, KindWebImage: true, KindWindowsDir: true,
	KindWireGuard: true, "sql": true, "svn": true,
}

// Create creates a token through the factory (POST
// /canarytoken/factory/create), with the same request and validation as
// Tokens.Create, except that only the factory's kinds are accepted (no
// aws-s3, no Google or Microsoft mail kinds) and FlockID defaults to the
// factory's flock. Like Tokens.Create it is sent once unless
// RetryNonIdempotent is set.
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html#create-canarytokens-using-factory
//
//meta:operation POST /api/v1/canarytoken/factory/create
func (f *FactoryClient) Create(ctx context.Context, req CreateTokenRequest) (*Token, error) {
	if req.Kind.Known() && !factoryKinds[req.Kind] {
		return nil, invalid("Kind", "%s tokens cannot be made by a factory; use Tokens.Create with an API key", req.Kind)
	}
	if req.Industry != "" {
		return nil, invalid("Industry", "is not a factory parameter")
	}
	p, err := req.prepare(url.Values{"factory_auth": {f.c.token.Reveal()}})
	if err != nil {
		return nil, err
	}
	return f.c.createToken(ctx, "/canarytoken/factory/create", p)
}

// Download fetches the file of a token the factory made (GET
// /canarytoken/factory/download), like Tokens.Download. The API takes the
// factory string in the query here; it is masked in every log line and
// error.
//
// Canary API docs: https://docs.canary.tools/canarytokens/factory.html
//
//meta:operation GET /api/v1/canarytoken/factory/download
func (f *FactoryClient) Download(ctx context.Context, id string) (*Download, error) {
	return download(ctx, f.c, "/canarytoken/factory/download", id, url.Values{"factory_auth": {f.c.token.Reveal()}})
}

// BaseURL returns the API root the client talks to.
func (f *FactoryClient) BaseURL() string { return f.c.BaseURL() }

// String describes the client without its factory string.
func (f FactoryClient) String() string {
	return fmt.Sprintf("canary.FactoryClient{BaseURL: %q, FactoryAuth: %s}", f.c.baseURL.String(), redacted)
}

// GoString is String: %#v never shows the factory string either.
func (f FactoryClient) GoString() string { return f.String() }

// Format implements fmt.Formatter so no verb prints the factory string.
func (f FactoryClient) Format(s fmt.State, _ rune) { _, _ = fmt.Fprint(s, f.String()) }

// LogValue implements slog.LogValuer.
func (f FactoryClient) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", f.c.baseURL.String()))
}
