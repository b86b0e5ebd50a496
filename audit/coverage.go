package audit

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/decoykit/decoykit/canary"
)

// Coverage audits the tokens alone: tokens by kind, enabled and disabled,
// triggered (the Console's triggered_count above zero) and never triggered,
// the recommended kinds that are missing, and the coverage score, the
// percentage of the recommended kinds with at least one enabled token. It
// never reads incidents. A nil opts uses every default (it scores against
// canary.RecommendedKinds()).
//
// The report has Scope ScopeCoverage, a Coverage section and the findings
// about coverage; Hygiene and Incidents are nil.
func Coverage(ctx context.Context, src Source, opts *Options) (*Report, error) {
	s, err := prepare(src, opts)
	if err != nil {
		return nil, err
	}
	e, err := loadTokens(ctx, src)
	if err != nil {
		return nil, err
	}
	r := newReport(ScopeCoverage, s)
	r.Coverage = coverageOf(e, s)
	r.Findings = coverageFindings(&r.Coverage, s)
	sortFindings(r.Findings)
	return r, nil
}

func prepare(src Source, o *Options) (settings, error) {
	if src == nil {
		return settings{}, invalid("src", "is nil; use audit.FromClient, audit.FromJSON or audit.FromFiles")
	}
	if o == nil {
		o = &Options{}
	}
	return o.settings()
}

func newReport(scope Scope, s settings) *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Scope:         scope,
		GeneratedAt:   s.now,
		Settings: Settings{
			RecommendedKinds:   slices.Clone(s.recommended),
			RotationPeriodDays: days(s),
			TopN:               s.topN,
			MaxSourceIPs:       s.maxIPs,
		},
		Findings: []Finding{},
	}
}

func days(s settings) float64 { return math.Round(s.rotation.Hours()/24*100) / 100 }

// coverageOf builds the coverage section from the token states; a token is
// triggered when the Console counted a trigger or an incident links to it.
func coverageOf(e *estate, s settings) CoverageSection {
	c := CoverageSection{
		Deployed: []canary.Kind{}, Missing: []canary.Kind{},
		DisabledOnly: []canary.Kind{}, UnknownKinds: []canary.Kind{},
		ScoreBasis: ScoreBasis,
	}
	rows := map[canary.Kind]*KindCoverage{}
	row := func(k canary.Kind) *KindCoverage {
		if r, ok := rows[k]; ok {
			return r
		}
		r := &KindCoverage{Kind: k, Description: k.Description(), Known: k.Known(),
			Recommended: slices.Contains(s.recommended, k)}
		rows[k] = r
		return r
	}
	for _, k := range s.recommended {
		row(k)
	}
	for _, t := range e.tokens {
		r := row(kindOf(t.ref.Kind))
		r.Tokens++
		c.Tokens++
		if t.ref.Enabled {
			r.Enabled++
			c.Enabled++
		} else {
			r.Disabled++
			c.Disabled++
		}
		if t.triggered() {
			r.Triggered++
			c.Triggered++
		} else {
			r.NeverTriggered++
			c.NeverTriggered++
		}
	}
	for _, k := range s.recommended {
		c.ByKind = append(c.ByKind, *rows[k])
		if rows[k].Enabled > 0 {
			c.Deployed = append(c.Deployed, k)
		} else {
			c.Missing = append(c.Missing, k)
		}
	}
	var others []canary.Kind
	for k, r := range rows {
		if !r.Recommended {
			others = append(others, k)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i] < others[j] })
	for _, k := range others {
		c.ByKind = append(c.ByKind, *rows[k])
	}
	for _, r := range c.ByKind {
		if r.Tokens > 0 && r.Enabled == 0 {
			c.DisabledOnly = append(c.DisabledOnly, r.Kind)
		}
		if r.Tokens > 0 && !r.Known {
			c.UnknownKinds = append(c.UnknownKinds, r.Kind)
		}
	}
	c.ScorePercent = math.Round(float64(len(c.Deployed))/float64(len(s.recommended))*1000) / 10
	return c
}
