package audit

import (
	"io"
	"strings"
)

// WriteMarkdown renders the report as a GitHub-flavoured Markdown document:
// a summary, the findings with their recommendations, then one section per
// part of the report. Text from the Console (memos, kinds, addresses) is
// escaped so it cannot break a table or inject HTML.
func (r *Report) WriteMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	c := &r.Coverage
	ew.printf("# Deception audit (%s)\n\n", r.Scope)
	ew.printf("Generated %s · schema version %d\n\n", fmtTime(r.GeneratedAt), r.SchemaVersion)

	ew.println("## Summary\n")
	ew.printf("- **Coverage score: %s**: %s.\n", fmtPercent(c.ScorePercent), scoreLine(c, len(r.Settings.RecommendedKinds)))
	ew.printf("- Tokens: %s.\n", tokensLine(c))
	if r.Hygiene != nil {
		ew.printf("- Stale tokens: %d older than %s (%d without a creation time).\n",
			r.Hygiene.Stale, fmtDays(r.Hygiene.RotationPeriodDays), r.Hygiene.UnknownAge)
	}
	if r.Incidents != nil {
		ew.printf("- Incidents: %s.\n", md(incidentsLine(r.Incidents)))
	}
	if r.Estate != nil {
		ew.printf("- Estate: %s.\n", md(estateLine(r.Estate)))
	}
	ew.printf("- Findings: %s.\n\n", severityCounts(r.Findings))

	ew.println("## Findings\n")
	if len(r.Findings) == 0 {
		ew.println("No findings.\n")
	} else {
		ew.println("| # | Severity | Finding | Recommendation |")
		ew.println("|---:|---|---|---|")
		for i, f := range r.Findings {
			ew.printf("| %d | %s | %s | %s |\n", i+1, f.Severity, md(f.Title), md(f.Recommendation))
		}
		ew.println("")
	}

	ew.println("## Coverage\n")
	ew.printf("Score: **%s**, the %s.\n\n", fmtPercent(c.ScorePercent), ScoreBasis)
	ew.println("| Kind | Description | Recommended | Tokens | Enabled | Disabled | Triggered | Never triggered |")
	ew.println("|---|---|---|---:|---:|---:|---:|---:|")
	for _, k := range c.ByKind {
		desc := k.Description
		if !k.Known {
			desc = "(unknown kind)"
		}
		ew.printf("| %s | %s | %s | %d | %d | %d | %d | %d |\n", code(string(k.Kind)), md(desc), yesNo(k.Recommended),
			k.Tokens, k.Enabled, k.Disabled, k.Triggered, k.NeverTriggered)
	}
	ew.println("")
	ew.printf("- Missing recommended kinds: %s\n", kindList(c.Missing, code))
	ew.printf("- Kinds with only disabled tokens: %s\n", kindList(c.DisabledOnly, code))
	ew.printf("- Unknown kinds: %s\n\n", kindList(c.UnknownKinds, code))

	if h := r.Hygiene; h != nil {
		ew.printf("## Stale tokens (older than %s)\n\n", fmtDays(h.RotationPeriodDays))
		if h.Stale == 0 {
			ew.println("None.\n")
		} else {
			ew.println("| Kind | Stale tokens |")
			ew.println("|---|---:|")
			for _, kc := range h.StaleByKind {
				ew.printf("| %s | %d |\n", code(string(kc.Kind)), kc.Count)
			}
			ew.printf("\nOldest %d of %d:\n\n", len(h.OldestStale), h.Stale)
			writeTokenTable(ew, h.OldestStale)
		}
	}

	if sec := r.Incidents; sec != nil {
		writeIncidentsMarkdown(ew, sec)
	}
	if r.Estate != nil {
		writeEstateMarkdown(ew, r.Estate)
	}
	return ew.err
}

func writeTokenTable(ew *errWriter, ts []TokenRef) {
	ew.println("| Token | Kind | Memo | Enabled | Created |")
	ew.println("|---|---|---|---|---|")
	for _, t := range ts {
		ew.printf("| %s | %s | %s | %s | %s |\n", code(t.ID), code(string(t.Kind)), md(t.Memo), yesNo(t.Enabled), fmtTime(t.Created))
	}
	ew.println("")
}

