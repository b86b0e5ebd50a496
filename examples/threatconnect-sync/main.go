// Command threatconnect-sync pushes what decoys see into ThreatConnect: it
// reads Canary incidents (through the incident watcher) and honeytoken hits
// (a JSON Lines file), and turns their source IPs and host names into
// ThreatConnect indicators with tags ("canary" or "honeytoken", the token
// kind, the memo), a rating and confidence, a Description attribute telling
// what happened, and an observation.
//
// Two modes:
//
//	--mode backfill   every incident newer than --since, merged per source and
//	                  uploaded through the batch API (a handful of requests)
//	--mode live       watch the incident feed and publish each new incident as
//	                  it arrives, resuming from the checkpoint in --state:
//	                  with --api v3 (the default) an Event group for the
//	                  incident, then one upsert per indicator carrying its
//	                  tags, Description attribute and the association; with
//	                  --api v2 a create, then a request per tag and attribute;
//	                  then an observation
//
// Try it with no accounts at all: --demo runs both modes against an
// in-process fake Canary Console (canarytest) and a fake ThreatConnect
// (tctest), prints what was created, and exits:
//
//	go run ./examples/threatconnect-sync --demo
//
// Real use reads its secrets from the environment, never from flags:
//
//	export CANARY_AUTH_TOKEN=... TC_ACCESS_ID=... TC_SECRET_KEY=...   # or TC_API_TOKEN=...
//	go run ./examples/threatconnect-sync --canary-domain abc123 \
//	    --tc-url https://app.threatconnect.com/api --owner "Acme Corp" \
//	    --mode live --state tc-sync.checkpoint --hits hits.jsonl
//
// Exit codes: 0 success, 1 failure, 2 bad usage. Errors are one line on
// stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/clihelp"
	"github.com/decoykit/decoykit/threatconnect"
)

const name = "threatconnect-sync"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usageError is bad usage: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// options are the parsed flags and environment.
type options struct {
	demo                 bool
	mode                 string
	api                  string
	canaryDomain         string
	canaryURL            string
	tcURL                string
	owner                string
	since                time.Duration
	hitsFile             string
	stateFile            string
	interval             time.Duration
	observations         bool
	rating               float64
	confidence           int
	canaryToken          string
	tcID, tcKey, tcToken string
}

func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.demo, "demo", false, "run against in-process fakes of the Canary Console and ThreatConnect, print what was created, exit")
	fs.StringVar(&o.mode, "mode", "live", "live (watch incidents, one indicator at a time) or backfill (batch upload of past incidents)")
	fs.StringVar(&o.api, "api", "v3", "live: the ThreatConnect API to write through: v3 (one upsert per indicator with its tags, attribute and the incident as an associated Event group) or v2 (a request per tag and attribute); backfill always uses v2's batch API")
	fs.StringVar(&o.canaryDomain, "canary-domain", "", "Canary Console domain hash (abc123 for abc123.canary.tools)")
	fs.StringVar(&o.canaryURL, "canary-url", "", "Canary Console API root, instead of --canary-domain")
	fs.StringVar(&o.tcURL, "tc-url", threatconnect.DefaultBaseURL, "ThreatConnect API root")
	fs.StringVar(&o.owner, "owner", "", "ThreatConnect owner (organization or community) to write to")
	fs.DurationVar(&o.since, "since", 30*24*time.Hour, "backfill: incidents and hits newer than this (0 for all)")
	fs.StringVar(&o.hitsFile, "hits", "", "JSON Lines file of honeytoken hits: honeytoken/decoy JSONLines alerts, or objects with token_id, format, memo, remote_ip, user_agent, time")
	fs.StringVar(&o.stateFile, "state", "", "live: file holding the last handled incident updated_id, to resume without gaps")
	fs.DurationVar(&o.interval, "interval", time.Minute, "live: wait between polls of the incident feed once caught up")
	fs.BoolVar(&o.observations, "backfill-observations", false, "backfill: also record each indicator's sightings as observations (one request per indicator)")
	fs.Float64Var(&o.rating, "rating", 4, "threat rating of every indicator (0-5)")
	fs.IntVar(&o.confidence, "confidence", 80, "confidence of every indicator (0-100)")
	return fs
}

