package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

func TestCoverage(t *testing.T) {
	t.Parallel()
	all := canary.RecommendedKinds()
	tests := []struct {
		name    string
		tokens  []*canary.Token
		opts    Options
		score   float64
		total   int
		enabled int
		trig    int
		missing []canary.Kind
		disOnly []canary.Kind
		unknown []canary.Kind
		rules   []string // rules of the findings, in order
	}{
		{
			name: "empty console", score: 0, missing: all,
			rules: []string{RuleNoEnabledTokens, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind,
				RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind},
		},
		{
			name: "full estate", tokens: recommendedEstate(), score: 100, total: 10, enabled: 10,
			missing: []canary.Kind{}, rules: []string{},
		},
		{
			// 3 of 10 kinds enabled; dns has only disabled tokens, so it is
			// missing and disabled-only; http has one enabled and one
			// disabled token, so it counts.
			name: "disabled-only kinds",
			tokens: []*canary.Token{
				tok("h1", canary.KindHTTP, true, 1), tok("h2", canary.KindHTTP, false, 1),
				tok("d1", canary.KindDNS, false, 1), tok("d2", canary.KindDNS, false, 1),
				tok("a1", canary.KindAWSID, true, 1), tok("p1", canary.KindPDF, true, 1),
				tok("w1", canary.KindWireGuard, false, 1),
			},
			score: 30, total: 7, enabled: 3,
			missing: []canary.Kind{canary.KindDNS, canary.KindMSWord, canary.KindWebImage, canary.KindClonedWeb,
				canary.KindQRCode, canary.KindSensitiveCmd, canary.KindWindowsDir},
			disOnly: []canary.Kind{canary.KindDNS, canary.KindWireGuard},
			rules: []string{RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind,
				RuleMissingKind, RuleDisabledOnlyKind, RuleDisabledOnlyKind},
		},
		{
			name: "only disabled tokens",
			tokens: []*canary.Token{
				tok("h1", canary.KindHTTP, false, 1),
			},
			score: 0, total: 1, missing: all, disOnly: []canary.Kind{canary.KindHTTP},
			rules: []string{RuleNoEnabledTokens, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind,
				RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleMissingKind, RuleDisabledOnlyKind},
		},
		{
			// Unknown kinds count as tokens but not towards the score; an
			// empty kind is reported as "(unknown)".
			name: "unknown kinds",
			tokens: func() []*canary.Token {
				ts := recommendedEstate()
				trig := tok("x1", "future-kind", true, 1)
				trig.TriggeredCount = 4
				return append(ts, trig, tok("x2", "future-kind", true, 1), tok("x3", "", true, 1))
			}(),
			score: 100, total: 13, enabled: 13, trig: 1, missing: []canary.Kind{},
			unknown: []canary.Kind{UnknownKind, "future-kind"},
			rules:   []string{RuleUnknownKind, RuleUnknownKind},
		},
		{
			// A custom set of three, one deployed: 33.3%.
			name:   "custom recommended set rounds to one decimal",
			tokens: []*canary.Token{tok("h1", canary.KindHTTP, true, 1)},
			opts:   Options{RecommendedKinds: []canary.Kind{canary.KindHTTP, canary.KindDNS, canary.KindHTTP, canary.KindAWSID}},
			score:  33.3, total: 1, enabled: 1,
			missing: []canary.Kind{canary.KindDNS, canary.KindAWSID},
			rules:   []string{RuleMissingKind, RuleMissingKind},
		},
		{
			// Two of three: 66.7%; the duplicate token ID is skipped, as is
			// a token without an ID.
			name: "duplicates and ID-less entries are skipped",
			tokens: []*canary.Token{tok("h1", canary.KindHTTP, true, 1), tok("h1", canary.KindHTTP, true, 1),
				{Kind: canary.KindDNS, Enabled: true}, tok("d1", canary.KindDNS, true, 1), nil},
			opts:  Options{RecommendedKinds: []canary.Kind{canary.KindHTTP, canary.KindDNS, canary.KindAWSID}},
			score: 66.7, total: 2, enabled: 2,
			missing: []canary.Kind{canary.KindAWSID},
			rules:   []string{RuleMissingKind},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := tc.opts
			opts.Now = fixedNow
			r, err := Coverage(context.Background(), &memSource{tokens: tc.tokens}, &opts)
			require.NoError(t, err)
			c := r.Coverage
			assert.Equal(t, ScopeCoverage, r.Scope)
			assert.Equal(t, SchemaVersion, r.SchemaVersion)
			assert.Equal(t, now, r.GeneratedAt)
			assert.Nil(t, r.Incidents)
			assert.Nil(t, r.Hygiene)
			assert.Equal(t, tc.score, c.ScorePercent)
			assert.Equal(t, tc.total, c.Tokens)
			assert.Equal(t, tc.enabled, c.Enabled)
			assert.Equal(t, tc.total-tc.enabled, c.Disabled)
			assert.Equal(t, tc.trig, c.Triggered)
			assert.Equal(t, tc.total-tc.trig, c.NeverTriggered)
			assert.Equal(t, tc.missing, c.Missing)
			assert.Equal(t, nilAsEmpty(tc.disOnly), c.DisabledOnly)
			assert.Equal(t, nilAsEmpty(tc.unknown), c.UnknownKinds)
			assert.Equal(t, ScoreBasis, c.ScoreBasis)
			rules := make([]string, len(r.Findings))
			for i, f := range r.Findings {
				rules[i] = f.Rule
			}
			assert.Equal(t, tc.rules, rules)
			// Invariants: the by-kind rows add up to the totals.
			var sum KindCoverage
			for _, k := range c.ByKind {
				sum.Tokens += k.Tokens
				sum.Enabled += k.Enabled
				sum.Triggered += k.Triggered
				assert.Equal(t, k.Tokens, k.Enabled+k.Disabled, k.Kind)
				assert.Equal(t, k.Tokens, k.Triggered+k.NeverTriggered, k.Kind)
			}
			assert.Equal(t, c.Tokens, sum.Tokens)
			assert.Equal(t, c.Enabled, sum.Enabled)
			assert.Equal(t, c.Triggered, sum.Triggered)
		})
	}
}

