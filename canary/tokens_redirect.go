package canary

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/decoykit/decoykit/internal/redact"
	"github.com/decoykit/decoykit/internal/rest"
)

// UpdateRedirect sets the URL a redirect token (fast-redirect,
// slow-redirect, qr-code) sends browsers on to (POST
// /canarytoken/update/redirect_url) and returns the updated token.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#update-canarytoken-redirect-url
//
//meta:operation POST /api/v1/canarytoken/update/redirect_url
func (s *TokensService) UpdateRedirect(ctx context.Context, id, redirectURL string) (*Token, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	u, err := url.Parse(redirectURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(redirectURL, " \r\n") {
		return nil, invalid("redirectURL", "%q is not an http(s) URL such as https://www.example.com/help", clip(redirectURL))
	}
	return s.tokenAction(ctx, "/canarytoken/update/redirect_url", url.Values{"canarytoken": {id}, "redirect_url": {redirectURL}})
}

// RemoveRedirect removes the redirect URL of a token whose redirect is
// optional, such as a qr-code token (POST /canarytoken/remove/redirect_url),
// and returns the updated token.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#remove-canarytoken-redirect-url
//
//meta:operation POST /api/v1/canarytoken/remove/redirect_url
func (s *TokensService) RemoveRedirect(ctx context.Context, id string) (*Token, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return s.tokenAction(ctx, "/canarytoken/remove/redirect_url", url.Values{"canarytoken": {id}})
}

// tokenAction posts form to path and returns the "token" of the answer.
func (s *TokensService) tokenAction(ctx context.Context, path string, form url.Values) (*Token, error) {
	var out struct {
		envelope
		Token *Token `json:"token"`
	}
	if err := s.client.post(ctx, path, form, true, &out); err != nil {
		return nil, err
	}
	if out.Token == nil {
		return nil, malformed("POST", path, `no "token" object in the response`)
	}
	return out.Token, nil
}

// DeleteByDomains deletes every token on the given custom domains (POST
// /canarytokens/delete) and returns how many were deleted. The Console
// selects by custom domain only: to delete a list of tokens, call Delete
// for each. If a matching token has incidents and clearIncidents is false,
// the Console deletes nothing and answers with an error.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#bulk-delete-canarytokens
//
//meta:operation POST /api/v1/canarytokens/delete
func (s *TokensService) DeleteByDomains(ctx context.Context, domains []string, clearIncidents bool) (int, error) {
	if len(domains) == 0 {
		return 0, invalid("domains", "name at least one custom domain")
	}
	for _, d := range domains {
		if d == "" || strings.ContainsAny(d, ", /\r\n\x00") || strings.Contains(d, "://") {
			return 0, invalid("domains", "%q is not a domain name such as tokens.example.com", clip(d))
		}
	}
	form := url.Values{"domains": {strings.Join(domains, ",")}}
	if clearIncidents {
		form.Set("clear_incidents", "true")
	}
	var out struct {
		envelope
		DeletedCount *int `json:"deleted_count"`
	}
	if err := s.client.post(ctx, "/canarytokens/delete", form, false, &out); err != nil {
		return 0, err
	}
	if out.DeletedCount == nil {
		return 0, malformed("POST", "/canarytokens/delete", `no "deleted_count" in the response`)
	}
	return *out.DeletedCount, nil
}

// RemoveS3Request removes an aws-s3 token's logging from a bucket. The AWS
// credentials are used once by the Console and not stored there; they
// never appear in an error or log line.
type RemoveS3Request struct {
	ID              string // the token
	AWSAccessKey    string
	AWSSecretKey    Sensitive
	AWSSessionToken Sensitive // optional
	AWSRegion       string
	// DeleteBuckets also deletes the log bucket; S3SourceBucket is then
	// required.
	DeleteBuckets  bool
	S3SourceBucket string
}

// String describes the request without its secrets.
func (r RemoveS3Request) String() string {
	return "RemoveS3Request{ID: " + r.ID + ", AWSRegion: " + r.AWSRegion + "}"
}

// RemoveS3 removes an aws-s3 token from its bucket (POST
// /canarytoken/remove/s3).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#remove-aws-s3-canarytoken
//
//meta:operation POST /api/v1/canarytoken/remove/s3
func (s *TokensService) RemoveS3(ctx context.Context, req RemoveS3Request) error {
	for f, v := range map[string]string{"ID": req.ID, "AWSAccessKey": req.AWSAccessKey, "AWSSecretKey": req.AWSSecretKey.Reveal(), "AWSRegion": req.AWSRegion} {
		if err := requireID(f, v); err != nil {
			return err
		}
	}
	if req.DeleteBuckets && strings.TrimSpace(req.S3SourceBucket) == "" {
		return invalid("S3SourceBucket", "is required with DeleteBuckets")
	}
	form := url.Values{"canarytoken": {req.ID}, "aws_access_key": {req.AWSAccessKey},
		"aws_secret_key": {req.AWSSecretKey.Reveal()}, "aws_region": {req.AWSRegion}}
	setNonEmpty(form, "aws_session_token", req.AWSSessionToken.Reveal())
	if req.DeleteBuckets {
		form.Set("delete_buckets", "true")
		form.Set("s3_source_bucket", req.S3SourceBucket)
	}
	secrets := redact.Secrets{req.AWSSecretKey.Reveal()}
	if req.AWSSessionToken != "" {
		secrets = append(secrets, req.AWSSessionToken.Reveal())
	}
	r := rest.Request{Method: http.MethodPost, Path: "/canarytoken/remove/s3", Form: form, Secrets: secrets}
	err := s.client.do(ctx, r, nil)
	return scrubErr(scrubErr(err, req.AWSSecretKey.Reveal()), req.AWSSessionToken.Reveal())
}
