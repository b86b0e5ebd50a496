package audit

import (
	"context"
	"iter"
	"time"

	"github.com/decoykit/decoykit/canary"
)

// now is the fixed report time of the unit tests.
var now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

// memSource is an in-memory Source over slices; tokErr and incErr, when
// set, are yielded after the items.
type memSource struct {
	tokens    []*canary.Token
	incidents []*canary.Incident
	tokErr    error
	incErr    error
}

func (m *memSource) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	return func(yield func(*canary.Token, error) bool) {
		for _, t := range m.tokens {
			if !yield(t, nil) {
				return
			}
		}
		if m.tokErr != nil {
			yield(nil, m.tokErr)
		}
	}
}

func (m *memSource) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	return func(yield func(*canary.Incident, error) bool) {
		for _, i := range m.incidents {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(i, nil) {
				return
			}
		}
		if m.incErr != nil {
			yield(nil, m.incErr)
		}
	}
}

// tok makes a token with ID id, node ID "node-"+id, created age days before now.
func tok(id string, kind canary.Kind, enabled bool, ageDays int) *canary.Token {
	t := &canary.Token{ID: id, Kind: kind, Memo: "memo " + id, Enabled: enabled, NodeID: "node-" + id}
	if ageDays >= 0 {
		t.Created = now.Add(-time.Duration(ageDays) * 24 * time.Hour)
	}
	return t
}

// inc makes a token incident on node "node-"+tokenID from ip, minutesAgo
// minutes before now.
func inc(tokenID, ip string, acked bool, minutesAgo int) *canary.Incident {
	return &canary.Incident{
		Key: "incident:canarytoken:" + tokenID + ":" + ip, Logtype: "17000", NodeID: "node-" + tokenID,
		SourceHost: ip, Acknowledged: acked, Created: now.Add(-time.Duration(minutesAgo) * time.Minute),
		Description: "Canarytoken triggered",
	}
}

// recommendedEstate returns one enabled, fresh token of each recommended kind.
func recommendedEstate() []*canary.Token {
	var ts []*canary.Token
	for _, k := range canary.RecommendedKinds() {
		ts = append(ts, tok("t-"+string(k), k, true, 1))
	}
	return ts
}

func findingsOf(r *Report, rule string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func recs(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Recommendation
	}
	return out
}
