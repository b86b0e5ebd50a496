package canary

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensRedirectGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	up := f.on(t, "POST", "/canarytoken/update/redirect_url", 200, "@tokens/update_redirect_url.json")
	rm := f.on(t, "POST", "/canarytoken/remove/redirect_url", 200, "@tokens/remove_redirect_url.json")
	ctx := context.Background()

	tok, err := f.c.Tokens.UpdateRedirect(ctx, "tok1", "https://example.com")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}, "redirect_url": {"https://example.com"}}, (*up)[0].Form)
	assert.Equal(t, KindFastRedirect, tok.Kind)
	assert.Equal(t, "https://example.com", tok.BrowserRedirectURL)
	assert.Equal(t, 6, int(tok.UpdatedID))

	tok, err = f.c.Tokens.RemoveRedirect(ctx, "tok2")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"canarytoken": {"tok2"}}, (*rm)[0].Form)
	assert.Equal(t, KindQRCode, tok.Kind)
	assert.Empty(t, tok.BrowserRedirectURL)
}

func TestTokensDeleteByDomainsGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "POST", "/canarytokens/delete", 200, "@tokens/bulk_delete.json")
	n, err := f.c.Tokens.DeleteByDomains(context.Background(), []string{"a.example.com", "b.example.com"}, true)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, url.Values{"domains": {"a.example.com,b.example.com"}, "clear_incidents": {"true"}}, (*calls)[0].Form)
}

func TestTokensRemoveS3(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "POST", "/canarytoken/remove/s3", 200, "@tokens/remove_s3.json")
	req := RemoveS3Request{ID: "tok3", AWSAccessKey: "AKIAEXAMPLE", AWSSecretKey: "aws-secret-for-test-0001", AWSRegion: "eu-west-1",
		DeleteBuckets: true, S3SourceBucket: "logs"}
	require.NoError(t, f.c.Tokens.RemoveS3(context.Background(), req))
	assert.Equal(t, url.Values{"canarytoken": {"tok3"}, "aws_access_key": {"AKIAEXAMPLE"}, "aws_secret_key": {"aws-secret-for-test-0001"},
		"aws_region": {"eu-west-1"}, "delete_buckets": {"true"}, "s3_source_bucket": {"logs"}}, (*calls)[0].Form)
	assert.NotContains(t, req.String(), "aws-secret-for-test-0001")
	assert.NotContains(t, f.logs.String(), "aws-secret-for-test-0001")
}

func TestTokensRemoveS3MasksTheSecretInErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const secret = "aws-secret-for-test-0002"
	f.on(t, "POST", "/canarytoken/remove/s3", 400, `{"message": "AWS refused key `+secret+`", "result": "error"}`)
	err := f.c.Tokens.RemoveS3(context.Background(), RemoveS3Request{ID: "t", AWSAccessKey: "AKIAEXAMPLE", AWSSecretKey: secret, AWSRegion: "eu-west-1"})
	require.ErrorIs(t, err, ErrInvalidRequest)
	assert.NotContains(t, err.Error(), secret)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, string(ae.Body), secret)
}

func TestTokensExtrasValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	good := RemoveS3Request{ID: "t", AWSAccessKey: "AKIAEXAMPLE", AWSSecretKey: "aws-secret-for-test-0003", AWSRegion: "eu-west-1"}
	for name, call := range map[string]func() error{
		"update id":        func() error { _, err := f.c.Tokens.UpdateRedirect(ctx, "", "https://example.com"); return err },
		"update url":       func() error { _, err := f.c.Tokens.UpdateRedirect(ctx, "t", "javascript:alert(1)"); return err },
		"update no host":   func() error { _, err := f.c.Tokens.UpdateRedirect(ctx, "t", "https://"); return err },
		"remove id":        func() error { _, err := f.c.Tokens.RemoveRedirect(ctx, ""); return err },
		"domains none":     func() error { _, err := f.c.Tokens.DeleteByDomains(ctx, nil, false); return err },
		"domains comma":    func() error { _, err := f.c.Tokens.DeleteByDomains(ctx, []string{"a.com,b.com"}, false); return err },
		"domains url":      func() error { _, err := f.c.Tokens.DeleteByDomains(ctx, []string{"https://a.com"}, false); return err },
		"s3 secret":        func() error { r := good; r.AWSSecretKey = ""; return f.c.Tokens.RemoveS3(ctx, r) },
		"s3 region":        func() error { r := good; r.AWSRegion = ""; return f.c.Tokens.RemoveS3(ctx, r) },
		"s3 delete bucket": func() error { r := good; r.DeleteBuckets = true; return f.c.Tokens.RemoveS3(ctx, r) },
	} {
		t.Run(name, func(t *testing.T) {
			var ve *ValidationError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
