package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

func ago(minutes int) time.Time { return now.Add(-time.Duration(minutes) * time.Minute) }

func tokenEvent(code, kind string) canary.Event {
	return canary.Event{Type: kind, Fields: map[string]json.RawMessage{
		"canarytoken": json.RawMessage(`"` + code + `"`), "type": json.RawMessage(`"` + kind + `"`)}}
}

// mixedEstate is the hand-computed scenario of TestFull.
func mixedEstate() *memSource {
	byCode := inc("", "192.0.2.1", true, 50)
	byCode.NodeID = ""
	byCode.Events = []canary.Event{tokenEvent("a1", "aws-id")}
	noSource := inc("a1", "", false, 1000)
	gone := func(minutes int) *canary.Incident {
		i := inc("gone", "192.0.2.1", false, minutes)
		i.Memo = "old key"
		i.Events = []canary.Event{tokenEvent("gone-code", "aws-id")}
		return i
	}
	device := &canary.Incident{Key: "incident:httplogin:1", Logtype: "3001", NodeID: "bird-1",
		SourceHost: "198.51.100.2", Created: ago(60), Description: "HTTP Login Attempt"}
	return &memSource{
		tokens: []*canary.Token{
			tok("h1", canary.KindHTTP, true, 10), tok("h2", canary.KindHTTP, true, 200),
			tok("h3", canary.KindHTTP, false, 400), tok("d1", canary.KindDNS, true, 190),
			tok("a1", canary.KindAWSID, true, 5),
		},
		incidents: []*canary.Incident{
			inc("h1", "203.0.113.7", false, 10), inc("h1", "203.0.113.7", false, 20), inc("h1", "203.0.113.7", false, 30),
			inc("d1", "203.0.113.7", true, 5),
			inc("h3", "198.51.100.2", false, 100), inc("h3", "198.51.100.2", true, 200),
			gone(300), gone(400), byCode, device, noSource,
		},
	}
}

