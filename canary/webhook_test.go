package canary

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseGolden(t *testing.T, name string) *WebhookAlert {
	t.Helper()
	a, err := ParseWebhook(strings.NewReader(golden(t, "webhooks/"+name)))
	require.NoError(t, err)
	return a
}

func TestParseWebhookDocsCanaryIncident(t *testing.T) {
	t.Parallel()
	a := parseGolden(t, "docs_canary_incident.json")
	assert.Equal(t, WebhookCanaryIncident, a.Kind)
	assert.False(t, a.IsTest())
	assert.Equal(t, "CanaryIncident", a.AlertType)
	assert.Equal(t, "FTP Login Attempt", a.Description)
	assert.Equal(t, time.Date(2026, 2, 2, 14, 19, 2, 0, time.UTC), a.Timestamp)
	assert.Equal(t, "2026-02-02 14:19:02 (UTC)", a.TimestampText)
	assert.Equal(t, "bc84b27ca5327d9d7f915fadae7ef9a4", a.IncidentHash)
	assert.Equal(t, "192.168.1.1", a.SourceIP)
	assert.Equal(t, "2000", a.LogType)
	assert.Equal(t, "{}", a.MatchedAnnotations)
	require.NotNil(t, a.Canary)
	assert.Nil(t, a.Canarytoken)
	assert.Equal(t, WebhookCanary{Name: "canary", ID: "000123456789abcd", IP: "192.168.1.2", Location: "Server room A", Port: 21}, *a.Canary)
	require.Len(t, a.AdditionalDetails, 3)
	assert.Equal(t, WebhookDetail{Name: "Username", Value: "username", HasValue: true}, a.AdditionalDetails[0])
	v, ok := a.Detail("background context")
	assert.True(t, ok)
	assert.Equal(t, "You have had 2 incidents from 192.168.1.1 previously.", v)
	assert.False(t, a.SplunkWrapped)
	assert.Contains(t, string(a.Raw), `"CanaryLocation": "Server room A"`)
}

func TestParseWebhookDocsCanarytokenIncident(t *testing.T) {
	t.Parallel()
	a := parseGolden(t, "docs_canarytoken_incident.json")
	assert.Equal(t, WebhookCanarytokenIncident, a.Kind)
	assert.Nil(t, a.Canary, "token alerts have no CanaryName/CanaryID")
	require.NotNil(t, a.Canarytoken)
	assert.Equal(t, WebhookCanarytoken{Token: "xxxxxxxxxxxxxxxxxxxxxxxxx", Reminder: "Link in my inbox", Triggered: 1}, *a.Canarytoken)
	assert.Equal(t, "17000", a.LogType)
	port, ok := a.Detail("Dst Port")
	assert.True(t, ok)
	assert.Equal(t, "80", port, "numeric detail values become text")
	src, _ := a.Detail("Src Port")
	assert.Equal(t, "64487", src)
}

