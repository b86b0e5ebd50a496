package audit

import (
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText renders the report for a terminal: plain aligned columns, no
// colour, at most 100 columns wide except for long memos. Text from the
// Console is cleaned of control characters so it cannot drive the terminal.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	c := &r.Coverage
	ew.printf("DECEPTION AUDIT (%s), generated %s, schema version %d\n\n", r.Scope, fmtTime(r.GeneratedAt), r.SchemaVersion)

	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	tew := &errWriter{w: tw}
	tew.printf("Coverage score\t%s: %s\n", fmtPercent(c.ScorePercent), scoreLine(c, len(r.Settings.RecommendedKinds)))
	tew.printf("Tokens\t%s\n", tokensLine(c))
	tew.printf("Missing kinds\t%s\n", kindList(c.Missing, clean))
	if len(c.DisabledOnly) > 0 {
		tew.printf("Disabled-only kinds\t%s\n", kindList(c.DisabledOnly, clean))
	}
	if len(c.UnknownKinds) > 0 {
		tew.printf("Unknown kinds\t%s\n", kindList(c.UnknownKinds, clean))
	}
	if r.Hygiene != nil {
		tew.printf("Stale tokens\t%d older than %s\n", r.Hygiene.Stale, fmtDays(r.Hygiene.RotationPeriodDays))
	}
	if r.Incidents != nil {
		tew.printf("Incidents\t%s\n", incidentsLine(r.Incidents))
	}
	if r.Estate != nil {
		tew.printf("Estate\t%s\n", clean(estateLine(r.Estate)))
	}
	tew.printf("Findings\t%s\n", severityCounts(r.Findings))
	flush(ew, tew, tw)

	ew.println("\nFINDINGS")
	if len(r.Findings) == 0 {
		ew.println("  none")
	}
	for _, f := range r.Findings {
		ew.printf("  %-10s %s\n", "["+strings.ToUpper(string(f.Severity))+"]", clean(f.Title))
		ew.printf("  %-10s -> %s\n", "", clean(f.Recommendation))
	}

	ew.println("\nCOVERAGE BY KIND")
	tw, tew = table(ew)
	tew.println("  KIND\tRECOMMENDED\tTOKENS\tENABLED\tDISABLED\tTRIGGERED\tNEVER TRIGGERED")
	for _, k := range c.ByKind {
		tew.printf("  %s\t%s\t%d\t%d\t%d\t%d\t%d\n", clean(string(k.Kind)), yesNo(k.Recommended),
			k.Tokens, k.Enabled, k.Disabled, k.Triggered, k.NeverTriggered)
	}
	flush(ew, tew, tw)

	if h := r.Hygiene; h != nil && h.Stale > 0 {
		ew.printf("\nOLDEST STALE TOKENS (%d of %d)\n", len(h.OldestStale), h.Stale)
		tw, tew = table(ew)
		tew.println("  TOKEN\tKIND\tCREATED\tMEMO")
		for _, t := range h.OldestStale {
			tew.printf("  %s\t%s\t%s\t%s\n", clean(t.ID), clean(string(t.Kind)), fmtTime(t.Created), clean(t.Memo))
		}
		flush(ew, tew, tw)
	}

	if sec := r.Incidents; sec != nil && sec.Total > 0 {
		ew.println("\nINCIDENTS BY KIND")
		tw, tew = table(ew)
		tew.println("  KIND\tINCIDENTS\tUNACKNOWLEDGED")
		for _, k := range sec.ByKind {
			tew.printf("  %s\t%d\t%d\n", clean(string(k.Kind)), k.Incidents, k.Unacknowledged)
		}
		flush(ew, tew, tw)
		if len(sec.ByToken) > 0 {
			ew.printf("\nINCIDENTS BY TOKEN (top %d of %d)\n", len(sec.ByToken), sec.TokensWithIncidents)
			textTokenIncidents(ew, sec.ByToken)
		}
		if len(sec.TopSources) > 0 {
			ew.println("\nTOP SOURCE IPS")
			if note := sourcesNote(sec.Sources); note != "" {
				ew.printf("  %s\n", note)
			}
			textSources(ew, sec.TopSources)
		}
		if len(sec.RepeatSources) > 0 {
			ew.println("\nREPEAT SOURCES (hit several tokens)")
			// A repeat source already in TOP SOURCE IPS is named, not
			// printed again row for row.
			shown := map[string]bool{}
			for _, s := range sec.TopSources {
				shown[s.IP] = true
			}
			var above []string
			var rest []SourceIP
			for _, s := range sec.RepeatSources {
				if shown[s.IP] {
					above = append(above, clean(s.IP))
				} else {
					rest = append(rest, s)
				}
			}
			if len(above) > 0 {
				ew.printf("  in TOP SOURCE IPS above: %s\n", strings.Join(above, ", "))
			}
			if len(rest) > 0 {
				textSources(ew, rest)
			}
		}
		if sec.DisabledWithIncidentsCount > 0 {
			ew.printf("\nDISABLED TOKENS WITH INCIDENTS (%d)\n", sec.DisabledWithIncidentsCount)
			textTokenIncidents(ew, sec.DisabledWithIncidents)
		}
		if sec.OnDeletedTokens > 0 {
			ew.printf("\nINCIDENTS ON DELETED TOKENS (%d)\n", sec.OnDeletedTokens)
			tw, tew = table(ew)
			tew.println("  DELETED TOKEN\tKIND\tINCIDENTS\tUNACK\tLAST SEEN\tMEMO")
			for _, d := range sec.DeletedTokens {
				tew.printf("  %s\t%s\t%d\t%d\t%s\t%s\n", clean(deletedName(d)), clean(string(d.Kind)),
					d.Incidents, d.Unacknowledged, fmtTime(d.LastSeen), clean(d.Memo))
			}
			flush(ew, tew, tw)
		}
	}
	if r.Estate != nil {
		writeEstateText(ew, r.Estate)
	}
	return ew.err
}

func table(ew *errWriter) (*tabwriter.Writer, *errWriter) {
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	return tw, &errWriter{w: tw}
}

// flush flushes a table and carries its first error over to ew.
func flush(ew, tew *errWriter, tw *tabwriter.Writer) {
	if err := tw.Flush(); tew.err == nil {
		tew.err = err
	}
	if ew.err == nil {
		ew.err = tew.err
	}
}

func textTokenIncidents(ew *errWriter, ts []TokenIncidents) {
	tw, tew := table(ew)
	tew.println("  TOKEN\tKIND\tENABLED\tINCIDENTS\tUNACK\tLAST SEEN\tMEMO")
	for _, t := range ts {
		tew.printf("  %s\t%s\t%s\t%d\t%d\t%s\t%s\n", clean(t.Token.ID), clean(string(t.Token.Kind)), yesNo(t.Token.Enabled),
			t.Incidents, t.Unacknowledged, fmtTime(t.LastSeen), clean(t.Token.Memo))
	}
	flush(ew, tew, tw)
}

func textSources(ew *errWriter, ss []SourceIP) {
	tw, tew := table(ew)
	tew.println("  SOURCE IP\tINCIDENTS\tUNACK\tTOKENS HIT\tFIRST SEEN\tLAST SEEN")
	for _, s := range ss {
		tew.printf("  %s\t%s\t%d\t%s\t%s\t%s\n", clean(s.IP), countWithError(s), s.Unacknowledged,
			tokensHit(s), fmtTime(s.FirstSeen), fmtTime(s.LastSeen))
	}
	flush(ew, tew, tw)
}
