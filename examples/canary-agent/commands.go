package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/decoykit/decoykit/canary"
)

func noArgs(name string, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", name, strings.Join(args, " "))
	}
	return nil
}

func oneArg(name, what string, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("%s needs exactly one %s (canary-agent %s %s)", name, what, name, strings.ToUpper(what))
	}
	return args[0], nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func clip(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// --- ping

func pingFlags(*flag.FlagSet) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("ping", args); err != nil {
			return err
		}
		if err := e.plainOnly("ping"); err != nil {
			return err
		}
		start := time.Now()
		if err := e.c.Ping(ctx); err != nil {
			return err
		}
		took := time.Since(start).Round(time.Millisecond)
		if e.wantJSON() {
			return writeJSON(e.stdout, map[string]any{"ok": true, "base_url": e.c.BaseURL(), "latency_ms": took.Milliseconds()})
		}
		_, err := fmt.Fprintf(e.stdout, "OK: %s answered and accepted the auth token (%s)\n", e.c.BaseURL(), took)
		return err
	}
}

// --- list

// tokenRow is a token as list --json prints it: no secrets (an aws-id
// token's secret key, a factory auth string) and no raw body.
type tokenRow struct {
	ID             string      `json:"id"`
	Kind           canary.Kind `json:"kind"`
	Memo           string      `json:"memo"`
	Enabled        bool        `json:"enabled"`
	Created        time.Time   `json:"created"`
	TriggeredCount int         `json:"triggered_count"`
	FlockID        string      `json:"flock_id,omitempty"`
	NodeID         string      `json:"node_id,omitempty"`
	URL            string      `json:"url,omitempty"`
	Hostname       string      `json:"hostname,omitempty"`
}

func rowOf(t *canary.Token) tokenRow {
	return tokenRow{ID: t.ID, Kind: t.Kind, Memo: t.Memo, Enabled: t.Enabled, Created: t.Created,
		TriggeredCount: t.TriggeredCount, FlockID: t.FlockID, NodeID: t.NodeID, URL: t.URL, Hostname: t.Hostname}
}

func listFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	kind := fs.String("kind", "", "only tokens of this `kind`")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("list", args); err != nil {
			return err
		}
		if *kind != "" && !canary.Kind(*kind).Known() {
			return unknownKind(*kind)
		}
		rows := []tokenRow{}
		p := e.progress("listing tokens")
		for t, err := range e.c.Tokens.All(ctx, nil) {
			if err != nil {
				p.done()
				return err
			}
			p.item()
			if *kind == "" || string(t.Kind) == *kind {
				rows = append(rows, rowOf(t))
			}
		}
		p.done()
		switch e.format() {
		case formatJSON:
			return writeJSON(e.stdout, rows)
		case formatMarkdown:
			return writeMarkdownTable(e.stdout, tokenHeader(true), tokenCells(rows, true))
		}
		if e.demo != nil {
			fmt.Fprintln(e.stdout, demoBanner)
		}
		wide := e.format() == formatWide
		tw := table(e.stdout)
		fmt.Fprintln(tw, strings.Join(tokenHeader(wide), "\t"))
		for _, c := range tokenCells(rows, wide) {
			fmt.Fprintln(tw, strings.Join(c, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(e.stdout, "%d tokens\n", len(rows))
		return err
	}
}

// tokenHeader and tokenCells lay out list's table; wide adds the long
// columns and leaves the memo unclipped.
func tokenHeader(wide bool) []string {
	h := []string{"ID", "KIND", "ENABLED", "TRIGGERED", "CREATED", "MEMO"}
	if wide {
		h = append(h, "FLOCK", "NODE ID", "URL / HOSTNAME")
	}
	return h
}

func tokenCells(rows []tokenRow, wide bool) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		memo := clip(r.Memo, 50)
		if wide {
			memo = oneLine(r.Memo)
		}
		c := []string{r.ID, string(r.Kind), yesNo(r.Enabled), strconv.Itoa(r.TriggeredCount), day(r.Created), memo}
		if wide {
			c = append(c, orDash(r.FlockID), orDash(r.NodeID), orDash(r.URL+r.Hostname))
		}
		out[i] = c
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return oneLine(s)
}

