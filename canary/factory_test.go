package canary

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFactoriesGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	cr := f.on(t, "POST", "/canarytoken/create_factory", 200, "@factory/create_factory.json")
	f.on(t, "GET", "/canarytoken/list_factories", 200, "@factory/list_factories.json")
	dl := f.on(t, "DELETE", "/canarytoken/delete_factory", 200, "@factory/delete_factory.json")
	f.on(t, "GET", "/canarytokens/factory/list", 200, "@factory/factory_kinds.json")
	ctx := context.Background()

	fac, err := f.c.Factories.Create(ctx, "", "EC2 boot")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"flock_id": {DefaultFlockID}, "memo": {"EC2 boot"}}, (*cr)[0].Form, "flock_id is always sent")
	assert.Equal(t, Sensitive("<factory_auth_token>"), fac.Auth)
	assert.Equal(t, "/api/v1/canarytoken/factory", fac.URL)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", fac, *fac, fac.Auth), "<factory_auth_token>")

	list, err := f.c.Factories.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "Example Memo 2", list[1].Memo)
	assert.Equal(t, "<Factory Auth String 2>", list[1].Auth.Reveal())

	require.NoError(t, f.c.Factories.Delete(ctx, "<factory_auth_token>"))
	assert.Equal(t, url.Values{"factory_auth": {"<factory_auth_token>"}}, (*dl)[0].Form)

	kinds, err := f.c.Factories.Kinds(ctx)
	require.NoError(t, err)
	assert.Len(t, kinds, 27)
	assert.Equal(t, "WireGuard VPN", kinds[KindWireGuard])
}

func TestFactoryDeleteMasksTheStringInErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const secret = "f4c70ry-s3cr3t-0001"
	f.on(t, "DELETE", "/canarytoken/delete_factory", 404, `{"message": "No factory `+secret+`", "result": "error"}`)
	err := f.c.Factories.Delete(context.Background(), secret)
	require.ErrorIs(t, err, ErrNotFound)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, string(ae.Body), secret)
	assert.NotContains(t, f.logs.String(), secret)
}

func TestFactoryClientGolden(t *testing.T) {
	t.Parallel()
	const secret = "f4c70ry-s3cr3t-0002"
	mt := httpmock.NewMockTransport()
	var logs syncBuffer
	fc, err := NewFactoryClient(secret, WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{MaxAttempts: 1}),
		WithLogger(newDebugLogger(&logs)))
	require.NoError(t, err)
	var form url.Values
	mt.RegisterResponder("POST", testBase+"/canarytoken/factory/create", func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.Header.Get("X-Canary-Auth-Token"), "a factory client sends no API key")
		require.NoError(t, r.ParseForm())
		form = r.PostForm
		return httpmock.NewStringResponse(200, golden(t, "factory/factory_create.json")), nil
	})
	mt.RegisterResponder("GET", testBase+"/canarytoken/factory/download", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, secret, r.URL.Query().Get("factory_auth"))
		return httpmock.NewStringResponse(401, `{"message": "Invalid factory_auth `+secret+`", "result": "error"}`), nil
	})
	tok, err := fc.Create(context.Background(), CreateTokenRequest{Kind: KindAWSID, Memo: "Example Memo", FlockID: "flock:x"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"factory_auth": {secret}, "kind": {"aws-id"}, "memo": {"Example Memo"}, "flock_id": {"flock:x"}}, form)
	assert.Equal(t, "<token_code>", tok.ID)
	assert.Equal(t, Sensitive("<factory_auth_token>"), tok.FactoryAuth)

	_, err = fc.Download(context.Background(), "<token_code>")
	require.ErrorIs(t, err, ErrUnauthorized)
	for _, s := range []string{err.Error(), logs.String(), fmt.Sprintf("%v %+v %#v %s", fc, fc, fc, *fc)} {
		assert.NotContains(t, s, secret)
	}
	assert.True(t, strings.Contains(logs.String(), "factory_auth="), "the request was logged")
}

func TestNewFactoryClientValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		auth string
		opts []Option
	}{
		"empty":        {"", []Option{WithBaseURL(testBase)}},
		"short":        {"abc", []Option{WithBaseURL(testBase)}},
		"space":        {"abc def ghi", []Option{WithBaseURL(testBase)}},
		"no console":   {"f4c70ry-s3cr3t-0003", nil},
		"with api key": {"f4c70ry-s3cr3t-0003", []Option{WithBaseURL(testBase), WithAuthToken(testToken)}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := NewFactoryClient(tc.auth, tc.opts...)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			if tc.auth != "" {
				assert.NotContains(t, err.Error(), tc.auth)
			}
		})
	}
	fc, err := NewFactoryClient("f4c70ry-s3cr3t-0003", WithBaseURL(testBase))
	require.NoError(t, err)
	_, err = fc.Create(context.Background(), CreateTokenRequest{Kind: KindGmail, Memo: "x"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = fc.Create(context.Background(), CreateTokenRequest{Kind: KindDNS, Memo: "x", Extra: url.Values{"factory_auth": {"other"}}})
	require.ErrorAs(t, err, &ve, "Extra cannot smuggle another factory string")
}