func TestFull(t *testing.T) {
	t.Parallel()
	r, err := Full(context.Background(), mixedEstate(), &Options{Now: fixedNow})
	require.NoError(t, err)
	assert.Equal(t, ScopeFull, r.Scope)

	c := r.Coverage
	assert.Equal(t, 30.0, c.ScorePercent) // http, dns, aws-id of 10
	assert.Equal(t, 5, c.Tokens)
	assert.Equal(t, 4, c.Enabled)
	assert.Equal(t, 4, c.Triggered) // h1, d1, h3, a1 have incidents; triggered_count is 0 on all
	assert.Equal(t, 1, c.NeverTriggered)

	h := r.Hygiene
	require.NotNil(t, h)
	assert.Equal(t, 3, h.Stale) // h2 (200 d), h3 (400 d), d1 (190 d)
	assert.Equal(t, []KindCount{{canary.KindHTTP, 2}, {canary.KindDNS, 1}}, h.StaleByKind)
	require.Len(t, h.OldestStale, 3)
	assert.Equal(t, []string{"h3", "h2", "d1"}, []string{h.OldestStale[0].ID, h.OldestStale[1].ID, h.OldestStale[2].ID})

	s := r.Incidents
	require.NotNil(t, s)
	assert.Equal(t, 11, s.Total)
	assert.Equal(t, 8, s.Unacknowledged)
	assert.Equal(t, 3, s.Acknowledged)
	assert.Equal(t, 8, s.OnTokens)
	assert.Equal(t, 2, s.OnDeletedTokens)
	assert.Equal(t, 1, s.OnDevices)
	assert.Equal(t, ago(1000), s.FirstSeen)
	assert.Equal(t, ago(5), s.LastSeen)
	assert.Equal(t, []KindIncidents{
		{Kind: canary.KindHTTP, Incidents: 5, Unacknowledged: 4},
		{Kind: canary.KindAWSID, Incidents: 4, Unacknowledged: 3},
		{Kind: canary.KindDNS, Incidents: 1, Unacknowledged: 0},
	}, s.ByKind)
	assert.Equal(t, 4, s.TokensWithIncidents)
	var ids []string
	for _, ti := range s.ByToken {
		ids = append(ids, ti.Token.ID)
	}
	assert.Equal(t, []string{"h1", "a1", "h3", "d1"}, ids)
	assert.Equal(t, TokenIncidents{Token: TokenRef{ID: "h1", Kind: canary.KindHTTP, Memo: "memo h1", Enabled: true,
		Created: now.Add(-10 * 24 * time.Hour)}, Incidents: 3, Unacknowledged: 3, FirstSeen: ago(30), LastSeen: ago(10)}, s.ByToken[0])
	assert.Equal(t, 1, s.DisabledWithIncidentsCount)
	require.Len(t, s.DisabledWithIncidents, 1)
	assert.Equal(t, "h3", s.DisabledWithIncidents[0].Token.ID)
	assert.Equal(t, []DeletedTokenIncidents{{NodeID: "node-gone", TokenID: "gone-code", Kind: canary.KindAWSID, Memo: "old key",
		Incidents: 2, Unacknowledged: 2, LastSeen: ago(300)}}, s.DeletedTokens)

	assert.Equal(t, SourceSummary{Distinct: 3, Exact: true, Unknown: 1}, s.Sources)
	assert.Equal(t, []SourceIP{
		{IP: "203.0.113.7", Incidents: 4, Unacknowledged: 3, TokensHit: 2, FirstSeen: ago(30), LastSeen: ago(5)},
		{IP: "192.0.2.1", Incidents: 3, Unacknowledged: 2, TokensHit: 2, FirstSeen: ago(400), LastSeen: ago(50)},
		{IP: "198.51.100.2", Incidents: 3, Unacknowledged: 2, TokensHit: 1, FirstSeen: ago(200), LastSeen: ago(60)},
	}, s.TopSources)
	assert.Equal(t, []string{"203.0.113.7", "192.0.2.1"}, []string{s.RepeatSources[0].IP, s.RepeatSources[1].IP})

	type fk struct {
		Rule     string
		Severity Severity
		Subject  string
		Count    int
	}
	var got []fk
	for _, f := range r.Findings {
		got = append(got, fk{f.Rule, f.Severity, f.Subject, f.Count})
	}
	want := []fk{
		{RuleRepeatSource, Critical, "203.0.113.7", 4},
		{RuleRepeatSource, Critical, "192.0.2.1", 3},
		{RuleUnacknowledgedIncidents, High, "", 8},
		{RuleUnacknowledgedSource, High, "198.51.100.2", 2},
	}
	for _, k := range []canary.Kind{canary.KindMSWord, canary.KindPDF, canary.KindWebImage, canary.KindClonedWeb,
		canary.KindQRCode, canary.KindSensitiveCmd, canary.KindWindowsDir} {
		want = append(want, fk{RuleMissingKind, Medium, string(k), 0})
	}
	want = append(want,
		fk{RuleDisabledTokenWithIncidents, Medium, "h3", 2},
		fk{RuleStaleTokens, Low, "http", 2},
		fk{RuleStaleTokens, Low, "dns", 1},
		fk{RuleDeletedTokenIncidents, Low, "", 2},
	)
	assert.Equal(t, want, got)

	assert.Equal(t, []string{"acknowledge or investigate 2 incidents from 198.51.100.2"}, recs(findingsOf(r, RuleUnacknowledgedSource)))
	assert.Equal(t, []string{
		"rotate the 2 http tokens older than 180 days: create replacements, plant them, then delete the old ones",
		"rotate the dns token older than 180 days: create replacements, plant them, then delete the old ones",
	}, recs(findingsOf(r, RuleStaleTokens)))
	rep := findingsOf(r, RuleRepeatSource)[0]
	assert.Equal(t, "203.0.113.7 triggered 2 different tokens (4 incidents, 3 unacknowledged)", rep.Title)
	assert.Equal(t, "investigate 203.0.113.7 as a likely intruder working through the estate, then acknowledge its 3 unacknowledged incidents", rep.Recommendation)
	assert.Equal(t, "2 incidents belong to 1 token that no longer exist (2 unacknowledged)",
		findingsOf(r, RuleDeletedTokenIncidents)[0].Title)
}

