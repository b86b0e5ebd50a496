package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad input from the user: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// globals are the flags every command takes, before or after its name.
type globals struct {
	console, baseURL, authToken string
	json, demo                  bool
	timeout                     time.Duration
	retries                     int
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.console, "console", g.console, "Console `domain`, as in DOMAIN.canary.tools")
	fs.StringVar(&g.baseURL, "base-url", g.baseURL, "API root `URL` of a self-hosted or test Console, e.g. https://host/api/v1")
	fs.StringVar(&g.authToken, "auth-token", g.authToken, "API auth `token` (default $CANARY_AUTH_TOKEN)")
	fs.BoolVar(&g.json, "json", g.json, "print JSON instead of tables")
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
}

var commands = []command{
	{"ping", "", "check the Console and the auth token", pingFlags},
	{"list", "[--kind K]", "list every token", listFlags},
	{"alerts", "[--newer-than 24h|TIME] [--unacked]", "list incidents", alertsFlags},
	{"create", "--kind K --memo M [--file F]", "create a token", createFlags},
	{"coverage", "[--markdown]", "tokens by kind, missing recommended kinds, coverage score", coverageFlags},
	{"full", "[--markdown]", "coverage, token hygiene, incidents, top source IPs, findings", fullFlags},
	{"ack", "KEY", "acknowledge an incident", ackFlags},
	{"delete", "ID [--clear-incidents]", "delete a token (or an incident, given its key)", deleteFlags},
	{"download", "ID [-o FILE]", "save a token's file", downloadFlags},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: canary-agent [--console DOMAIN | --base-url URL] [--auth-token TOKEN] [--json] [--demo] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %-38s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nglobal flags (before or after the command):")
	fs := flag.NewFlagSet("canary-agent", flag.ContinueOnError)
	(&globals{timeout: 2 * time.Minute, retries: 2}).register(fs)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nThe auth token is read from CANARY_AUTH_TOKEN when --auth-token is not given.")
	fmt.Fprintln(w, "Try: canary-agent --demo full")
}

// run is the whole program: it parses args, runs one command and returns
// the exit status. Errors go to stderr as one line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "canary-agent: internal error: %s\n", oneLine(fmt.Sprint(r)))
			code = exitFailure
		}
	}()
	err := dispatch(ctx, args, stdout, stderr, getenv)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	}
	fmt.Fprintf(stderr, "canary-agent: %s\n", oneLine(describe(err)))
	var ue *usageError
	var ve *canary.ValidationError
	if errors.As(err, &ue) || errors.As(err, &ve) {
		return exitUsage
	}
	return exitFailure
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	g := &globals{timeout: 2 * time.Minute, retries: 2}
	top := flag.NewFlagSet("canary-agent", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	g.register(top)
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
	g.register(fs)
	runCmd := cmd.flags(fs)
	positional, err := parseInterleaved(fs, rest[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: canary-agent %s %s\n  %s\n\nflags:\n", cmd.name, cmd.args, cmd.help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
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
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	e := &env{g: g, stdout: stdout}
	if err := connect(ctx, e, getenv); err != nil {
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

// connect builds the client: the demo server, or the Console the flags and
// environment name.
func connect(ctx context.Context, e *env, getenv func(string) string) error {
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
		e.c = srv.Client(canary.WithUserAgent("canary-agent"))
		return nil
	}
	token := g.authToken
	if token == "" {
		token = getenv("CANARY_AUTH_TOKEN")
	}
	var opts []canary.Option
	switch {
	case g.console != "" && g.baseURL != "":
		return usagef("give --console or --base-url, not both")
	case g.console != "":
		opts = append(opts, canary.WithDomain(g.console))
	case g.baseURL != "":
		opts = append(opts, canary.WithBaseURL(g.baseURL))
	default:
		return usagef("no Console given: use --console DOMAIN (as in DOMAIN.canary.tools), --base-url URL, or --demo")
	}
	if strings.TrimSpace(token) == "" {
		return usagef("no auth token: set CANARY_AUTH_TOKEN or pass --auth-token (Console → Global Settings → API)")
	}
	opts = append(opts, canary.WithAuthToken(token), canary.WithUserAgent("canary-agent"),
		canary.WithRetry(canary.RetryPolicy{MaxAttempts: g.retries + 1}))
	c, err := canary.NewClient(opts...)
	if err != nil {
		var ve *canary.ValidationError
		if errors.As(err, &ve) {
			return usagef("%s", strings.TrimPrefix(ve.Error(), "canary: "))
		}
		return err
	}
	e.c = c
	return nil
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
