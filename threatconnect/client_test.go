package threatconnect_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []threatconnect.Option
		wantField string
		wantText  string
	}{
		{"empty access id", []threatconnect.Option{threatconnect.WithHMAC("", "secret")}, "access ID", "must not be empty"},
		{"blank access id", []threatconnect.Option{threatconnect.WithHMAC("  ", "secret")}, "access ID", "must not be empty"},
		{"empty secret", []threatconnect.Option{threatconnect.WithHMAC("AID", "")}, "secret key", "must not be empty"},
		{"blank secret", []threatconnect.Option{threatconnect.WithHMAC("AID", " \t")}, "secret key", "must not be empty"},
		{"access id with colon", []threatconnect.Option{threatconnect.WithHMAC("A:B", "secret")}, "access ID", "':'"},
		{"empty token", []threatconnect.Option{threatconnect.WithAPIToken("")}, "API token", "must not be empty"},
		{"token with newline", []threatconnect.Option{threatconnect.WithAPIToken("ab\ncd")}, "API token", "control"},
		{"no credentials", nil, "credentials", "WithHMAC"},
		{"both credentials", []threatconnect.Option{threatconnect.WithHMAC("AID", "tc-test-secret"), threatconnect.WithAPIToken("tc-test-token")}, "credentials", "not both"},
		{"plain http to a remote host", []threatconnect.Option{threatconnect.WithBaseURL("http://tc.example/api"), threatconnect.WithAPIToken("tc-test-token")}, "base URL", "https"},
		{"relative base URL", []threatconnect.Option{threatconnect.WithBaseURL("/api"), threatconnect.WithAPIToken("tc-test-token")}, "base URL", "absolute"},
		{"base URL with a query", []threatconnect.Option{threatconnect.WithBaseURL("https://tc.example/api?x=1"), threatconnect.WithAPIToken("tc-test-token")}, "base URL", "query"},
		{"nil HTTP client", []threatconnect.Option{threatconnect.WithHTTPClient(nil), threatconnect.WithAPIToken("tc-test-token")}, "HTTP client", "nil"},
		{"negative retry", []threatconnect.Option{threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: -1}), threatconnect.WithAPIToken("tc-test-token")}, "retry policy", "negative"},
		{"multi-line user agent", []threatconnect.Option{threatconnect.WithUserAgent("a\r\nb"), threatconnect.WithAPIToken("tc-test-token")}, "user agent", "single line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := threatconnect.NewClient(tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			var ve *threatconnect.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field)
			assert.Contains(t, err.Error(), tt.wantText)
			assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
			assert.NotContains(t, err.Error(), "secret\"")
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c, err := threatconnect.NewClient(threatconnect.WithAPIToken("tc-test-token"))
	require.NoError(t, err)
	assert.Equal(t, threatconnect.DefaultBaseURL, c.BaseURL())
	c, err = threatconnect.NewClient(threatconnect.WithAPIToken("tc-test-token"), threatconnect.WithBaseURL("http://127.0.0.1:8080/api/"))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/api", c.BaseURL())
}

// TestSecretsNeverPrinted formats the client with every verb, drives the
// error paths with a logger at Debug, and greps everything for the secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	const secret, token = "hmac-SECRET-value-42", "TOKEN-value-0099"
	mt := httpmock.NewMockTransport()
	// Servers that echo what they got, including the secrets.
	mt.RegisterResponder("GET", "=~/v2/owners", httpmock.NewStringResponder(401, `{"status":"Failure","message":"Access Denied for `+secret+` / `+token+`"}`))
	mt.RegisterResponder("GET", "=~/v2/indicators", httpmock.NewStringResponder(500, "java.lang.Exception: key="+secret+" token="+token))
	mt.RegisterResponder("POST", "=~/v2/batch", httpmock.NewStringResponder(200, `{"status":"Failure","message":"bad `+secret+`"}`))
	mt.RegisterResponder("GET", "=~/v2/owners/mine", httpmock.NewStringResponder(200, `not json `+secret))
	mt.RegisterNoResponder(httpmock.NewErrorResponder(errors.New("dial tcp: connection refused " + secret)))

	for name, tc := range map[string]struct {
		auth   threatconnect.Option
		secret string
	}{"hmac": {threatconnect.WithHMAC("AID", secret), secret}, "token": {threatconnect.WithAPIToken(token), token}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), tc.auth,
				threatconnect.WithHTTPClient(&http.Client{Transport: mt}), threatconnect.WithLogger(logger),
				threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			var out []string
			ctx := context.Background()
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
				out = append(out, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, c.Indicators),
					fmt.Sprintf(verb, *c.Batch), fmt.Sprintf(verb, struct{ C *threatconnect.Client }{c}))
			}
			out = append(out, c.String(), c.GoString())
			logger.Info("client", "tc", c)
			_, err = c.Owners.List(ctx)
			require.Error(t, err)
			out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			var ae *threatconnect.APIError
			require.ErrorAs(t, err, &ae)
			out = append(out, string(ae.Body), ae.Message)
			_, err = c.Indicators.List(ctx, nil)
			require.Error(t, err)
			out = append(out, err.Error(), fmt.Sprintf("%#v", err))
			_, err = c.Batch.CreateJob(ctx, &threatconnect.BatchOptions{Owner: "Acme"})
			require.Error(t, err)
			out = append(out, err.Error())
			_, err = c.Owners.Mine(ctx)
			require.Error(t, err)
			out = append(out, err.Error())
			_, err = c.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Incident, Name: "x", EventDate: fixedTime}, nil)
			require.Error(t, err, "transport error path")
			out = append(out, err.Error(), fmt.Sprintf("%+v", err))

			all := strings.Join(out, "\n") + "\n" + logs.String()
			assert.NotContains(t, all, tc.secret)
			assert.Contains(t, all, "[REDACTED]", "the echoed secret was masked, not dropped silently")
			assert.Contains(t, logs.String(), "http request", "the logger was exercised")
		})
	}
}

func TestLogValue(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	c, err := threatconnect.NewClient(threatconnect.WithHMAC("AID", "the-secret-key"))
	require.NoError(t, err)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "tc", c)
	assert.Contains(t, logs.String(), threatconnect.DefaultBaseURL)
	assert.NotContains(t, logs.String(), "the-secret-key")
}
