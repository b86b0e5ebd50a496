package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
	"github.com/decoykit/decoykit/internal/clihelp"
)

// Exit status, as documented in main.go and --help.
const (
	exitOK       = 0 // success
	exitFailure  = 1 // the Console refused or could not be reached, or a file could not be written
	exitUsage    = 2 // bad flags or arguments, no Console or auth token given
	exitFindings = 3 // coverage/full found something at or above --fail-on
	exitAuth     = 4 // the Console refused the auth token (HTTP 401/403, "Invalid auth_token")
)

// usageError is bad input from the user: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// globals are the flags every command takes, before or after its name.
type globals struct {
	console, baseURL, authToken, authTokenFile, config string
	output                                             string
	json, demo                                         bool
	timeout                                            time.Duration
	retries                                            int
}

// register adds the global flags to fs. -o/--output is left out for
// commands that use -o for a file name (download).
func (g *globals) register(fs *flag.FlagSet, withOutput bool) {
	fs.StringVar(&g.console, "console", g.console, "Console `domain`, as in DOMAIN.canary.tools (default $CANARY_CONSOLE)")
	fs.StringVar(&g.baseURL, "base-url", g.baseURL, "API root `URL` of a self-hosted or test Console, e.g. https://host/api/v1 (default $CANARY_BASE_URL)")
	fs.StringVar(&g.authToken, "auth-token", g.authToken, "API auth `token`, or - to read it from stdin (default $CANARY_AUTH_TOKEN)")
	fs.StringVar(&g.authTokenFile, "auth-token-file", g.authTokenFile, "read the auth token from the first line of `file`")
	fs.StringVar(&g.config, "config", g.config, "read domain and api_key from this canarytools.config `file` (default: ~/.canarytools.config, ~/canarytools.config, /etc/canarytools.config)")
	if withOutput {
		fs.StringVar(&g.output, "o", g.output, "output `format`: table (default), wide, json or markdown")
		fs.StringVar(&g.output, "output", g.output, "output `format`: table (default), wide, json or markdown")
	}
	fs.BoolVar(&g.json, "json", g.json, "print JSON (same as -o json)")
	fs.BoolVar(&g.demo, "demo", g.demo, "run against a built-in fake Console with a demo estate (offline)")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "give up after this long")
	fs.IntVar(&g.retries, "retries", g.retries, "retry a failed read this many times (connection errors, 429, 502-504; creates are never retried)")
}

// command is one subcommand.
type command struct {
	name, args, help string
	// flags registers the command's own flags and returns the function to
	// run once they are parsed.
	flags func(fs *flag.FlagSet) func(ctx context.Context, e *env, args []string) error
}

// env is what a command runs with.
type env struct {
	c      *canary.Client
	g      *globals
	stdout io.Writer
	demo   *canarytest.Server
	// progressTo is stderr when it is a terminal, else nil (no progress).
	progressTo io.Writer
	// pages counts the requests the client sent.
	pages *atomic.Int64
}

// progress starts a progress line for a listing; nil (quiet) unless
// stderr is a terminal.
func (e *env) progress(what string) *progress {
	if e.progressTo == nil {
		return nil
	}
	return newProgress(e.progressTo, what, e.pages, time.Now)
}

var commands = []command{
	{"ping", "", "check the Console and the auth token", pingFlags},
	{"list", "[--kind K]", "list every token", listFlags},
	{"alerts", "[--since 24h|TIME] [--all] [--limit 50]", "list incidents: unacknowledged, newest first, 50 at most", alertsFlags},
	{"create", "--kind K --memo M [--file F]", "create a token", createFlags},
	{"coverage", "[--fail-on SEVERITY]", "tokens by kind, missing recommended kinds, coverage score", coverageFlags},
	{"full", "[--fail-on SEVERITY]", "coverage, token hygiene, incidents, top source IPs, findings", fullFlags},
	{"ack", "KEY", "acknowledge an incident", ackFlags},
	{"delete", "ID [--clear-incidents]", "delete a token (or an incident, given its key)", deleteFlags},
	{"download", "ID [-o FILE]", "save a token's file", downloadFlags},
	{"devices", "[--status all|live|dead] [--flock F]", "list the Canaries: flock, live or dead, version, last seen", devicesFlags},
	{"flocks", "", "list the flocks with their Canaries, tokens and incidents", flocksFlags},
	{"audit-trail", "[--action A] [--search S] [--after-id N] [--limit 50]", "the Console's audit trail, newest first", auditTrailFlags},
}