const demoBanner = "(demo: a built-in fake Console with a seeded estate; nothing leaves this machine)"

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func unknownKind(k string) error {
	return usagef("unknown token kind %q; known kinds: %s", k, strings.Join(sortedKinds(), ", "))
}

// --- alerts

// incidentRow is an incident as alerts --json prints it.
type incidentRow struct {
	Key          string    `json:"key"`
	Created      time.Time `json:"created"`
	SourceIP     string    `json:"src_host"`
	Description  string    `json:"description"`
	Kind         string    `json:"kind,omitempty"`
	Memo         string    `json:"memo,omitempty"`
	Acknowledged bool      `json:"acknowledged"`
	NodeID       string    `json:"node_id"`
}

// parseWhen reads --since: a duration back from now ("24h", "7d",
// "2w") or a time (RFC 3339, "2006-01-02", or the Console's
// "2006-01-02-15:04:05"), in UTC.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, unit := range []struct {
		suffix string
		d      time.Duration
	}{{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(s, unit.suffix); ok {
			var v int
			if _, err := fmt.Sscanf(n, "%d", &v); err == nil && v > 0 && fmt.Sprint(v) == n {
				return now.Add(-time.Duration(v) * unit.d), nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, canary.ConsoleTimeLayout, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, usagef("--since %q: give a duration such as 24h or 7d, or a time such as 2026-01-31 or 2026-01-31T08:00:00Z", s)
}

// defaultAlertLimit is how many incidents alerts prints unless --limit says.
const defaultAlertLimit = 50

func alertsFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	since := fs.String("since", "", "only incidents newer than a `duration or time` (24h, 7d, 2026-01-31)")
	fs.StringVar(since, "newer-than", "", "same as --since: a `duration or time`")
	all := fs.Bool("all", false, "acknowledged incidents too (default: unacknowledged only)")
	unacked := fs.Bool("unacked", false, "only unacknowledged incidents (the default; kept for scripts)")
	limit := fs.Int("limit", defaultAlertLimit, "print at most `n` incidents, newest first; 0 for all")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("alerts", args); err != nil {
			return err
		}
		if *all && *unacked {
			return usagef("choose --all or --unacked, not both")
		}
		if *limit < 0 {
			return usagef("--limit must be 0 (no limit) or more")
		}
		opts := &canary.ListIncidentsOptions{State: canary.StateUnacknowledged}
		if *all {
			opts.State = canary.StateAll
		}
		if *since != "" {
			t, err := parseWhen(*since, time.Now())
			if err != nil {
				return err
			}
			opts.NewerThan = t
		}
		rows := []incidentRow{}
		p := e.progress("listing incidents")
		for inc, err := range e.c.Incidents.All(ctx, opts) {
			if err != nil {
				p.done()
				return err
			}
			p.item()
			r := incidentRow{Key: inc.Key, Created: inc.Created, SourceIP: inc.SourceHost, Description: inc.Description,
				Memo: inc.Memo, Acknowledged: inc.Acknowledged, NodeID: inc.NodeID}
			if len(inc.Events) > 0 {
				r.Kind = inc.Events[0].Type
			}
			rows = append(rows, r)
		}
		p.done()
		// Newest first, as a SOC reads a queue; the key breaks ties so the
		// order is the same on every run.
		sort.SliceStable(rows, func(i, j int) bool {
			if !rows[i].Created.Equal(rows[j].Created) {
				return rows[i].Created.After(rows[j].Created)
			}
			return rows[i].Key < rows[j].Key
		})
		total := len(rows)
		if *limit > 0 && len(rows) > *limit {
			rows = rows[:*limit]
		}
		switch e.format() {
		case formatJSON:
			return writeJSON(e.stdout, rows)
		case formatMarkdown:
			return writeMarkdownTable(e.stdout, incidentHeader(true), incidentCells(rows, true))
		}
		if e.demo != nil {
			fmt.Fprintln(e.stdout, demoBanner)
		}
		wide := e.format() == formatWide
		tw := table(e.stdout)
		fmt.Fprintln(tw, strings.Join(incidentHeader(wide), "\t"))
		for _, c := range incidentCells(rows, wide) {
			fmt.Fprintln(tw, strings.Join(c, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		which := "unacknowledged incidents"
		if *all {
			which = "incidents (acknowledged too)"
		}
		more := ""
		if len(rows) < total {
			more = fmt.Sprintf("; --limit 0 shows all %d", total)
		}
		_, err := fmt.Fprintf(e.stdout, "%d of %d %s, newest first%s\n", len(rows), total, which, more)
		return err
	}
}

// incidentHeader and incidentCells lay out alerts' table; wide adds the
// description and node and leaves the memo unclipped.
func incidentHeader(wide bool) []string {
	h := []string{"CREATED (UTC)", "SOURCE", "KIND", "ACKED", "MEMO", "KEY"}
	if wide {
		h = append(h, "DESCRIPTION", "NODE ID")
	}
	return h
}

func incidentCells(rows []incidentRow, wide bool) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		kind := r.Kind
		if kind == "" {
			kind = r.Description
		}
		memo := clip(r.Memo, 40)
		if wide {
			memo = oneLine(r.Memo)
		}
		c := []string{stamp(r.Created), r.SourceIP, oneLine(kind), yesNo(r.Acknowledged), memo, r.Key}
		if wide {
			c = append(c, orDash(r.Description), orDash(r.NodeID))
		}
		out[i] = c
	}
	return out
}

// --- create

func createFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	kind := fs.String("kind", "", "token `kind`, e.g. http, dns, aws-id, doc-msword (required)")
	memo := fs.String("memo", "", "reminder shown in alerts: where the token is planted (required)")
	file := fs.String("file", "", "`file` to tokenise: .docx for doc-msword, .pdf for pdf-acrobat-reader, PNG/JPEG for web-image, .exe for signed-exe")
	cloned := fs.String("cloned-web", "", "cloned-web: the `domain` the real site lives on")
	redirect := fs.String("redirect-url", "", "fast-redirect, slow-redirect, qr-code: where to send the visitor")
	process := fs.String("process-name", "", "sensitive-cmd: the `executable` to watch, e.g. klist.exe")
	flock := fs.String("flock", "", "flock `id`, e.g. flock:default")
	reveal := fs.Bool("reveal", false, "print decoy secrets (an aws-id token's secret access key)")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("create", args); err != nil {
			return err
		}
		if err := e.plainOnly("create"); err != nil {
			return err
		}
		if *kind == "" {
			return usagef("create needs --kind (e.g. --kind http); known kinds: %s", strings.Join(sortedKinds(), ", "))
		}
		if !canary.Kind(*kind).Known() {
			return unknownKind(*kind)
		}
		if strings.TrimSpace(*memo) == "" {
			return usagef("create needs --memo: say where the token will be planted, e.g. --memo \"AWS keys on build-01\"")
		}
		req := canary.CreateTokenRequest{Kind: canary.Kind(*kind), Memo: *memo, FlockID: *flock,
			ClonedWeb: *cloned, BrowserRedirectURL: *redirect, ProcessName: *process}
		if *file != "" {
			f, err := os.Open(*file)
			if err != nil {
				return usagef("--file: %v", err)
			}
			defer f.Close()
			req.Upload = &canary.Upload{Filename: filepath.Base(*file), Content: f}
		}
		tok, err := e.c.Tokens.Create(ctx, req)
		var ve *canary.ValidationError
		if errors.As(err, &ve) {
			if f, ok := createFlagOf[ve.Field]; ok {
				return usagef("%s: %s", f, ve.Reason)
			}
		}
		if err != nil {
			return err
		}
		if e.wantJSON() {
			out := map[string]any{"token": rowOf(tok)}
			if tok.AccessKeyID != "" {
				out["access_key_id"] = tok.AccessKeyID
				if *reveal {
					out["secret_access_key"] = tok.SecretAccessKey.Reveal()
				}
			}
			return writeJSON(e.stdout, out)
		}
		tw := table(e.stdout)
		fmt.Fprintf(tw, "created\t%s token %s\n", tok.Kind, tok.ID)
		fmt.Fprintf(tw, "memo\t%s\n", tok.Memo)
		if tok.URL != "" {
			fmt.Fprintf(tw, "url\t%s\n", tok.URL)
		}
		if tok.Hostname != "" {
			fmt.Fprintf(tw, "hostname\t%s\n", tok.Hostname)
		}
		if tok.AccessKeyID != "" {
			fmt.Fprintf(tw, "aws_access_key_id\t%s\n", tok.AccessKeyID)
			if *reveal {
				fmt.Fprintf(tw, "aws_secret_access_key\t%s\n", tok.SecretAccessKey.Reveal())
			} else {
				fmt.Fprintf(tw, "aws_secret_access_key\t(hidden; add --reveal to print it)\n")
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if hasFile(tok.Kind) {
			_, err = fmt.Fprintf(e.stdout, "get its file with: canary-agent download %s\n", tok.ID)
		}
		return err
	}
}

// createFlagOf names the flag behind a CreateTokenRequest field, so a
// validation error points at what to type.
var createFlagOf = map[string]string{
	"Kind": "--kind", "Memo": "--memo", "Upload": "--file", "ClonedWeb": "--cloned-web",
	"BrowserRedirectURL": "--redirect-url", "ProcessName": "--process-name", "FlockID": "--flock",
}

func hasFile(k canary.Kind) bool {
	switch k {
	case canary.KindMSWord, canary.KindMSExcel, canary.KindMSWordMacro, canary.KindMSExcelMacro, canary.KindPDF,
		canary.KindQRCode, canary.KindSensitiveCmd, canary.KindSignedExe, canary.KindWindowsDir, canary.KindSlackAPI, canary.KindMySQLDump:
		return true
	}
	return false
}

// --- ack

func ackFlags(*flag.FlagSet) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		key, err := oneArg("ack", "key", args)
		if err != nil {
			return err
		}
		if err := e.plainOnly("ack"); err != nil {
			return err
		}
		if err := e.c.Incidents.Acknowledge(ctx, key); err != nil {
			return err
		}
		if e.wantJSON() {
			return writeJSON(e.stdout, map[string]any{"acknowledged": key})
		}
		_, err = fmt.Fprintf(e.stdout, "acknowledged %s\n", key)
		return err
	}
}