func TestFullEmptyConsole(t *testing.T) {
	t.Parallel()
	r, err := Full(context.Background(), &memSource{}, &Options{Now: fixedNow})
	require.NoError(t, err)
	assert.Equal(t, 0.0, r.Coverage.ScorePercent)
	assert.Equal(t, canary.RecommendedKinds(), r.Coverage.Missing)
	assert.Equal(t, &IncidentSection{
		ByKind: []KindIncidents{}, ByToken: []TokenIncidents{}, DisabledWithIncidents: []TokenIncidents{},
		DeletedTokens: []DeletedTokenIncidents{}, TopSources: []SourceIP{}, RepeatSources: []SourceIP{},
		Sources: SourceSummary{Exact: true},
	}, r.Incidents)
	assert.Equal(t, &HygieneSection{RotationPeriodDays: 180, StaleByKind: []KindCount{}, OldestStale: []TokenRef{}}, r.Hygiene)
	require.NotEmpty(t, r.Findings)
	assert.Equal(t, RuleNoEnabledTokens, r.Findings[0].Rule)
	// Lists are [] not null in JSON.
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "null")
}

// genSource generates incidents on the fly, so a test with many incidents
// holds none of them in memory.
type genSource struct {
	tokens []*canary.Token
	n      int
	make   func(i int) *canary.Incident
}

func (g *genSource) Tokens(context.Context) iter.Seq2[*canary.Token, error] {
	return (&memSource{tokens: g.tokens}).Tokens(context.Background())
}

func (g *genSource) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	return func(yield func(*canary.Incident, error) bool) {
		for i := range g.n {
			if !yield(g.make(i), nil) {
				return
			}
		}
	}
}

func TestFullOneTokenFiftyThousandIncidents(t *testing.T) {
	t.Parallel()
	// Incident i comes from one of 7 addresses, minute i after a start
	// time, and every 10th one is acknowledged: 45,000 unacknowledged.
	start := now.Add(-100 * 24 * time.Hour)
	src := &genSource{tokens: []*canary.Token{tok("only", canary.KindDNS, true, 1)}, n: 50000,
		make: func(i int) *canary.Incident {
			x := inc("only", fmt.Sprintf("203.0.113.%d", i%7), i%10 == 0, 0)
			x.Created = start.Add(time.Duration(i) * time.Minute)
			return x
		}}
	r, err := Full(context.Background(), src, &Options{Now: fixedNow})
	require.NoError(t, err)
	s := r.Incidents
	assert.Equal(t, 50000, s.Total)
	assert.Equal(t, 45000, s.Unacknowledged)
	assert.Equal(t, 50000, s.OnTokens)
	assert.Equal(t, start, s.FirstSeen)
	assert.Equal(t, start.Add(49999*time.Minute), s.LastSeen)
	require.Len(t, s.ByToken, 1)
	assert.Equal(t, 50000, s.ByToken[0].Incidents)
	assert.Equal(t, 45000, s.ByToken[0].Unacknowledged)
	assert.Equal(t, []KindIncidents{{Kind: canary.KindDNS, Incidents: 50000, Unacknowledged: 45000}}, s.ByKind)
	assert.Equal(t, SourceSummary{Distinct: 7, Exact: true}, s.Sources)
	require.Len(t, s.TopSources, 7)
	// 50000 = 7*7142 + 6: addresses .0 to .5 have 7143 incidents, .6 has 7142.
	assert.Equal(t, "203.0.113.0", s.TopSources[0].IP)
	assert.Equal(t, 7143, s.TopSources[0].Incidents)
	assert.Equal(t, "203.0.113.6", s.TopSources[6].IP)
	assert.Equal(t, 7142, s.TopSources[6].Incidents)
	assert.Empty(t, s.RepeatSources) // one token only
	assert.Equal(t, 1, r.Coverage.Triggered)
	assert.Len(t, findingsOf(r, RuleUnacknowledgedSource), 7)
}

