package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary/canarytest"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

// TestLiveWritesThroughTheChosenAPI publishes one new incident in live mode
// through v3 (an Event group, then one upsert per indicator carrying its
// tags, attribute and the association) and through v2 (a request per tag
// and attribute), and checks what ThreatConnect holds and what was sent.
func TestLiveWritesThroughTheChosenAPI(t *testing.T) {
	t.Parallel()
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			csrv := canarytest.NewServer()
			t.Cleanup(csrv.Close)
			_, err := csrv.Seed(canarytest.Estate{Tokens: 3, Incidents: 1, SourceIPs: []string{"203.0.113.9"}})
			require.NoError(t, err)
			var checkpoint int64
			for _, inc := range csrv.Incidents() {
				checkpoint = max(checkpoint, inc.UpdatedID)
			}
			var tok canarytest.Token
			for _, tk := range csrv.Tokens() {
				if tk.Enabled {
					tok = tk
					break
				}
			}
			inc, err := csrv.Trigger(tok.ID, "192.0.2.99")
			require.NoError(t, err)
			tsrv := tctest.NewServer(tctest.WithHMAC(demoAccessID, demoSecret))
			t.Cleanup(tsrv.Close)

			var out bytes.Buffer
			s := &syncer{canary: csrv.Client(), tc: tsrv.Client(), owner: "Common Community", scores: scores{3, 70}, out: &out, api: api}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			n, err := s.live(ctx, checkpoint, time.Second, "", func(handled int) bool { return handled >= 1 })
			require.NoError(t, err)
			require.Equal(t, 1, n)

			ind, ok := tsrv.Indicator("Common Community", "Address", "192.0.2.99")
			require.True(t, ok)
			assert.Contains(t, ind.Tags, "canary")
			assert.Contains(t, ind.Tags, tok.Kind)
			assert.Equal(t, 3.0, ind.Rating)
			assert.Equal(t, 70, ind.Confidence)
			assert.Equal(t, 1, ind.Observations)
			require.Len(t, ind.Attributes, 1)
			assert.Equal(t, "Description", ind.Attributes[0].Type)
			assert.Contains(t, ind.Attributes[0].Value, inc.Key)

			var v3Calls, v2Tags int
			for _, r := range tsrv.Requests() {
				if strings.HasPrefix(r.Path, "/api/v3/") {
					v3Calls++
				}
				if strings.Contains(r.Path, "/tags/") {
					v2Tags++
				}
			}
			groups := tsrv.Groups("Common Community")
			if api == "v2" {
				assert.Zero(t, v3Calls)
				assert.Positive(t, v2Tags)
				assert.Empty(t, groups)
				return
			}
			assert.Zero(t, v2Tags, "v3 sends the tags inside the upsert")
			require.Len(t, groups, 1)
			g := groups[0]
			assert.Equal(t, "Event", g.Type)
			assert.Contains(t, g.Name, inc.Key)
			assert.Contains(t, g.Tags, "canary")
			assert.Equal(t, []int64{g.ID}, ind.Groups, "the indicator is associated with the incident's event")
			sightings := 0
			for _, r := range tsrv.Requests() {
				if r.Method == "POST" && r.Path == "/api/v3/indicators" {
					sightings++
				}
			}
			associated := 0
			for _, x := range tsrv.Indicators("Common Community") {
				if len(x.Groups) == 1 && x.Groups[0] == g.ID {
					associated++
				}
			}
			assert.Positive(t, associated)
			assert.Equal(t, associated, sightings, "one upsert per indicator, each associated")
		})
	}
}
