// Package clihelp prints the --help text of the example programs in one
// style: a usage line, a summary, the flags with GNU-style double dashes,
// the environment variables read and the exit statuses.
package clihelp

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Help describes a program's --help text.
type Help struct {
	// Usage is the synopsis after "usage: ", e.g. "canary-agent [flags] COMMAND".
	Usage string
	// Summary is a paragraph under the usage line.
	Summary string
	// Sections are printed after the summary and before the flags, each
	// under its title (e.g. "commands").
	Sections []Section
	// Flags are printed under FlagsTitle ("flags" when empty).
	Flags      *flag.FlagSet
	FlagsTitle string
	// Env lists the environment variables the program reads.
	Env []Entry
	// Exit lists the exit statuses.
	Exit []Entry
	// Footer ends the text, e.g. "Try: canary-agent --demo full".
	Footer string
}

// Section is a titled block of entries or free text.
type Section struct {
	Title   string
	Entries []Entry
	Text    string
}

// Entry is a name and what it means.
type Entry struct {
	Name, Text string
}

// Write prints h to w.
func Write(w io.Writer, h Help) error {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s\n", h.Usage)
	if h.Summary != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(h.Summary, "\n"))
	}
	for _, s := range h.Sections {
		writeSection(&b, s)
	}
	if h.Flags != nil {
		title := h.FlagsTitle
		if title == "" {
			title = "flags"
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		WriteFlags(&b, h.Flags)
	}
	if len(h.Env) > 0 {
		writeSection(&b, Section{Title: "environment", Entries: h.Env})
	}
	if len(h.Exit) > 0 {
		writeSection(&b, Section{Title: "exit status", Entries: h.Exit})
	}
	if h.Footer != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(h.Footer, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSection(b *strings.Builder, s Section) {
	fmt.Fprintf(b, "\n%s:\n", s.Title)
	width := 0
	for _, e := range s.Entries {
		width = max(width, len(e.Name))
	}
	for _, e := range s.Entries {
		fmt.Fprintf(b, "  %-*s  %s\n", width, e.Name, e.Text)
	}
	if s.Text != "" {
		for _, line := range strings.Split(strings.TrimRight(s.Text, "\n"), "\n") {
			fmt.Fprintf(b, "  %s\n", line)
		}
	}
}

// WriteFlags prints fs's flags sorted by name, long names with two dashes
// ("--auth-token TOKEN"), one-letter names with one ("-o FORMAT"), each
// followed by its usage and non-zero default. A flag whose usage is empty
// is an alias and is not listed; a one-letter flag whose usage equals a
// long flag's is printed on the long flag's line ("-o, --output FORMAT").
func WriteFlags(w io.Writer, fs *flag.FlagSet) {
	short := map[string]string{} // usage -> one-letter name
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) == 1 && f.Usage != "" {
			short[f.Usage] = f.Name
		}
	})
	paired := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) > 1 {
			if s, ok := short[f.Usage]; ok {
				paired[s] = true
			}
		}
	})
	fs.VisitAll(func(f *flag.Flag) {
		if f.Usage == "" || paired[f.Name] {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		} else if s, ok := short[f.Usage]; ok {
			name = "-" + s + ", --" + f.Name
		}
		if arg != "" {
			name += " " + strings.ToUpper(arg)
		}
		fmt.Fprintf(w, "  %s\n      %s", name, usage)
		if d := f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "(default") {
			fmt.Fprintf(w, " (default %s)", d)
		}
		fmt.Fprintln(w)
	})
}
