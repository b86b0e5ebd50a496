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
)

//go:embed payloads/*.json
var payloads embed.FS

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

func main() {
	err := run(os.Args[1:], os.Stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package has printed the problem and the usage
	default:
		fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("webhook-receiver", flag.ContinueOnError)
	addr := fl.String("addr", "127.0.0.1:8787", "listen address (loopback by default; put a TLS reverse proxy in front)")
	header := fl.String("header", "X-Canary-Webhook-Auth", "the custom header configured on the Console's webhook")
	demo := fl.Bool("demo", false, "post the documented payloads to a local receiver and print them")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *demo {
		return runDemo(out, *header)
	}
	secret := os.Getenv("CANARY_WEBHOOK_SECRET")
	if secret == "" {
		return errors.New("set CANARY_WEBHOOK_SECRET to the value configured in the Console's webhook header (or use --demo)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	srv, err := newServer(*header, secret, func(a *canary.WebhookAlert) {
		mu.Lock()
		defer mu.Unlock()
		printAlert(out, a)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "listening on http://%s/hooks/canary (header %s)\n", ln.Addr(), *header)
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