func nilAsEmpty(ks []canary.Kind) []canary.Kind {
	if ks == nil {
		return []canary.Kind{}
	}
	return ks
}

func TestCoverageRecommendations(t *testing.T) {
	t.Parallel()
	src := &memSource{tokens: []*canary.Token{
		tok("h1", canary.KindHTTP, true, 1), tok("d1", canary.KindDNS, false, 1), tok("d2", canary.KindDNS, false, 1),
		tok("p1", canary.KindPDF, false, 1),
	}}
	r, err := Coverage(context.Background(), src, &Options{Now: fixedNow,
		RecommendedKinds: []canary.Kind{canary.KindHTTP, canary.KindDNS, canary.KindAWSID, canary.KindPDF}})
	require.NoError(t, err)
	assert.Equal(t, []string{"deploy an aws-id token"}, recs(findingsOf(r, RuleMissingKind)))
	assert.Equal(t, []string{"enable or replace the 2 disabled dns tokens", "enable or replace the disabled pdf-acrobat-reader token"},
		recs(findingsOf(r, RuleDisabledOnlyKind)))
	assert.Equal(t, 25.0, r.Coverage.ScorePercent)
}

func TestArticle(t *testing.T) {
	t.Parallel()
	for k, want := range map[canary.Kind]string{
		canary.KindAWSID: "an", canary.KindHTTP: "an", canary.KindDNS: "a", canary.KindMSWord: "a",
		canary.KindQRCode: "a", canary.KindIDPApp: "an", canary.KindOffice365Mail: "an", "": "a",
	} {
		assert.Equal(t, want, article(k), k)
	}
}

func TestCoverageInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := &memSource{}
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"nil source", func() error { _, err := Coverage(ctx, nil, nil); return err }, "src"},
		{"nil source (Full)", func() error { _, err := Full(ctx, nil, &Options{}); return err }, "src"},
		{"empty recommended", func() error {
			_, err := Coverage(ctx, src, &Options{RecommendedKinds: []canary.Kind{}})
			return err
		}, "Options.RecommendedKinds"},
		{"blank recommended kind", func() error {
			_, err := Full(ctx, src, &Options{RecommendedKinds: []canary.Kind{"http", " "}})
			return err
		}, "Options.RecommendedKinds"},
		{"negative rotation", func() error { _, err := Full(ctx, src, &Options{RotationPeriod: -1}); return err }, "Options.RotationPeriod"},
		{"negative TopN", func() error { _, err := Full(ctx, src, &Options{TopN: -1}); return err }, "Options.TopN"},
		{"negative MaxSourceIPs", func() error { _, err := Full(ctx, src, &Options{MaxSourceIPs: -5}); return err }, "Options.MaxSourceIPs"},
		{"zero Now", func() error {
			_, err := Full(ctx, src, &Options{Now: func() time.Time { return time.Time{} }})
			return err
		}, "Options.Now"},
		{"nil client", func() error { _, err := Coverage(ctx, FromClient(nil), nil); return err }, "FromClient"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.run()
			var ve *canary.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotEmpty(t, ve.Reason)
			assert.ErrorIs(t, err, canary.ErrInvalidRequest)
		})
	}
}

func TestCoverageSourceError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Coverage(context.Background(), &memSource{tokens: recommendedEstate(), tokErr: boom}, nil)
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "audit: reading tokens")
}

func TestCoverageDefaultsAndNow(t *testing.T) {
	t.Parallel()
	r, err := Coverage(context.Background(), &memSource{}, nil)
	require.NoError(t, err)
	assert.Equal(t, canary.RecommendedKinds(), r.Settings.RecommendedKinds)
	assert.Equal(t, 180.0, r.Settings.RotationPeriodDays)
	assert.Equal(t, DefaultTopN, r.Settings.TopN)
	assert.Equal(t, DefaultMaxSourceIPs, r.Settings.MaxSourceIPs)
	assert.False(t, r.GeneratedAt.IsZero())
	assert.Equal(t, "UTC", r.GeneratedAt.Location().String())
}

func TestLongMemosAreShortened(t *testing.T) {
	t.Parallel()
	long := tok("m1", canary.KindHTTP, true, 1)
	long.Memo = strings.Repeat("é", 500)
	r, err := Full(context.Background(), &memSource{tokens: []*canary.Token{long},
		incidents: []*canary.Incident{inc("m1", "192.0.2.1", false, 1)}}, &Options{Now: fixedNow})
	require.NoError(t, err)
	memo := r.Incidents.ByToken[0].Token.Memo
	assert.Equal(t, maxMemo, len([]rune(memo)))
	assert.True(t, strings.HasSuffix(memo, "…"))
	assert.Equal(t, "abc", shorten("abc", 3))
	assert.Equal(t, "ab…", shorten("abcd", 3))
}
