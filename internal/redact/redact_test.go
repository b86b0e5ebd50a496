package redact

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLMasksSensitiveQueryAndUserinfo(t *testing.T) {
	t.Parallel()
	u, err := url.Parse("https://user:pw@x.canary.tools/api/v1/incidents/all?cursor=abc&auth_token=s3cr3t&limit=5")
	require.NoError(t, err)
	got := URL(u)
	assert.NotContains(t, got, "s3cr3t")
	assert.NotContains(t, got, "pw@")
	assert.Contains(t, got, "cursor=abc")
	assert.Contains(t, got, "auth_token=REDACTED")
	assert.Equal(t, "", URL(nil))
}

func TestURLUnparsableQueryIsMaskedWhole(t *testing.T) {
	t.Parallel()
	u := &url.URL{Scheme: "https", Host: "h", Path: "/p", RawQuery: "a=%zz&auth_token=s3cr3t"}
	assert.NotContains(t, URL(u), "s3cr3t")
}

func TestSecretsMasksAllEncodings(t *testing.T) {
	t.Parallel()
	ss := Secrets{"", "a b/c+d"}
	in := "plain a b/c+d query " + url.QueryEscape("a b/c+d") + " path " + url.PathEscape("a b/c+d")
	out := ss.String(in)
	assert.Equal(t, 3, strings.Count(out, Mask))
	assert.NotContains(t, out, "a b/c+d")
	b := []byte("nothing here")
	assert.Same(t, &b[0], &ss.Bytes(b)[0])
}

func TestIsSensitiveParam(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"auth_token", "AUTH_TOKEN", "factory_auth", "aws_session_token", "client_secret", "db_password"} {
		assert.True(t, IsSensitiveParam(k), k)
	}
	for _, k := range []string{"cursor", "limit", "memo", "kind"} {
		assert.False(t, IsSensitiveParam(k), k)
	}
}

func TestShortSecretsAreNotMasked(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "not found", Secrets{"t", "ot"}.String("not found"))
	assert.Equal(t, "[REDACTED] found", Secrets{"secret"}.String("secret found"))
}
