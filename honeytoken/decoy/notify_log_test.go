package decoy

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogNotifier(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	a := testAlert()
	a.Hit.Geo = &Geo{Country: "NL\n"}
	require.NoError(t, LogNotifier(newTextLogger(&buf)).Notify(context.Background(), a))
	out := buf.String()
	assert.Equal(t, 1, strings.Count(out, "\n"), "one record per alert")
	for _, want := range []string{`level=WARN`, `msg="honeytoken used"`, "alert_id=alert-1", "count=3",
		"token_id=0011223344556677", "token=ghp_Ab12…", "found=authorization", "remote_ip=203.0.113.7",
		"location=infra/.env", `memo="CI runner"`, `country=NL\x0a`} {
		assert.Contains(t, out, want)
	}
}

func TestLogNotifierFollowUp(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	a := testAlert()
	require.NoError(t, LogNotifier(newTextLogger(&buf)).Notify(context.Background(), a))
	assert.NotContains(t, buf.String(), "follow_up_of", "a first alert names no other")
	buf.Reset()
	a.FollowUpOf = "alert-0"
	require.NoError(t, LogNotifier(newTextLogger(&buf)).Notify(context.Background(), a))
	assert.Contains(t, buf.String(), "follow_up_of=alert-0")
}