func usage(w io.Writer) {
	_ = clihelp.Write(w, clihelp.Help{
		Usage: name + " [--demo] [--mode live|backfill] --owner NAME (--canary-domain D | --canary-url U) [flags]",
		Summary: "Turn Canary incidents and honeytoken hits into ThreatConnect indicators.\n" +
			"Secrets come from the environment, never from flags.",
		Flags: newFlags(&options{}),
		Env: []clihelp.Entry{
			{Name: "CANARY_AUTH_TOKEN", Text: "the Canary Console's API auth token"},
			{Name: "TC_ACCESS_ID", Text: "ThreatConnect API access ID (HMAC), with TC_SECRET_KEY"},
			{Name: "TC_SECRET_KEY", Text: "ThreatConnect API secret key (HMAC)"},
			{Name: "TC_API_TOKEN", Text: "ThreatConnect API token, instead of TC_ACCESS_ID + TC_SECRET_KEY"},
		},
		Exit: []clihelp.Entry{
			{Name: "0", Text: "success (live mode: also when interrupted with Ctrl-C)"},
			{Name: "1", Text: "failure: Canary or ThreatConnect refused a request or could not be reached"},
			{Name: "2", Text: "usage error: bad flags, a missing secret"},
		},
		Footer: "Try: " + name + " --demo",
	})
}

func parseFlags(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := newFlags(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + f
		}
		return o, &usageError{msg}
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q", fs.Arg(0))
	}
	if o.mode != "live" && o.mode != "backfill" {
		return o, usagef("--mode must be live or backfill, not %q", o.mode)
	}
	if o.api != "v2" && o.api != "v3" {
		return o, usagef("--api must be v2 or v3, not %q", o.api)
	}
	if o.rating < 0 || o.rating > 5 {
		return o, usagef("--rating must be between 0 and 5")
	}
	if o.confidence < 0 || o.confidence > 100 {
		return o, usagef("--confidence must be between 0 and 100")
	}
	if o.since < 0 || o.interval < time.Second {
		return o, usagef("--since must not be negative and --interval must be at least 1s")
	}
	if o.demo {
		return o, nil
	}
	if (o.canaryDomain == "") == (o.canaryURL == "") {
		return o, usagef("give one of --canary-domain or --canary-url (or --demo)")
	}
	if strings.TrimSpace(o.owner) == "" {
		return o, usagef("--owner is required: the ThreatConnect organization or community to write to")
	}
	o.canaryToken = getenv("CANARY_AUTH_TOKEN")
	o.tcID, o.tcKey, o.tcToken = getenv("TC_ACCESS_ID"), getenv("TC_SECRET_KEY"), getenv("TC_API_TOKEN")
	if o.canaryToken == "" {
		return o, usagef("set CANARY_AUTH_TOKEN to the Console's API auth token")
	}
	if o.tcToken == "" && (o.tcID == "" || o.tcKey == "") {
		return o, usagef("set TC_ACCESS_ID and TC_SECRET_KEY (or TC_API_TOKEN) for ThreatConnect")
	}
	return o, nil
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "%s: internal error: %v\n", name, r)
			code = exitFailure
		}
	}()
	o, err := parseFlags(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v (see --help)\n", name, err)
		return exitUsage
	}
	if o.demo {
		err = runDemo(ctx, stdout, scores{o.rating, o.confidence}, o.api)
	} else {
		err = runReal(ctx, o, stdout)
	}
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "%s: %v (see --help)\n", name, err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "%s: %s\n", name, oneLine(err.Error()))
		return exitFailure
	}
	return exitOK
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func runReal(ctx context.Context, o options, out io.Writer) error {
	copts := []canary.Option{canary.WithAuthToken(o.canaryToken), canary.WithUserAgent(name)}
	if o.canaryDomain != "" {
		copts = append(copts, canary.WithDomain(o.canaryDomain))
	} else {
		copts = append(copts, canary.WithBaseURL(o.canaryURL))
	}
	cc, err := canary.NewClient(copts...)
	if err != nil {
		return &usageError{cliSpeak(err)}
	}
	auth := threatconnect.WithAPIToken(o.tcToken)
	if o.tcToken == "" {
		auth = threatconnect.WithHMAC(o.tcID, o.tcKey)
	}
	tc, err := threatconnect.NewClient(threatconnect.WithBaseURL(o.tcURL), auth, threatconnect.WithUserAgent(name))
	if err != nil {
		return &usageError{cliSpeak(err)}
	}
	var hits []Hit
	if o.hitsFile != "" {
		f, err := os.Open(o.hitsFile)
		if err != nil {
			return err
		}
		hits, err = readHits(f, o.hitsFile)
		_ = f.Close()
		if err != nil {
			return err
		}
	}
	s := &syncer{canary: cc, tc: tc, owner: o.owner, scores: scores{o.rating, o.confidence}, out: out, backfillObservations: o.observations, api: o.api}
	if o.mode == "backfill" {
		var since time.Time
		if o.since > 0 {
			since = time.Now().Add(-o.since)
		}
		rep, err := s.backfill(ctx, since, hits)
		if err != nil {
			return err // the summary is printed only after success
		}
		printBackfill(out, rep, -1)
		return nil
	}
	checkpoint := int64(0)
	if o.stateFile != "" {
		if checkpoint, err = loadCheckpoint(o.stateFile); err != nil {
			return err
		}
	}
	if len(hits) > 0 {
		fmt.Fprintf(out, "publishing %d honeytoken hit(s):\n", len(hits))
		if _, err := s.publishHits(ctx, hits); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "watching Canary incidents after updated_id %d (Ctrl-C to stop):\n", checkpoint)
	n, err := s.live(ctx, checkpoint, o.interval, o.stateFile, nil)
	if err != nil && !(errors.Is(err, context.Canceled) && ctx.Err() != nil) {
		return fmt.Errorf("after publishing %d incident(s): %w", n, err)
	}
	// Done, or interrupted: a normal way to stop watching.
	fmt.Fprintf(out, "published %d incident(s)\n", n)
	return nil
}