func TestFullBoundedSourceIPs(t *testing.T) {
	t.Parallel()
	// One busy address (every other incident) among 500 one-off addresses,
	// with room for 10 counters: the busy one is still found, first, and
	// its count is within its error bound of the truth (500).
	src := &genSource{tokens: []*canary.Token{tok("t", canary.KindHTTP, true, 1)}, n: 1000,
		make: func(i int) *canary.Incident {
			ip := "203.0.113.200"
			if i%2 == 1 {
				ip = fmt.Sprintf("10.0.%d.%d", i/256, i%256)
			}
			return inc("t", ip, false, 0)
		}}
	r, err := Full(context.Background(), src, &Options{Now: fixedNow, MaxSourceIPs: 10, TopN: 3})
	require.NoError(t, err)
	s := r.Incidents
	assert.Equal(t, SourceSummary{Distinct: 10, Exact: false}, s.Sources)
	require.Len(t, s.TopSources, 3)
	top := s.TopSources[0]
	assert.Equal(t, "203.0.113.200", top.IP)
	assert.GreaterOrEqual(t, top.Incidents, 500)
	assert.LessOrEqual(t, top.Incidents-top.CountError, 500)
	var buf bytesBuffer
	require.NoError(t, r.WriteMarkdown(&buf))
	assert.Contains(t, buf.String(), "per-IP counts are estimates")
}

func TestFullErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("page 3: boom")
	_, err := Full(context.Background(), &memSource{tokens: recommendedEstate(), incidents: mixedEstate().incidents, incErr: boom},
		&Options{Now: fixedNow})
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "audit: reading incidents")

	_, err = Full(context.Background(), &memSource{tokErr: boom}, &Options{})
	require.ErrorIs(t, err, boom)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Full(ctx, mixedEstate(), &Options{Now: fixedNow})
	require.ErrorIs(t, err, context.Canceled)
}

func TestFullLinksByNodeBeforeCode(t *testing.T) {
	t.Parallel()
	// The node ID names t1 while the event names t2: node_id wins. An
	// incident without a node or code but with a token log type is on a
	// deleted token of unknown kind.
	i1 := inc("t1", "192.0.2.9", false, 1)
	i1.Events = []canary.Event{tokenEvent("t2", "dns")}
	i2 := &canary.Incident{Logtype: "16011", SourceHost: "192.0.2.9", Created: ago(2)}
	r, err := Full(context.Background(), &memSource{
		tokens:    []*canary.Token{tok("t1", canary.KindHTTP, true, 1), tok("t2", canary.KindDNS, true, 1)},
		incidents: []*canary.Incident{i1, i2},
	}, &Options{Now: fixedNow})
	require.NoError(t, err)
	s := r.Incidents
	assert.Equal(t, 1, s.OnTokens)
	assert.Equal(t, 1, s.OnDeletedTokens)
	assert.Equal(t, "t1", s.ByToken[0].Token.ID)
	assert.Equal(t, []DeletedTokenIncidents{{Kind: UnknownKind, Incidents: 1, Unacknowledged: 1, LastSeen: ago(2)}}, s.DeletedTokens)
	// t1 and the deleted token: a repeat source.
	require.Len(t, s.RepeatSources, 1)
	assert.Equal(t, 2, s.RepeatSources[0].TokensHit)
}

