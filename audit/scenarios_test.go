package audit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

// TestFullScenarios runs Full over the acceptance estates, each with
// figures worked out by hand in the comments.
func TestFullScenarios(t *testing.T) {
	t.Parallel()
	type want struct {
		score                                  float64
		missing                                int
		tokens, enabled, triggered             int
		total, unacked, onTokens, onDeleted    int
		onDevices, tokensWithIncidents, srcIPs int
		rules                                  map[string]int // findings per rule
	}
	tests := []struct {
		name string
		src  Source
		want want
	}{
		{
			// Nothing at all: 0 of 10 kinds, no division by zero anywhere.
			name: "empty console", src: &memSource{},
			want: want{score: 0, missing: 10, rules: map[string]int{RuleNoEnabledTokens: 1, RuleMissingKind: 10}},
		},
		{
			// One enabled token of each of the 10 kinds, 1 day old, quiet.
			name: "full estate", src: &memSource{tokens: recommendedEstate()},
			want: want{score: 100, tokens: 10, enabled: 10, rules: map[string]int{}},
		},
		{
			// dns and aws-id only have disabled tokens: 8 of 10 = 80%. The
			// disabled dns token was hit once (unacknowledged).
			name: "disabled-only kinds",
			src: func() Source {
				ts := recommendedEstate()
				ts[1].Enabled, ts[4].Enabled = false, false // dns, aws-id
				return &memSource{tokens: ts, incidents: []*canary.Incident{inc("t-dns", "192.0.2.1", false, 5)}}
			}(),
			want: want{score: 80, missing: 2, tokens: 10, enabled: 8, triggered: 1, total: 1, unacked: 1, onTokens: 1,
				tokensWithIncidents: 1, srcIPs: 1,
				rules: map[string]int{RuleDisabledOnlyKind: 2, RuleDisabledTokenWithIncidents: 1,
					RuleUnacknowledgedIncidents: 1, RuleUnacknowledgedSource: 1}},
		},
		{
			// 3 incidents on two deleted tokens (node IDs nobody owns), one
			// acknowledged, from two addresses; the one address that hit both
			// deleted tokens is a repeat source with 1 unacknowledged.
			name: "incidents on deleted tokens",
			src: &memSource{tokens: recommendedEstate(), incidents: []*canary.Incident{
				inc("gone1", "198.51.100.1", false, 3), inc("gone2", "198.51.100.1", true, 2), inc("gone2", "198.51.100.2", false, 1),
			}},
			want: want{score: 100, tokens: 10, enabled: 10, total: 3, unacked: 2, onDeleted: 3, srcIPs: 2,
				rules: map[string]int{RuleDeletedTokenIncidents: 1, RuleUnacknowledgedIncidents: 1, RuleRepeatSource: 1,
					RuleUnacknowledgedSource: 1}},
		},
		{
			// Two tokens of kinds this SDK does not know; one hit twice.
			// They count as tokens, not towards the score (0 of 10).
			name: "unknown kinds",
			src: &memSource{
				tokens: []*canary.Token{tok("u1", "quantum-token", true, 1), tok("u2", "quantum-token", true, 1)},
				incidents: []*canary.Incident{inc("u1", "203.0.113.9", true, 1), inc("u1", "203.0.113.9", true, 2),
					{Logtype: "4002", NodeID: "bird-1", SourceHost: "203.0.113.9", Acknowledged: true, Created: ago(3)}},
			},
			want: want{score: 0, missing: 10, tokens: 2, enabled: 2, triggered: 1, total: 3, onTokens: 2, onDevices: 1,
				tokensWithIncidents: 1, srcIPs: 1,
				rules: map[string]int{RuleMissingKind: 10, RuleUnknownKind: 1}},
		},
		{
			// 50,000 incidents on the one token, 1 in 4 acknowledged
			// (i%4 == 0: 12,500), from 250 addresses.
			name: "1 token with 50,000 incidents",
			src: &genSource{tokens: []*canary.Token{tok("solo", canary.KindAWSID, true, 30)}, n: 50000,
				make: func(i int) *canary.Incident {
					x := inc("solo", fmt.Sprintf("192.0.2.%d", i%250), i%4 == 0, 0)
					x.Created = now.Add(-time.Duration(i) * time.Second)
					return x
				}},
			want: want{score: 10, missing: 9, tokens: 1, enabled: 1, triggered: 1, total: 50000, unacked: 37500,
				onTokens: 50000, tokensWithIncidents: 1, srcIPs: 250,
				rules: map[string]int{RuleMissingKind: 9, RuleUnacknowledgedIncidents: 1, RuleUnacknowledgedSource: DefaultTopN}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Full(context.Background(), tc.src, &Options{Now: fixedNow})
			require.NoError(t, err)
			c, s := r.Coverage, r.Incidents
			got := want{
				score: c.ScorePercent, missing: len(c.Missing), tokens: c.Tokens, enabled: c.Enabled, triggered: c.Triggered,
				total: s.Total, unacked: s.Unacknowledged, onTokens: s.OnTokens, onDeleted: s.OnDeletedTokens,
				onDevices: s.OnDevices, tokensWithIncidents: s.TokensWithIncidents, srcIPs: s.Sources.Distinct,
				rules: map[string]int{},
			}
			for _, f := range r.Findings {
				got.rules[f.Rule]++
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, s.Total, s.Unacknowledged+s.Acknowledged)
			assert.Equal(t, s.Total, s.OnTokens+s.OnDeletedTokens+s.OnDevices)
			assert.True(t, s.Sources.Exact)
		})
	}
}