func usage(w io.Writer) {
	cmds := make([]clihelp.Entry, len(commands))
	for i, c := range commands {
		cmds[i] = clihelp.Entry{Name: fmt.Sprintf("%-8s %s", c.name, c.args), Text: c.help}
	}
	fs := flag.NewFlagSet("canary-agent", flag.ContinueOnError)
	(&globals{timeout: 2 * time.Minute, retries: 2}).register(fs, true)
	_ = clihelp.Write(w, clihelp.Help{
		Usage:   "canary-agent [--console DOMAIN | --base-url URL] [--auth-token TOKEN] [-o FORMAT] [--demo] COMMAND [ARGS]",
		Summary: "Drive a Thinkst Canary Console: tokens, alerts and deception audits.",
		Sections: []clihelp.Section{{Title: "commands", Entries: cmds,
			Text: "Run canary-agent COMMAND --help for a command's own flags."}},
		Flags:      fs,
		FlagsTitle: "global flags (before or after the command)",
		Env: []clihelp.Entry{
			{Name: "CANARY_CONSOLE", Text: "Console domain, as --console"},
			{Name: "CANARY_BASE_URL", Text: "API root URL, as --base-url"},
			{Name: "CANARY_AUTH_TOKEN", Text: "API auth token, as --auth-token (keeps it out of shell history)"},
			{Name: "CANARY_API_DOMAIN", Text: "the official Python client's domain variable, read after CANARY_CONSOLE"},
			{Name: "CANARY_API_TOKEN", Text: "the official Python client's token variable, read after CANARY_AUTH_TOKEN"},
			{Name: "HOME", Text: "where ~/.canarytools.config and ~/canarytools.config are looked for"},
		},
		Exit: exitStatuses,
		Footer: `Without --console, --base-url or the variables above, domain and api_key are read from the
canarytools.config the Console offers for download, where the official client looks:
~/.canarytools.config, ~/canarytools.config, /etc/canarytools.config (or --config FILE).
Progress is drawn on stderr while listing, only when stderr is a terminal.

Try: canary-agent --demo full`,
	})
}

// exitStatuses documents the exit codes in --help.
var exitStatuses = []clihelp.Entry{
	{Name: "0", Text: "success"},
	{Name: "1", Text: "failure: the Console refused the request or could not be reached"},
	{Name: "2", Text: "usage error: bad flags or arguments, no Console or auth token given"},
	{Name: "3", Text: "coverage or full found something at or above --fail-on SEVERITY"},
	{Name: "4", Text: "authentication failed: the Console refused the auth token"},
}

// run is the whole program: it parses args, runs one command and returns
// the exit status. Errors go to stderr as one line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	return runWith(ctx, args, strings.NewReader(""), stdout, stderr, getenv)
}