func TestFullTopNAndRotation(t *testing.T) {
	t.Parallel()
	var toks []*canary.Token
	var incs []*canary.Incident
	for i := range 30 {
		id := fmt.Sprintf("t%02d", i)
		toks = append(toks, tok(id, canary.KindHTTP, i%2 == 0, 40+i))
		for range i + 1 {
			incs = append(incs, inc(id, fmt.Sprintf("198.51.100.%d", i), true, i))
		}
	}
	r, err := Full(context.Background(), &memSource{tokens: toks, incidents: incs},
		&Options{Now: fixedNow, TopN: 5, RotationPeriod: 50 * 24 * time.Hour})
	require.NoError(t, err)
	s := r.Incidents
	assert.Equal(t, 30, s.TokensWithIncidents)
	require.Len(t, s.ByToken, 5)
	assert.Equal(t, "t29", s.ByToken[0].Token.ID)
	assert.Equal(t, 15, s.DisabledWithIncidentsCount)
	assert.Len(t, s.DisabledWithIncidents, 5)
	assert.Len(t, s.TopSources, 5)
	assert.Len(t, findingsOf(r, RuleDisabledTokenWithIncidents), 5)
	// Ages 40..69 days, rotation 50 days: ages 51..69 are stale (19).
	assert.Equal(t, 19, r.Hygiene.Stale)
	assert.Equal(t, 50.0, r.Hygiene.RotationPeriodDays)
	assert.Equal(t, "19 http tokens older than 50 days", findingsOf(r, RuleStaleTokens)[0].Title)
	assert.Empty(t, findingsOf(r, RuleUnacknowledgedIncidents))
}

func TestFullStaleFindingsRollUp(t *testing.T) {
	t.Parallel()
	// Seven kinds with stale tokens: http has 3, dns 2, the other five 1
	// each. The first five kinds get a finding each; the last two (by count,
	// then name) share one.
	kinds := []canary.Kind{canary.KindHTTP, canary.KindHTTP, canary.KindHTTP, canary.KindDNS, canary.KindDNS,
		canary.KindAWSID, canary.KindPDF, canary.KindQRCode, canary.KindWebImage, canary.KindWindowsDir}
	var toks []*canary.Token
	for i, k := range kinds {
		toks = append(toks, tok(fmt.Sprintf("s%d", i), k, true, 365))
	}
	r, err := Full(context.Background(), &memSource{tokens: toks}, &Options{Now: fixedNow})
	require.NoError(t, err)
	stale := findingsOf(r, RuleStaleTokens)
	require.Len(t, stale, 6)
	var subjects []string
	for _, f := range stale {
		subjects = append(subjects, f.Subject)
	}
	assert.Equal(t, []string{"http", "dns", "aws-id", "pdf-acrobat-reader", "qr-code", ""}, subjects)
	assert.Equal(t, "2 more tokens older than 180 days, across 2 other kinds", stale[5].Title)
	assert.Equal(t, "rotate the other 2 stale tokens older than 180 days (kinds web-image, windows-dir) the same way", stale[5].Recommendation)
	assert.Equal(t, 2, stale[5].Count)
}

func TestFullRepeatSourcesWithUnacknowledgedComeFirst(t *testing.T) {
	t.Parallel()
	// Three repeat sources, TopN 2: 10.0.0.1 hit 3 tokens (all acknowledged),
	// 10.0.0.2 hit 3 tokens (all acknowledged), 10.0.0.3 hit 2 tokens with
	// one unacknowledged. The report's list ranks by tokens hit; the
	// findings keep the unacknowledged (critical) one.
	toks := []*canary.Token{tok("a", canary.KindHTTP, true, 1), tok("b", canary.KindDNS, true, 1), tok("c", canary.KindAWSID, true, 1)}
	var incs []*canary.Incident
	for _, ip := range []string{"10.0.0.1", "10.0.0.2"} {
		for _, id := range []string{"a", "b", "c"} {
			incs = append(incs, inc(id, ip, true, 1))
		}
	}
	incs = append(incs, inc("a", "10.0.0.3", true, 1), inc("b", "10.0.0.3", false, 1))
	r, err := Full(context.Background(), &memSource{tokens: toks, incidents: incs}, &Options{Now: fixedNow, TopN: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.1", "10.0.0.2"}, []string{r.Incidents.RepeatSources[0].IP, r.Incidents.RepeatSources[1].IP})
	rs := findingsOf(r, RuleRepeatSource)
	require.Len(t, rs, 2)
	assert.Equal(t, "10.0.0.3", rs[0].Subject)
	assert.Equal(t, Critical, rs[0].Severity)
	assert.Equal(t, "10.0.0.1", rs[1].Subject)
	assert.Equal(t, Info, rs[1].Severity)
}
