package canary

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSettingsIgnoreListsGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ip := f.on(t, "GET", "/settings/is_ip_ignored", 200, "@settings/is_ip_ignored.json")
	hn := f.on(t, "GET", "/settings/is_hostname_whitelisted", 200, "@settings/is_hostname_whitelisted.json")
	add := f.on(t, "POST", "/settings/whitelist_ip_port", 200, "@settings/whitelist_ip_port.json")
	ctx := context.Background()

	chk, err := f.c.Settings.IsIPIgnored(ctx, "10.0.0.2", 22) // the documented body has no "result"
	require.NoError(t, err)
	assert.Equal(t, &IgnoreCheck{Ignored: true, ListEnabled: true}, chk)
	assert.Equal(t, url.Values{"src_ip": {"10.0.0.2"}, "dst_port": {"22"}}, (*ip)[0].Query)

	chk, err = f.c.Settings.IsHostnameIgnored(ctx, "scanner.example.com", 0)
	require.NoError(t, err)
	assert.Equal(t, &IgnoreCheck{Ignored: true, ListEnabled: true}, chk)
	assert.Equal(t, url.Values{"hostname": {"scanner.example.com"}}, (*hn)[0].Query)

	require.NoError(t, f.c.Settings.IgnoreIP(ctx, "10.0.0.2", 5000), `success with a "message" is not an error`)
	assert.Equal(t, url.Values{"src_ip": {"10.0.0.2"}, "dst_port": {"5000"}}, (*add)[0].Form)
}

func TestSettingsIgnoredKeyVariants(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body    string
		want    *IgnoreCheck
		wantErr error
	}{
		"docs key":       {`{"is_ip_whitelisted": false, "is_whitelist_enabled": true}`, &IgnoreCheck{ListEnabled: true}, nil},
		"other key":      {`{"is_ip_ignored": "True", "is_whitelist_enabled": "True", "result": "success"}`, &IgnoreCheck{Ignored: true, ListEnabled: true}, nil},
		"neither":        {`{"result": "success"}`, nil, ErrMalformedResponse},
		"error envelope": {`{"message": "Missing src_ip", "result": "error"}`, nil, ErrInvalidRequest},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.on(t, "GET", "/settings/is_ip_ignored", 200, tc.body)
			got, err := f.c.Settings.IsIPIgnored(context.Background(), "10.0.0.2", 0)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSettingsGetRedactsTheAPIKey(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const key = "another-global-key-77aa"
	f.on(t, "GET", "/settings", 200, `{"auth_token": "`+key+`", "console_domain": "acme.canary.tools", "syslog_enabled": false, "result": "success"}`)
	s, err := f.c.Settings.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, key, s.AuthToken.Reveal())
	assert.Equal(t, "acme.canary.tools", s.ConsoleDomain)
	assert.NotContains(t, s.Values, "auth_token")
	assert.Contains(t, s.Values, "syslog_enabled")
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", s, *s, s), key)
}

func TestSettingsValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"ip":        func() error { _, err := f.c.Settings.IsIPIgnored(ctx, "10.0.0", 0); return err },
		"port":      func() error { _, err := f.c.Settings.IsIPIgnored(ctx, "10.0.0.1", 70000); return err },
		"hostname":  func() error { _, err := f.c.Settings.IsHostnameIgnored(ctx, "a b", 0); return err },
		"host port": func() error { _, err := f.c.Settings.IsHostnameIgnored(ctx, "a.example", -1); return err },
		"add ip":    func() error { return f.c.Settings.IgnoreIP(ctx, "not-an-ip", 0) },
		"add port":  func() error { return f.c.Settings.IgnoreIP(ctx, "10.0.0.1", 65536) },
	} {
		t.Run(name, func(t *testing.T) {
			var ve *ValidationError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
