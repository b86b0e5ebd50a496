package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/textsafe"
)

// timeLayout is how reports print times (always UTC).
const timeLayout = "2006-01-02 15:04:05 UTC"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

func fmtPercent(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) + "%" }

func fmtDays(d float64) string { return strconv.FormatFloat(d, 'f', -1, 64) + " days" }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// clean makes text from the Console (memos, kinds, IPs) safe to print, by the
// module's one rule for outside text (internal/textsafe): control characters,
// which could drive a terminal, and bidirectional overrides, which could
// reorder what is shown, become spaces or "?".
func clean(s string) string { return textsafe.Replace(s) }

// errWriter remembers the first write error so renderers can write freely
// and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) println(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s+"\n")
	}
}

// severityCounts returns "1 critical, 3 high, 0 medium, 2 low, 0 info".
func severityCounts(fs []Finding) string {
	counts := map[Severity]int{}
	for _, f := range fs {
		counts[f.Severity]++
	}
	parts := make([]string, 0, 5)
	for _, s := range []Severity{Critical, High, Medium, Low, Info} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
	}
	return strings.Join(parts, ", ")
}

func kindList(ks []canary.Kind, quote func(string) string) string {
	if len(ks) == 0 {
		return "none"
	}
	ss := make([]string, len(ks))
	for i, k := range ks {
		ss[i] = quote(string(k))
	}
	return strings.Join(ss, ", ")
}

func tokensLine(c *CoverageSection) string {
	return fmt.Sprintf("%d (%d enabled, %d disabled; %d triggered, %d never triggered)",
		c.Tokens, c.Enabled, c.Disabled, c.Triggered, c.NeverTriggered)
}

func scoreLine(c *CoverageSection, recommended int) string {
	return fmt.Sprintf("%d of %d recommended kinds have an enabled token (disabled tokens do not count)",
		len(c.Deployed), recommended)
}

func sourcesNote(s SourceSummary) string {
	if s.Exact {
		return ""
	}
	return fmt.Sprintf("More source IPs were seen than the %d tracked: per-IP counts are estimates (Incidents overstates by at most its count error).", s.Distinct)
}

func incidentsLine(sec *IncidentSection) string {
	sources := plural(sec.Sources.Distinct, "source IP")
	if !sec.Sources.Exact {
		sources = "more than " + sources
	}
	line := fmt.Sprintf("%d (%d unacknowledged) from %s", sec.Total, sec.Unacknowledged, sources)
	if sec.Total > 0 {
		line += fmt.Sprintf("; first seen %s, last seen %s", fmtTime(sec.FirstSeen), fmtTime(sec.LastSeen))
	}
	return line
}

func tokensHit(s SourceIP) string {
	if s.TokensHitAtLeast {
		return strconv.Itoa(s.TokensHit) + "+"
	}
	return strconv.Itoa(s.TokensHit)
}

func countWithError(s SourceIP) string {
	if s.CountError > 0 {
		return fmt.Sprintf("%d (±%d)", s.Incidents, s.CountError)
	}
	return strconv.Itoa(s.Incidents)
}

func deletedName(d DeletedTokenIncidents) string {
	switch {
	case d.NodeID != "":
		return "node " + d.NodeID
	case d.TokenID != "":
		return "token " + d.TokenID
	}
	return "(unnamed)"
}

// WriteJSON writes the report as indented JSON followed by a newline: the
// same document as json.Marshal, laid out for people and diffs.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
