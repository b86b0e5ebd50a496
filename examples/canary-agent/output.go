package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/decoykit/decoykit/audit"
)

// Output formats for -o/--output.
const (
	formatTable    = "table"    // aligned columns, long text clipped (the default)
	formatWide     = "wide"     // table with the long columns, unclipped
	formatJSON     = "json"     // machine-readable
	formatMarkdown = "markdown" // a Markdown table or report
)

// checkOutput validates -o and folds --json into it.
func (g *globals) checkOutput() error {
	switch g.output {
	case "", formatTable, formatWide, formatJSON, formatMarkdown:
	case "md":
		g.output = formatMarkdown
	default:
		return usagef("-o %q: choose table, wide, json or markdown", g.output)
	}
	if g.json {
		if g.output != "" && g.output != formatJSON {
			return usagef("choose --json or -o %s, not both", g.output)
		}
		g.output = formatJSON
	}
	if g.output == "" {
		g.output = formatTable
	}
	return nil
}

// format is the output format, after checkOutput.
func (e *env) format() string { return e.g.output }

func (e *env) wantJSON() bool { return e.g.output == formatJSON }

// plainOnly refuses markdown for a command whose output is one line or a
// key-value block: table and wide print it as text, json as JSON.
func (e *env) plainOnly(cmd string) error {
	if e.g.output == formatMarkdown {
		return usagef("%s prints no markdown; use -o table or -o json", cmd)
	}
	return nil
}

// writeMarkdownTable writes a GitHub-flavoured Markdown table, escaping
// the pipes and line breaks that would break a row.
func writeMarkdownTable(w io.Writer, header []string, rows [][]string) error {
	esc := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ")
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = esc.Replace(oneLine(c))
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// findingsError is --fail-on's verdict: the report found something at or
// above the threshold. Exit status 3.
type findingsError struct {
	threshold audit.Severity
	counts    map[audit.Severity]int
	total     int
}

func (e *findingsError) Error() string {
	var parts []string
	for _, s := range []audit.Severity{audit.Critical, audit.High, audit.Medium, audit.Low} {
		if n := e.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return fmt.Sprintf("%d %s at or above %s (%s) (--fail-on %s)", e.total, pluralWord(e.total, "finding"),
		e.threshold, strings.Join(parts, ", "), e.threshold)
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// parseFailOn reads --fail-on.
func parseFailOn(s string) (audit.Severity, error) {
	switch sev := audit.Severity(strings.ToLower(strings.TrimSpace(s))); sev {
	case "":
		return "", nil
	case audit.Critical, audit.High, audit.Medium, audit.Low:
		return sev, nil
	}
	return "", usagef("--fail-on %q: choose critical, high, medium or low", s)
}

// failOn returns a *findingsError when rep has findings at or above
// threshold, nil otherwise or when no threshold is set.
func failOn(rep *audit.Report, threshold audit.Severity) error {
	if threshold == "" {
		return nil
	}
	fe := &findingsError{threshold: threshold, counts: map[audit.Severity]int{}}
	for _, f := range rep.Findings {
		if f.Severity.Rank() <= threshold.Rank() {
			fe.counts[f.Severity]++
			fe.total++
		}
	}
	if fe.total == 0 {
		return nil
	}
	return fe
}