func TestParseWebhookTypeDrift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, a *WebhookAlert)
	}{
		{"test_event.json", func(t *testing.T, a *WebhookAlert) {
			assert.Equal(t, WebhookTest, a.Kind)
			assert.True(t, a.IsTest())
			assert.Equal(t, "CanaryIncident", a.AlertType)
			assert.Equal(t, "111111", a.LogType, "LogType sent as a number")
			assert.Empty(t, a.IncidentHash)
			assert.Equal(t, "flock:dummyincidentflock", a.Flock)
			require.NotNil(t, a.Canary)
			assert.Equal(t, 8080, a.Canary.Port)
		}},
		{"zulip_style_port_scan_string_port.json", func(t *testing.T, a *WebhookAlert) {
			assert.Equal(t, WebhookCanaryIncident, a.Kind)
			require.NotNil(t, a.Canary)
			assert.Equal(t, 443, a.Canary.Port, `CanaryPort "443"`)
			assert.Empty(t, a.LogType, "older payloads have no LogType")
			assert.Empty(t, a.MatchedAnnotations)
			targets, _ := a.Detail("Targets")
			assert.Equal(t, "192.0.2.10, 192.0.2.11", targets)
		}},
		{"zulip_style_msword_int_triggered.json", func(t *testing.T, a *WebhookAlert) {
			assert.Equal(t, WebhookCanarytokenIncident, a.Kind)
			require.NotNil(t, a.Canarytoken)
			assert.Equal(t, 5, a.Canarytoken.Triggered, "Triggered sent as an int")
			assert.Equal(t, "test document", a.Canarytoken.Reminder)
			assert.Equal(t, time.Date(2020, 7, 20, 14, 40, 15, 0, time.UTC), a.Timestamp)
		}},
		{"one_element_details_no_alerttype.json", func(t *testing.T, a *WebhookAlert) {
			assert.Equal(t, WebhookCanarytokenIncident, a.Kind, "inferred from Token/Reminder")
			assert.Empty(t, a.AlertType)
			require.NotNil(t, a.Canarytoken)
			assert.Zero(t, a.Canarytoken.Triggered, "null Triggered")
			require.Len(t, a.AdditionalDetails, 3, "empty, null and non-array items are skipped")
			assert.Equal(t, WebhookDetail{Name: "Background Context"}, a.AdditionalDetails[0])
			_, ok := a.Detail("Background Context")
			assert.False(t, ok, "a one-element pair has no value")
			geo, _ := a.Detail("Geo")
			assert.Equal(t, `{"country":"ZA"}`, geo)
			assert.Nil(t, a.Canary, `a token alert with a stray CanaryPort "N/A" has no device`)
		}},
		{"splunk_wrapped_canary_incident.json", func(t *testing.T, a *WebhookAlert) {
			assert.True(t, a.SplunkWrapped)
			assert.Equal(t, WebhookCanaryIncident, a.Kind)
			assert.Equal(t, "4002", a.LogType)
			require.NotNil(t, a.Canary)
			assert.Equal(t, 22, a.Canary.Port)
			assert.Equal(t, "bastion-decoy", a.Canary.Name)
			assert.NotContains(t, string(a.Raw), "sourcetype", "Raw is the unwrapped alert")
		}},
		{"console_audit.json", func(t *testing.T, a *WebhookAlert) {
			assert.Equal(t, WebhookConsoleAudit, a.Kind)
			require.NotNil(t, a.Audit)
			assert.Equal(t, "user_login", a.Audit.ActionType)
			assert.Equal(t, "analyst@example.com", a.Audit.User)
			assert.Equal(t, "User logged in", a.Description)
			assert.Equal(t, "flock:default", a.Flock)
			assert.Equal(t, time.Date(2026, 2, 4, 10, 11, 12, 345678000, time.UTC), a.Timestamp)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tt.check(t, parseGolden(t, tt.file))
		})
	}
}

func TestParseWebhookBadInput(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("a"), 20<<20)
	tests := []struct {
		name    string
		body    io.Reader
		tooBig  bool
		message string
	}{
		{"nil reader", nil, false, "no body"},
		{"empty", strings.NewReader("  "), false, "empty body"},
		{"truncated JSON", strings.NewReader(golden(t, "webhooks/malformed_truncated.json")), false, "truncated JSON"},
		{"syntax error", strings.NewReader(`{"AlertType": "CanaryIncident",, }`), false, "malformed JSON at byte"},
		{"array", strings.NewReader(`[{"AlertType":"CanaryIncident"}]`), false, "want a JSON object"},
		{"not an alert", strings.NewReader(`{"hello": "world"}`), false, "not a Console webhook alert"},
		{"object where a string belongs", strings.NewReader(`{"AlertType": {"x": 1}}`), false, "unexpected type"},
		{"details not a list", strings.NewReader(`{"AlertType": "CanaryIncident", "AdditionalDetails": "x"}`), false, "AdditionalDetails is not a list"},
		{"20 MiB body", bytes.NewReader(big), true, "more than 1048576 bytes"},
		{"20 MiB inside valid JSON", io.MultiReader(strings.NewReader(`{"Description":"`), bytes.NewReader(big), strings.NewReader(`"}`)), true, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := ParseWebhook(tt.body)
			assert.Nil(t, a)
			require.Error(t, err)
			if tt.tooBig {
				assert.ErrorIs(t, err, ErrWebhookTooLarge)
			} else {
				assert.ErrorIs(t, err, ErrInvalidWebhook)
			}
			assert.Contains(t, err.Error(), tt.message)
			assert.Less(t, len(err.Error()), 200, "the error never quotes the body")
		})
	}
}