func writeIncidentsMarkdown(ew *errWriter, sec *IncidentSection) {
	ew.println("## Incidents\n")
	ew.println("| Measure | Value |")
	ew.println("|---|---:|")
	for _, row := range []struct {
		k string
		v any
	}{
		{"Total", sec.Total}, {"Unacknowledged", sec.Unacknowledged}, {"Acknowledged", sec.Acknowledged},
		{"On current tokens", sec.OnTokens}, {"On deleted tokens", sec.OnDeletedTokens},
		{"On Canary devices", sec.OnDevices}, {"Tokens with incidents", sec.TokensWithIncidents},
		{"Source IPs", sec.Sources.Distinct}, {"Incidents without a source IP", sec.Sources.Unknown},
		{"First seen", fmtTime(sec.FirstSeen)}, {"Last seen", fmtTime(sec.LastSeen)},
	} {
		ew.printf("| %s | %v |\n", row.k, row.v)
	}
	ew.println("")
	if sec.Total == 0 {
		return
	}

	ew.println("### By kind\n")
	ew.println("| Kind | Incidents | Unacknowledged |")
	ew.println("|---|---:|---:|")
	for _, k := range sec.ByKind {
		ew.printf("| %s | %d | %d |\n", code(string(k.Kind)), k.Incidents, k.Unacknowledged)
	}
	ew.println("")

	if len(sec.ByToken) > 0 {
		ew.printf("### By token (top %d of %d)\n\n", len(sec.ByToken), sec.TokensWithIncidents)
		writeTokenIncidents(ew, sec.ByToken)
	}

	if len(sec.TopSources) > 0 {
		ew.println("### Top source IPs\n")
		if note := sourcesNote(sec.Sources); note != "" {
			ew.printf("%s\n\n", note)
		}
		writeSources(ew, sec.TopSources)
	}

	ew.println("### Repeat sources (IPs that hit several tokens)\n")
	// A repeat source already in the top source IPs is named, not given a
	// second row.
	shown := map[string]bool{}
	for _, s := range sec.TopSources {
		shown[s.IP] = true
	}
	var above []string
	var rest []SourceIP
	for _, s := range sec.RepeatSources {
		if shown[s.IP] {
			above = append(above, code(s.IP))
		} else {
			rest = append(rest, s)
		}
	}
	switch {
	case len(sec.RepeatSources) == 0:
		ew.println("None.\n")
	case len(above) > 0:
		ew.printf("In the top source IPs above: %s.\n\n", strings.Join(above, ", "))
	}
	if len(rest) > 0 {
		writeSources(ew, rest)
	}

	if sec.DisabledWithIncidentsCount > 0 {
		ew.printf("### Disabled tokens with incidents (%d)\n\n", sec.DisabledWithIncidentsCount)
		writeTokenIncidents(ew, sec.DisabledWithIncidents)
	}

	if sec.OnDeletedTokens > 0 {
		ew.printf("### Incidents on deleted tokens (%d)\n\n", sec.OnDeletedTokens)
		ew.println("| Deleted token | Kind | Memo | Incidents | Unacknowledged | Last seen |")
		ew.println("|---|---|---|---:|---:|---|")
		for _, d := range sec.DeletedTokens {
			ew.printf("| %s | %s | %s | %d | %d | %s |\n", md(deletedName(d)), code(string(d.Kind)), md(d.Memo),
				d.Incidents, d.Unacknowledged, fmtTime(d.LastSeen))
		}
		ew.println("")
	}
}

func writeTokenIncidents(ew *errWriter, ts []TokenIncidents) {
	ew.println("| Token | Kind | Memo | Enabled | Incidents | Unacknowledged | First seen | Last seen |")
	ew.println("|---|---|---|---|---:|---:|---|---|")
	for _, t := range ts {
		ew.printf("| %s | %s | %s | %s | %d | %d | %s | %s |\n", code(t.Token.ID), code(string(t.Token.Kind)),
			md(t.Token.Memo), yesNo(t.Token.Enabled), t.Incidents, t.Unacknowledged, fmtTime(t.FirstSeen), fmtTime(t.LastSeen))
	}
	ew.println("")
}

func writeSources(ew *errWriter, ss []SourceIP) {
	ew.println("| Source IP | Incidents | Unacknowledged | Tokens hit | First seen | Last seen |")
	ew.println("|---|---:|---:|---:|---|---|")
	for _, s := range ss {
		ew.printf("| %s | %s | %d | %s | %s | %s |\n", code(s.IP), countWithError(s), s.Unacknowledged,
			tokensHit(s), fmtTime(s.FirstSeen), fmtTime(s.LastSeen))
	}
	ew.println("")
}

// mdEscaper escapes what Markdown would read as formatting, table syntax or
// HTML.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "#", `\#`, "~", `\~`,
)

// md escapes text for a Markdown table cell or paragraph.
func md(s string) string { return mdEscaper.Replace(clean(s)) }

// code renders s as inline code; a backtick or pipe inside falls back to
// escaped text.
func code(s string) string {
	s = clean(s)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`|") {
		return md(s)
	}
	return "`" + s + "`"
}
