package canary

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// APIKeyType is the kind of a flock API key.
type APIKeyType string

// Flock API key types.
const (
	// APIKeyCanarytokenDeploy can only create and download Canarytokens
	// in its flock: the least-privilege key for fleet automation, which
	// Thinkst recommends over factory strings.
	APIKeyCanarytokenDeploy APIKeyType = "canarytoken-deploy"
	// APIKeyBreadcrumbDeploy can only deploy breadcrumbs in its flock.
	APIKeyBreadcrumbDeploy APIKeyType = "breadcrumb-deploy"
	// APIKeyReadOnly can read its flock.
	APIKeyReadOnly APIKeyType = "read-only"
	// APIKeyAnalyst can read its flock and act on its incidents.
	APIKeyAnalyst APIKeyType = "analyst"
	// APIKeyAdmin can manage its flock.
	APIKeyAdmin APIKeyType = "admin"
)

func (t APIKeyType) valid() bool {
	switch t {
	case APIKeyCanarytokenDeploy, APIKeyBreadcrumbDeploy, APIKeyReadOnly, APIKeyAnalyst, APIKeyAdmin:
		return true
	}
	return false
}

// FlockAPIKey is an API key scoped to flocks. Use its AuthToken with
// NewClient's WithAuthToken.
type FlockAPIKey struct {
	// AuthToken is the key itself. It prints as [REDACTED].
	AuthToken Sensitive  `json:"auth_token"`
	Type      APIKeyType `json:"auth_token_type"`
	KeyID     string     `json:"key_id"`
	Note      string     `json:"note,omitempty"`
	CreatedBy string     `json:"created_by,omitempty"`
	Created   time.Time  `json:"created,omitzero"`
	// LastUsed is zero for a key never used (List only).
	LastUsed      time.Time `json:"last_used,omitzero"`
	ManagedFlocks []string  `json:"managed_flocks,omitempty"`
	WatchedFlocks []string  `json:"watched_flocks,omitempty"`
}

type flockAPIKeyWire struct {
	AuthToken     lenient.String   `json:"auth_token"`
	Type          lenient.String   `json:"auth_token_type"`
	KeyID         lenient.String   `json:"key_id"`
	Note          lenient.String   `json:"note"`
	CreatedBy     lenient.String   `json:"created_by"`
	Created       lenient.Time     `json:"created"`
	LastUsed      lenient.Time     `json:"last_used"`
	ManagedFlocks []lenient.String `json:"managed_flocks"`
	WatchedFlocks []lenient.String `json:"watched_flocks"`
}

func (w *flockAPIKeyWire) key() *FlockAPIKey {
	k := &FlockAPIKey{AuthToken: Sensitive(w.AuthToken), Type: APIKeyType(w.Type), KeyID: string(w.KeyID),
		Note: string(w.Note), CreatedBy: string(w.CreatedBy), Created: time.Time(w.Created), LastUsed: time.Time(w.LastUsed)}
	for _, f := range w.ManagedFlocks {
		k.ManagedFlocks = append(k.ManagedFlocks, string(f))
	}
	for _, f := range w.WatchedFlocks {
		k.WatchedFlocks = append(k.WatchedFlocks, string(f))
	}
	return k
}

// CreateAPIKey makes an API key for one flock (POST /flock/auth_token/add).
// typ "" means APIKeyCanarytokenDeploy, the key to hand to automation that
// plants tokens: it can create and download Canarytokens in flockID and do
// nothing else.
//
// Canary API docs: https://docs.canary.tools/flocks-settings/flock-auth-token.html#add-flock-api-keys
//
//meta:operation POST /api/v1/flock/auth_token/add
func (s *FlocksService) CreateAPIKey(ctx context.Context, flockID, note string, typ APIKeyType) (*FlockAPIKey, error) {
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	if err := checkMemo(note); err != nil {
		return nil, invalid("note", "must not be empty; say what the key is for")
	}
	if typ == "" {
		typ = APIKeyCanarytokenDeploy
	}
	if !typ.valid() {
		return nil, invalid("typ", "%q is not a flock API key type (canarytoken-deploy, breadcrumb-deploy, read-only, analyst or admin)", clip(string(typ)))
	}
	var out struct {
		envelope
		Key *flockAPIKeyWire `json:"flock_api_key"`
	}
	form := url.Values{"flock_id": {flockID}, "note": {note}, "auth_token_type": {string(typ)}}
	if err := s.client.post(ctx, "/flock/auth_token/add", form, false, &out); err != nil {
		return nil, err
	}
	if out.Key == nil || out.Key.AuthToken == "" {
		return nil, malformed("POST", "/flock/auth_token/add", `no "flock_api_key" with an "auth_token" in the response`)
	}
	return out.Key.key(), nil
}

// APIKeys lists the API keys of a flock (GET /flock/auth_token/list).
//
// Canary API docs: https://docs.canary.tools/flocks-settings/flock-auth-token.html#list-flock-api-keys
//
//meta:operation GET /api/v1/flock/auth_token/list
func (s *FlocksService) APIKeys(ctx context.Context, flockID string) ([]*FlockAPIKey, error) {
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Keys []*flockAPIKeyWire `json:"flock_api_keys"`
	}
	if err := s.client.get(ctx, "/flock/auth_token/list", url.Values{"flock_id": {flockID}}, &out); err != nil {
		return nil, err
	}
	res := make([]*FlockAPIKey, 0, len(out.Keys))
	for _, k := range out.Keys {
		if k != nil {
			res = append(res, k.key())
		}
	}
	return res, nil
}

// RemoveAPIKey revokes a flock API key (POST /flock/auth_token/remove),
// named by the key itself, as the API requires. The key is sent in the
// body, never in the URL, and is masked in any error.
//
// Canary API docs: https://docs.canary.tools/flocks-settings/flock-auth-token.html#remove-flock-api-key
//
//meta:operation POST /api/v1/flock/auth_token/remove
func (s *FlocksService) RemoveAPIKey(ctx context.Context, key Sensitive) error {
	if err := requireID("key", key.Reveal()); err != nil {
		return err
	}
	r := rest.Request{Method: http.MethodPost, Path: "/flock/auth_token/remove",
		Form: url.Values{"remove_auth_token": {key.Reveal()}}, Idempotent: true, Secrets: redact.Secrets{key.Reveal()}}
	return scrubErr(s.client.do(ctx, r, nil), key.Reveal())
}
