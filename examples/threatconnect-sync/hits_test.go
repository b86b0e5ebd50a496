package main

import (
	"bytes"
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken/decoy"
)

// TestReadHitsFromDecoyJSONLines reads back what honeytoken/decoy's JSONLines
// notifier really writes: one alert per line, the hit nested in it.
func TestReadHitsFromDecoyJSONLines(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	jl := decoy.NewJSONLines(&b)
	require.NoError(t, jl.Notify(context.Background(), decoy.Alert{ID: "a1", Count: 2, FirstSeen: at, LastSeen: at,
		Hit: decoy.Hit{ID: "h1", Time: at, TokenID: "ht_01", Format: "aws-access-key", Memo: "infra/.env",
			RemoteIP: netip.MustParseAddr("::ffff:203.0.113.50"), UserAgent: "aws-cli/2.15.0", Method: "GET", Path: "/"}}))
	b.WriteString(`{"token_id":"ht_02","remote_ip":"198.51.100.23"}` + "\n") // a bare hit still reads

	hits, err := readHits(&b, "hits.jsonl")
	require.NoError(t, err)
	require.Len(t, hits, 2)
	assert.Equal(t, Hit{TokenID: "ht_01", Format: "aws-access-key", Memo: "infra/.env", RemoteIP: "203.0.113.50",
		UserAgent: "aws-cli/2.15.0", Time: at}, hits[0])
	assert.Equal(t, "ht_02", hits[1].TokenID)
}
