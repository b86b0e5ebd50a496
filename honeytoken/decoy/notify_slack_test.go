package decoy

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlackMessage(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, func(int) int { return http.StatusOK })
	sl, err := NewSlack(srv.URL + "/services/T0001/B0001/slack-secret-path")
	require.NoError(t, err)
	require.NoError(t, sl.Notify(context.Background(), testAlert()))
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/services/T0001/B0001/slack-secret-path", reqs[0].Path)
	var p slackPayload
	require.NoError(t, json.Unmarshal(reqs[0].Body, &p))
	assert.Equal(t, ":rotating_light: Honeytoken used: github-classic `ghp_Ab12…` from 203.0.113.7 (3 hits)", p.Text)
	require.Len(t, p.Blocks, 2)
	var fields []string
	for _, f := range p.Blocks[1].Fields {
		fields = append(fields, f.Text)
	}
	assert.Contains(t, fields, "*Found in*\nauthorization Authorization")
	assert.Contains(t, fields, "*Request*\nGET /v1/user")
	assert.Contains(t, fields, "*Planted at*\ninfra/.env")
	assert.Contains(t, fields, "*Memo*\nCI runner")
	assert.Contains(t, fields, "*Seen*\n2026-11-25T10:00:00Z – 2026-11-25T10:00:04Z")
}

func TestSlackMessageFollowUp(t *testing.T) {
	t.Parallel()
	a := testAlert()
	a.FollowUpOf = "alert-0"
	assert.Equal(t, ":rotating_light: Honeytoken used again: github-classic `ghp_Ab12…` from 203.0.113.7 (3 more hits)", slackMessage(a).Text)
	a.Count = 1
	a.LastSeen = a.FirstSeen
	assert.Equal(t, ":rotating_light: Honeytoken used again: github-classic `ghp_Ab12…` from 203.0.113.7 (1 more hit)", slackMessage(a).Text)
}