// runWith is run with a standard input, which --auth-token - reads.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "canary-agent: internal error: %s\n", oneLine(fmt.Sprint(r)))
			code = exitFailure
		}
	}()
	err := dispatch(ctx, args, stdin, stdout, stderr, getenv)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	}
	var ue *usageError
	var ve *canary.ValidationError
	var fe *findingsError
	switch {
	case errors.As(err, &ue):
		// Our own text, never clipped: an unknown kind lists every kind.
		fmt.Fprintf(stderr, "canary-agent: %s\n", strings.Join(strings.Fields(describe(err)), " "))
		return exitUsage
	case errors.As(err, &ve):
		fmt.Fprintf(stderr, "canary-agent: %s\n", oneLine(describe(err)))
		return exitUsage
	case errors.As(err, &fe):
		fmt.Fprintf(stderr, "canary-agent: %s\n", fe.Error())
		return exitFindings
	case errors.Is(err, canary.ErrUnauthorized):
		fmt.Fprintf(stderr, "canary-agent: authentication failed: %s\n", oneLine(describe(err)))
		return exitAuth
	}
	fmt.Fprintf(stderr, "canary-agent: %s\n", oneLine(describe(err)))
	return exitFailure
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	g := &globals{timeout: 2 * time.Minute, retries: 2}
	top := flag.NewFlagSet("canary-agent", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	g.register(top, true)
	help := top.Bool("help", false, "")
	top.BoolVar(help, "h", false, "")
	if err := top.Parse(args); err != nil {
		return usagef("%v (see canary-agent --help)", flagError(err))
	}
	if *help {
		usage(stdout)
		return flag.ErrHelp
	}
	rest := top.Args()
	if len(rest) == 0 {
		return usagef("no command given; one of %s (see canary-agent --help)", commandNames())
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == rest[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		if rest[0] == "help" {
			usage(stdout)
			return flag.ErrHelp
		}
		return usagef("unknown command %q; one of %s", rest[0], commandNames())
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs, cmd.name != "download")
	runCmd := cmd.flags(fs)
	positional, err := parseInterleaved(fs, rest[1:])
	if errors.Is(err, flag.ErrHelp) {
		_ = clihelp.Write(stdout, clihelp.Help{
			Usage:   strings.TrimSpace("canary-agent " + cmd.name + " " + cmd.args),
			Summary: cmd.help + ".",
			Flags:   fs,
			Exit:    exitStatuses,
		})
		return flag.ErrHelp
	}
	if err != nil {
		return usagef("%s: %v", cmd.name, flagError(err))
	}
	if g.timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	if g.retries < 0 || g.retries > 20 {
		return usagef("--retries must be between 0 and 20")
	}
	if err := g.checkOutput(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	e := &env{g: g, stdout: stdout, pages: new(atomic.Int64)}
	if isTerminal(stderr) {
		e.progressTo = stderr
	}
	if err := connect(ctx, e, stdin, getenv); err != nil {
		return err
	}
	if e.demo != nil {
		defer e.demo.Close()
	}
	return runCmd(ctx, e, positional)
}

// parseInterleaved parses flags that may come before, between or after
// positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func flagError(err error) string {
	if f, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
		return "unknown flag " + f
	}
	return err.Error()
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// connect builds the client: the demo server, or the Console the flags,
// environment or canarytools.config name (see config.go).
func connect(ctx context.Context, e *env, stdin io.Reader, getenv func(string) string) error {
	g := e.g
	if g.demo {
		if g.console != "" || g.baseURL != "" {
			return usagef("--demo runs against a built-in fake Console; drop --console and --base-url")
		}
		srv, err := startDemo()
		if err != nil {
			return err
		}
		e.demo = srv
		hc := *srv.HTTPClient()
		hc.Transport = countingTransport{base: hc.Transport, n: e.pages}
		e.c = srv.Client(canary.WithUserAgent("canary-agent"), canary.WithHTTPClient(&hc))
		return nil
	}
	cr, err := resolveCredentials(g, stdin, getenv)
	if err != nil {
		return err
	}
	var opts []canary.Option
	switch {
	case cr.console != "":
		opts = append(opts, canary.WithDomain(cr.console))
	case cr.baseURL != "":
		opts = append(opts, canary.WithBaseURL(cr.baseURL))
	default:
		return usagef("no Console given: use --console DOMAIN (as in DOMAIN.canary.tools), --base-url URL, $CANARY_CONSOLE, a canarytools.config, or --demo")
	}
	if strings.TrimSpace(cr.token) == "" {
		return usagef("no auth token: set CANARY_AUTH_TOKEN, pass --auth-token-file FILE or --auth-token - (stdin), or --auth-token (Console → Global Settings → API)")
	}
	hc := &http.Client{Transport: countingTransport{base: consoleTransport(), n: e.pages}}
	opts = append(opts, canary.WithAuthToken(cr.token), canary.WithUserAgent("canary-agent"),
		canary.WithRetry(canary.RetryPolicy{MaxAttempts: g.retries + 1}), canary.WithHTTPClient(hc))
	c, err := canary.NewClient(opts...)
	if err != nil {
		var ve *canary.ValidationError
		if errors.As(err, &ve) {
			return usagef("%s", cliSpeak(ve))
		}
		return err
	}
	e.c = c
	return nil
}

// consoleTransport returns the transport under the Console client:
// go-cleanhttp's pooled transport (the SDK's default) with a response-header
// timeout. Tests replace it to reach a fake Console behind a
// DOMAIN.canary.tools name.
var consoleTransport = func() http.RoundTripper {
	t := cleanhttp.DefaultPooledTransport()
	t.ResponseHeaderTimeout = 2 * time.Minute // a Console that sends no header for two minutes is gone
	return t
}

// flagOfField names the flag behind a canary.NewClient field.
var flagOfField = map[string]string{"domain": "--console", "base URL": "--base-url", "auth token": "--auth-token"}

// goNames turns the SDK's Go option names into the agent's flags.
var goNames = strings.NewReplacer("WithBaseURL", "--base-url", "WithDomain", "--console", "WithAuthToken", "--auth-token",
	"WithRetry", "--retries", "WithHTTPClient", "the HTTP client")

// cliSpeak rewrites a client validation error in the CLI's words: the flag
// instead of the field, flags instead of Go option names.
func cliSpeak(ve *canary.ValidationError) string {
	field := ve.Field
	if f, ok := flagOfField[field]; ok {
		field = f
	}
	return field + ": " + goNames.Replace(ve.Reason)
}

// startDemo starts the fake Console with the demo estate, built as of the
// start of the day so token IDs and incident keys stay the same between
// runs (each run starts from the same estate; changes are not kept).
func startDemo() (*canarytest.Server, error) {
	srv := canarytest.NewServer(canarytest.WithSeed(2026))
	est := canarytest.DemoEstate()
	est.AsOf = time.Now().UTC().Truncate(24 * time.Hour)
	if _, err := srv.Seed(est); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}

// describe turns an error into the message the user sees.
func describe(err error) string {
	var ae *canary.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out (raise --timeout?): " + strings.TrimPrefix(err.Error(), "canary: ")
	case errors.As(err, &ae):
		return strings.TrimPrefix(err.Error(), "canary: ")
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return ue.msg
	}
	var ve *canary.ValidationError
	if errors.As(err, &ve) {
		return goNames.Replace(strings.TrimPrefix(err.Error(), "canary: "))
	}
	msg := strings.TrimPrefix(err.Error(), "canary: ")
	if strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") ||
		strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "network is unreachable") {
		return "cannot reach the Console: " + msg
	}
	return msg
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

func sortedKinds() []string {
	ks := canary.KnownKinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	sort.Strings(out)
	return out
}
