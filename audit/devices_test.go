package audit_test

import (
	"context"
	"encoding/json"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// TestEstateOverDemoEstate freezes the estate part of a full audit of
// canarytest.DemoEstate (the estate section and its findings) as
// testdata/estate_demo.golden.json. Checked by hand against DemoEstate: 9
// birds in 5 flocks; LON-SQL (London Office) dead 9 days and EU-JUMPHOST
// (Datacentre EU) dead 30 hours, both critical; NAS-BACKUP 4.1.0,
// LON-SQL 3.9.2 and EU-SWITCH 4.0.3 behind 4.2.1; Staging has no birds,
// Branch Offices no tokens; the 42 tokens spread over the four flocks that
// take tokens (11, 11, 10, 10), every incident counted in its token's flock.
func TestEstateOverDemoEstate(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return goldenClock }))
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.DemoEstate())
	require.NoError(t, err)
	r, err := audit.Full(context.Background(), audit.FromClient(srv.Client()), &audit.Options{Now: func() time.Time { return goldenClock }})
	require.NoError(t, err)
	require.NotNil(t, r.Estate)

	est := r.Estate
	assert.Equal(t, 9, est.Birds)
	assert.Equal(t, 2, est.Dead)
	assert.Equal(t, 3, est.Outdated)
	assert.Len(t, est.Flocks, 5)
	var tokens, incidents int
	for _, f := range est.Flocks {
		tokens += f.Tokens
		incidents += f.Incidents
	}
	assert.Equal(t, r.Coverage.Tokens, tokens, "every token is in one flock")
	assert.Equal(t, r.Incidents.Total, incidents, "every incident is in one flock")
	require.Len(t, est.DeadBirds, 2)
	assert.Equal(t, "LON-SQL", est.DeadBirds[0].Name)
	assert.Equal(t, 9.0, est.DeadBirds[0].DownForDays)
	assert.Equal(t, "EU-JUMPHOST", est.DeadBirds[1].Name)
	assert.Equal(t, 1.3, est.DeadBirds[1].DownForDays)

	var findings []audit.Finding
	for _, f := range r.Findings {
		switch f.Rule {
		case audit.RuleDeadBird, audit.RuleOutdatedBirds, audit.RuleFlockWithoutBirds, audit.RuleFlockWithoutTokens:
			findings = append(findings, f)
		}
	}
	got, err := json.MarshalIndent(struct {
		Estate   *audit.EstateSection `json:"estate"`
		Findings []audit.Finding      `json:"findings"`
	}{est, findings}, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "estate_demo.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	if d := firstDiff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden file (if intended, rerun with -update and review the diff):\n%s", path, d)
	}
}

// birdSource is a BirdSource over slices.
type birdSource struct {
	tokens    []*canary.Token
	incidents []*canary.Incident
	birds     *audit.Birds
	err       error
}

func (s birdSource) Tokens(context.Context) iter.Seq2[*canary.Token, error] {
	return func(yield func(*canary.Token, error) bool) {
		for _, t := range s.tokens {
			if !yield(t, nil) {
				return
			}
		}
	}
}

func (s birdSource) Incidents(context.Context) iter.Seq2[*canary.Incident, error] {
	return func(yield func(*canary.Incident, error) bool) {
		for _, i := range s.incidents {
			if !yield(i, nil) {
				return
			}
		}
	}
}

func (s birdSource) Birds(context.Context) (*audit.Birds, error) { return s.birds, s.err }

func TestEstateFindings(t *testing.T) {
	t.Parallel()
	now := goldenClock
	src := birdSource{
		tokens: []*canary.Token{
			{ID: "t1", Kind: canary.KindHTTP, Enabled: true, FlockID: "flock:a", NodeID: "n1"},
			{ID: "t2", Kind: canary.KindDNS, Enabled: false, FlockID: "flock:a", NodeID: "n2"},
		},
		incidents: []*canary.Incident{
			{NodeID: "n1", FlockID: "flock:a", SourceHost: "192.0.2.1"},
			{NodeID: "n1", FlockID: "flock:a", SourceHost: "192.0.2.1", Acknowledged: true},
		},
		birds: &audit.Birds{
			LatestVersion: "3.0",
			Flocks: []*canary.FlockSummary{
				{ID: "flock:a", Name: "A", Members: []string{"00000000000000a1", "t1", "t2"}},
				{ID: "flock:b", Name: "B <script>"},
			},
			Devices: []*canary.Device{
				{ID: "00000000000000a1", Name: "live-new", Live: true, Version: "3.0"}, // placed by the summary
				{ID: "00000000000000a2", Name: "dead-old", FlockID: "flock:a", Version: "2.9.9", LastSeen: now.Add(-36 * time.Hour)},
				{ID: "00000000000000a3", Name: "dead-unknown", FlockID: "flock:a", Version: "3.0"},
			},
		},
	}
	r, err := audit.Full(context.Background(), src, &audit.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	est := r.Estate
	require.NotNil(t, est)
	assert.Equal(t, 3, est.Birds)
	assert.Equal(t, 1, est.Live)
	assert.Equal(t, 2, est.Dead)
	assert.Equal(t, 1, est.Outdated)
	require.Len(t, est.Flocks, 2)
	a := est.Flocks[0]
	assert.Equal(t, audit.FlockRow{ID: "flock:a", Name: "A", Birds: 3, LiveBirds: 1, DeadBirds: 2, Tokens: 2, EnabledTokens: 1,
		ScorePercent: 10, Missing: a.Missing, Incidents: 2, Unacknowledged: 1}, a)
	assert.Equal(t, 1.5, est.DeadBirds[0].DownForDays)
	assert.Zero(t, est.DeadBirds[1].DownForDays, "no last contact: no down time")

	rules := map[string]int{}
	for _, f := range r.Findings {
		rules[f.Rule]++
	}
	assert.Equal(t, 2, rules[audit.RuleDeadBird])
	assert.Equal(t, 1, rules[audit.RuleOutdatedBirds])
	assert.Equal(t, 1, rules[audit.RuleFlockWithoutBirds], "B")
	assert.Equal(t, 1, rules[audit.RuleFlockWithoutTokens], "B")
	assert.Equal(t, audit.Critical, r.Findings[0].Severity)
	assert.Equal(t, audit.RuleDeadBird, r.Findings[0].Rule)
	assert.Contains(t, r.Findings[0].Title, "1.5 days")

	var md strings.Builder
	require.NoError(t, r.WriteMarkdown(&md))
	assert.NotContains(t, md.String(), "<script>", "flock names are escaped")
	assert.Contains(t, md.String(), "## Estate (Canaries and flocks)")
}

func TestEstateBirdsError(t *testing.T) {
	t.Parallel()
	_, err := audit.Full(context.Background(), birdSource{err: canary.ErrUnauthorized}, nil)
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	assert.Contains(t, err.Error(), "audit: reading devices and flocks")
}

func TestCoverageHasNoEstate(t *testing.T) {
	t.Parallel()
	r, err := audit.Coverage(context.Background(), birdSource{birds: &audit.Birds{}}, nil)
	require.NoError(t, err)
	assert.Nil(t, r.Estate)
}
