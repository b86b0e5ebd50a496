// Command webhook-receiver receives Thinkst Canary Console webhooks: an
// HTTP server that authenticates each POST by a shared header (the Console
// signs nothing; configure the same custom header on its generic webhook),
// caps the body, parses the alert with canary.ParseWebhook and prints it.
//
//	CANARY_WEBHOOK_SECRET=<long random value> go run ./examples/webhook-receiver --addr 127.0.0.1:8787
//	go run ./examples/webhook-receiver --demo
//
// --demo starts the receiver on a free loopback port with a fresh random
// secret, POSTs the documented Console payloads to it (a Canary incident, a
// Canarytoken incident, the test event, a Splunk HEC-wrapped alert, an older
// payload with drifted types) plus one request with a wrong secret, prints
// what was parsed and exits 0 if every answer was as expected.
//
// Exit status: 0 success; 1 failure (cannot listen, the demo went wrong);
// 2 usage error (bad flags, CANARY_WEBHOOK_SECRET not set).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/clihelp"
)

//go:embed payloads/*.json
var payloads embed.FS

// Exit statuses, as --help documents them.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func newFlags() *flag.FlagSet {
	fl := flag.NewFlagSet("webhook-receiver", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.String("addr", "127.0.0.1:8787", "listen `address` (loopback by default; put a TLS reverse proxy in front)")
	fl.String("header", "X-Canary-Webhook-Auth", "the custom `header` configured on the Console's webhook")
	fl.Bool("demo", false, "post the documented payloads to a local receiver, print them and exit")
	return fl
}

func usage(w io.Writer) {
	_ = clihelp.Write(w, clihelp.Help{
		Usage: "webhook-receiver [--addr HOST:PORT] [--header NAME] [--demo]",
		Summary: "Receive Thinkst Canary Console webhooks on /hooks/canary, authenticated by a shared header,\n" +
			"and print each alert.",
		Flags: newFlags(),
		Env: []clihelp.Entry{{Name: "CANARY_WEBHOOK_SECRET",
			Text: "the value of the custom header set on the Console's webhook (required, except with --demo)"}},
		Exit: []clihelp.Entry{
			{Name: "0", Text: "success (with --demo: every payload was answered as expected)"},
			{Name: "1", Text: "failure: the address could not be listened on, or the demo went wrong"},
			{Name: "2", Text: "usage error: bad flags, or CANARY_WEBHOOK_SECRET not set"},
		},
		Footer: "Try: webhook-receiver --demo",
	})
}

// run is the whole program: it parses args, runs and returns the exit
// status. Errors go to stderr as one line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	err := runErr(ctx, args, stdout, getenv)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "webhook-receiver: %s (see webhook-receiver --help)\n", ue.msg)
		return exitUsage
	}
	fmt.Fprintf(stderr, "webhook-receiver: %s\n", err)
	return exitFailure
}

func runErr(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fl := newFlags()
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + f
		}
		return &usageError{msg}
	}
	if fl.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fl.Arg(0))}
	}
	addr := fl.Lookup("addr").Value.String()
	header := fl.Lookup("header").Value.String()
	if fl.Lookup("demo").Value.String() == "true" {
		return runDemo(out, header)
	}
	secret := getenv("CANARY_WEBHOOK_SECRET")
	if secret == "" {
		return &usageError{"set CANARY_WEBHOOK_SECRET to the value configured in the Console's webhook header (or use --demo)"}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	srv, err := newServer(header, secret, func(a *canary.WebhookAlert) {
		mu.Lock()
		defer mu.Unlock()
		printAlert(out, a)
	})
	if err != nil {
		_ = ln.Close()
		var ve *canary.ValidationError
		if errors.As(err, &ve) {
			return &usageError{strings.TrimPrefix(err.Error(), "canary: ")}
		}
		return err
	}
	fmt.Fprintf(out, "listening on http://%s/hooks/canary (header %s)\n", ln.Addr(), header)
	return serve(ctx, srv, ln)
}

// newServer returns the receiver: one route, the canary webhook handler.
func newServer(header, secret string, onAlert func(*canary.WebhookAlert)) (*http.Server, error) {
	h, err := canary.NewWebhookHandler(func(_ context.Context, a *canary.WebhookAlert) error {
		onAlert(a)
		return nil
	}, canary.WebhookHandlerOptions{
		AuthHeader: header, AuthValue: secret,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/hooks/canary", h)
	return &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 15 * time.Second, MaxHeaderBytes: 16 << 10,
	}, nil
}

func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func printAlert(out io.Writer, a *canary.WebhookAlert) {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", a.Kind, a.Description)
	if a.SourceIP != "" {
		fmt.Fprintf(&b, " from %s", a.SourceIP)
	}
	if !a.Timestamp.IsZero() {
		fmt.Fprintf(&b, " at %s", a.Timestamp.Format(time.RFC3339))
	}
	if a.SplunkWrapped {
		b.WriteString(" (via Splunk HEC)")
	}
	b.WriteString("\n")
	if c := a.Canary; c != nil {
		fmt.Fprintf(&b, "    canary %q (%s) at %s port %d\n", c.Name, c.ID, c.IP, c.Port)
	}
	if t := a.Canarytoken; t != nil {
		fmt.Fprintf(&b, "    token memo %q, triggered %d time(s)\n", t.Reminder, t.Triggered)
	}
	if a.IncidentHash != "" {
		fmt.Fprintf(&b, "    incident hash %s (Incidents.GetByHashID for the full incident)\n", a.IncidentHash)
	}
	for _, d := range a.AdditionalDetails {
		fmt.Fprintf(&b, "    %s: %s\n", d.Name, d.Value)
	}
	_, _ = io.WriteString(out, b.String())
}

func runDemo(out io.Writer, header string) error {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	secret := hex.EncodeToString(raw) // generated at run time, never stored
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var mu sync.Mutex
	srv, err := newServer(header, secret, func(a *canary.WebhookAlert) {
		mu.Lock()
		defer mu.Unlock()
		printAlert(out, a)
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, srv, ln) }()
	url := "http://" + ln.Addr().String() + "/hooks/canary"
	fmt.Fprintf(out, "receiver on %s, header %s\n\n", url, header)

	names, err := fs.Glob(payloads, "payloads/*.json")
	if err != nil {
		cancel()
		return err
	}
	sort.Strings(names)
	var failures []string
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(name string, body []byte, auth string, want int) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			failures = append(failures, name+": "+err.Error())
			return
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set(header, auth)
		}
		resp, err := client.Do(req)
		if err != nil {
			failures = append(failures, name+": "+err.Error())
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		mu.Lock()
		fmt.Fprintf(out, "  -> %s: HTTP %d\n\n", name, resp.StatusCode)
		mu.Unlock()
		if resp.StatusCode != want {
			failures = append(failures, fmt.Sprintf("%s: HTTP %d, want %d", name, resp.StatusCode, want))
		}
	}
	for _, name := range names {
		body, err := payloads.ReadFile(name)
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		post(strings.TrimPrefix(name, "payloads/"), body, secret, http.StatusOK)
	}
	first, _ := payloads.ReadFile(names[0])
	post("wrong secret", first, "not-the-secret", http.StatusUnauthorized)
	post("malformed JSON", []byte(`{"AlertType": "CanaryIncident",`), secret, http.StatusBadRequest)

	cancel()
	if err := <-done; err != nil {
		return err
	}
	if len(failures) > 0 {
		return fmt.Errorf("demo failed: %s", strings.Join(failures, "; "))
	}
	fmt.Fprintf(out, "demo OK: %d payloads parsed, the wrong secret and the malformed body refused\n", len(names))
	return nil
}
