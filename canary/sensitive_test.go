package canary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renderAll prints v every way a program might: each fmt verb, directly, by
// pointer and inside a struct, and through slog's text and JSON handlers.
func renderAll(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&b, verb+"\n", v)
		fmt.Fprintf(&b, verb+"\n", struct{ V any }{v})
		fmt.Fprintf(&b, verb+"\n", []any{v})
	}
	fmt.Fprintln(&b, v)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", v)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", v)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", slog.Group("g", "v", v))
	return b.String() + logs.String()
}

// TestSecretsRenderRedacted is the regression test for finding 5 (a
// CreateTokenRequest's AWSSecretKey in a slog JSON line) and covers every
// type of this package that can carry a secret.
func TestSecretsRenderRedacted(t *testing.T) {
	t.Parallel()
	const (
		awsSecret = "aws-secret-key-for-test-7c1d2e"
		session   = "aws-session-token-for-test-9f8e"
		factory   = "factory-auth-for-test-31ab"
		render    = "render-holds-secret-for-test-55"
		raw       = "raw-holds-secret-for-test-66"
		hook      = "webhook-shared-value-for-test-77"
	)
	secrets := []string{awsSecret, session, factory, render, raw, hook}
	req := CreateTokenRequest{Kind: KindAWSS3, Memo: "bucket", AWSAccessKey: "AKIA-test", AWSSecretKey: Sensitive(awsSecret), AWSSessionToken: Sensitive(session)}
	tok := Token{ID: "abc", Kind: KindAWSID, Memo: "m", SecretAccessKey: Sensitive(awsSecret), FactoryAuth: Sensitive(factory),
		Renders: map[string]string{"aws-id": "[default]\naws_secret_access_key = " + render}, Raw: json.RawMessage(`{"secret_access_key":"` + raw + `"}`)}
	opts := WebhookHandlerOptions{AuthHeader: "X-Auth", AuthValue: hook}
	for name, v := range map[string]any{
		"CreateTokenRequest": req, "*CreateTokenRequest": &req,
		"Token": tok, "*Token": &tok, "Page": &Page[*Token]{Items: []*Token{&tok}},
		"WebhookHandlerOptions": opts, "*WebhookHandlerOptions": &opts,
		"Sensitive": Sensitive(awsSecret),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := renderAll(v)
			for _, s := range secrets {
				require.NotContains(t, out, s)
			}
		})
	}
	// What is printed still says what the value is.
	assert.Contains(t, fmt.Sprintf("%#v", tok), `canary.Token{ID:"abc"`)
	assert.Contains(t, fmt.Sprintf("%+v", tok), "Memo:m")
	assert.Contains(t, fmt.Sprintf("%#v", req), "canary.CreateTokenRequest{Kind:")
	// A bare slice is not a type of this package: slog's JSON handler
	// encodes it with encoding/json, which keeps the secrets (documented
	// on Token); fmt still masks them.
	assert.NotContains(t, fmt.Sprintf("%+v %#v", []*Token{&tok}, []Token{tok}), awsSecret)
	// encoding/json keeps the secret, so a saved token can be deployed.
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.Contains(t, string(b), awsSecret)
}