// --- delete

func deleteFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	clear := fs.Bool("clear-incidents", false, "delete the token's incidents with it")
	return func(ctx context.Context, e *env, args []string) error {
		id, err := oneArg("delete", "id", args)
		if err != nil {
			return err
		}
		if err := e.plainOnly("delete"); err != nil {
			return err
		}
		what := "token"
		if strings.HasPrefix(id, "incident:") {
			what = "incident"
			err = e.c.Incidents.Delete(ctx, id)
		} else {
			err = e.c.Tokens.Delete(ctx, id, &canary.DeleteTokenOptions{ClearIncidents: *clear})
			var ae *canary.APIError
			if err != nil && !*clear && errors.As(err, &ae) && strings.Contains(strings.ToLower(ae.Message), "incident") {
				return fmt.Errorf("%w (add --clear-incidents to delete its incidents too)", err)
			}
		}
		if err != nil {
			return err
		}
		if e.wantJSON() {
			return writeJSON(e.stdout, map[string]any{"deleted": id, "type": what})
		}
		_, err = fmt.Fprintf(e.stdout, "deleted %s %s\n", what, id)
		return err
	}
}

// --- download

func downloadFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	out := fs.String("o", "", "write to `file` (\"-\" for stdout); default: the name the Console suggests, in the current directory")
	return func(ctx context.Context, e *env, args []string) error {
		id, err := oneArg("download", "id", args)
		if err != nil {
			return err
		}
		dl, err := e.c.Tokens.Download(ctx, id)
		if err != nil {
			return err
		}
		defer dl.Body.Close()
		path := *out
		if path == "-" {
			_, err := io.Copy(e.stdout, dl.Body)
			return err
		}
		var f *os.File
		if path == "" {
			path = dl.Filename
			// Never overwrite a file the user did not name.
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		} else {
			f, err = os.Create(path)
		}
		if err != nil {
			return fmt.Errorf("saving the download: %w (choose another name with -o)", err)
		}
		n, err := io.Copy(f, dl.Body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
			return fmt.Errorf("saving the download: %w", err)
		}
		if e.wantJSON() {
			return writeJSON(e.stdout, map[string]any{"file": path, "bytes": n, "content_type": dl.ContentType})
		}
		_, err = fmt.Fprintf(e.stdout, "saved %s (%d bytes, %s)\n", path, n, dl.ContentType)
		return err
	}
}