// goNames turns the SDKs' field and Go option names into this program's
// flags and variables, so a configuration error speaks the command line.
var goNames = strings.NewReplacer(
	"canary: invalid domain", "--canary-domain", "canary: invalid base URL", "--canary-url",
	"canary: invalid auth token", "CANARY_AUTH_TOKEN",
	"threatconnect: invalid base URL", "--tc-url", "threatconnect: invalid access ID", "TC_ACCESS_ID",
	"threatconnect: invalid secret key", "TC_SECRET_KEY", "threatconnect: invalid API token", "TC_API_TOKEN",
	"WithBaseURL", "--canary-url", "WithDomain", "--canary-domain", "WithAuthToken", "CANARY_AUTH_TOKEN",
	"WithHMAC", "TC_ACCESS_ID and TC_SECRET_KEY", "WithAPIToken", "TC_API_TOKEN",
)

// cliSpeak is a client configuration error in the command line's words.
func cliSpeak(err error) string { return goNames.Replace(err.Error()) }

func printBackfill(out io.Writer, rep backfillReport, requests int) {
	r := rep.Result
	fmt.Fprintf(out, "backfill (batch API): %d incident(s) + %d honeytoken hit(s) -> %d indicator(s) in %d job(s): %d succeeded, %d failed, %d unprocessed",
		rep.Incidents, rep.Hits, rep.Indicators, len(r.Jobs), r.Succeeded, r.Failed, r.Unprocessed)
	if rep.Observed > 0 {
		fmt.Fprintf(out, "; observations recorded on %d", rep.Observed)
	}
	if requests >= 0 {
		fmt.Fprintf(out, "; %d request(s) to ThreatConnect", requests)
	}
	fmt.Fprintln(out)
}
