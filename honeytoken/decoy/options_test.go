package decoy

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidOptionPanicsInHandlerAndMiddleware(t *testing.T) {
	t.Parallel()
	g := newGen(t, "options")
	cases := []struct {
		name string
		opt  Option
		want string
	}{
		{"nil clock", WithClock(nil), "decoy: option WithClock: must not be nil"},
		{"zero prefix", WithTrustedProxies(netip.MustParsePrefix("10.0.0.0/8"), netip.Prefix{}), "decoy: option WithTrustedProxies: prefix #2"},
		{"bad credential header", WithCredentialHeaders("X Acme"), "decoy: option WithCredentialHeaders:"},
		{"empty record header", WithRecordHeaders(""), "decoy: option WithRecordHeaders:"},
		{"status 42", WithResponse(Response{Status: 42}), "decoy: option WithResponse: Status 42"},
		{"negative delay", WithCleanResponse(Response{Delay: -time.Second}), "decoy: option WithCleanResponse: Delay"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, build := range []func(){
				func() { Handler(g, c.opt) },
				func() { Middleware(g, http.NotFoundHandler(), c.opt) },
			} {
				var got any
				func() {
					defer func() { got = recover() }()
					build()
				}()
				require.NotNil(t, got, "an invalid option must panic")
				err, ok := got.(error)
				require.True(t, ok, "panics with the option's error, got %T", got)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Contains(t, err.Error(), c.want)
			}
		})
	}
	assert.NotPanics(t, func() { Handler(g, nil, WithRecorder(nil), WithLogger(nil), WithResponse(Response{Status: 200})) },
		"nil options and nil recorder/logger mean the defaults")
}

func TestInvalidWebhookOptionIsAnError(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]WebhookOption{
		"nil client":        WithWebhookClient(nil),
		"header name":       WithWebhookHeader("Bad:Name", "v"),
		"header value":      WithWebhookHeader("X-Ok", "v\n"),
		"empty header name": WithWebhookHeader("", "v"),
	} {
		_, err := NewWebhook("https://example.com/h", opt)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Contains(t, ve.Field, "option WithWebhook", name)
		_, err = NewSlack("https://hooks.slack.com/services/x", opt)
		require.ErrorAs(t, err, &ve, name)
	}
}
