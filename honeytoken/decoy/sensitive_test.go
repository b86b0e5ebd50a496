package decoy

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotifiersRenderRedacted: a Webhook or Slack notifier prints and logs
// its host only, never the URL's path or query nor a header value.
func TestNotifiersRenderRedacted(t *testing.T) {
	t.Parallel()
	const pathSecret, querySecret, headerSecret = "T000/B000/pathsecretvalue", "querysecretvalue", "headersecretvalue"
	wh, err := NewWebhook("https://hooks.example/"+pathSecret+"?k="+querySecret, WithWebhookHeader("Authorization", "Bearer "+headerSecret))
	require.NoError(t, err)
	sl, err := NewSlack("https://hooks.slack.com/services/" + pathSecret)
	require.NoError(t, err)
	for name, v := range map[string]any{"*Webhook": wh, "Webhook": *wh, "*Slack": sl, "Slack": *sl,
		"in a struct": struct{ N Notifier }{wh}, "in a slice": []Notifier{wh, sl}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				fmt.Fprintf(&b, verb+"\n", v)
			}
			var logs bytes.Buffer
			slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "n", v)
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "n", v)
			out := b.String() + logs.String()
			for _, s := range []string{pathSecret, "pathsecretvalue", querySecret, headerSecret} {
				assert.NotContains(t, out, s)
			}
		})
	}
	assert.Equal(t, `decoy.Webhook{URL: "https://hooks.example/[REDACTED]"}`, fmt.Sprintf("%#v", wh))
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "n", sl)
	assert.Contains(t, logs.String(), `"url":"https://hooks.slack.com/[REDACTED]"`)
}
