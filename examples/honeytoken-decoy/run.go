package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/honeytoken/decoy"
	"github.com/decoykit/decoykit/internal/clihelp"
)

const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// options are the parsed flags.
type options struct {
	demo                 bool
	dir, addr, keyFile   string
	hits                 string // --hits
	webhook, slack       string
	trusted              []netip.Prefix
	shutdownGrace        time.Duration
	trustedProxiesString string // --trusted-proxy as given
}

func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("honeytoken-decoy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.demo, "demo", false, "send a clean request and three with honeytokens to the decoy, print the hits and exit")
	fs.StringVar(&o.dir, "dir", "", "folder to mint the placement files into (default: a new temporary folder)")
	fs.StringVar(&o.addr, "addr", "", "`host:port` to serve the decoy API on (default 127.0.0.1:8080; 127.0.0.1:0 with --demo)")
	fs.StringVar(&o.keyFile, "key-file", "", "generator key `file` (32+ random bytes, raw or hex), created if missing; default: decoykit/honeytoken-decoy.key in the user config folder. Never inside --dir, next to the bait")
	fs.StringVar(&o.hits, "hits", "", "append each alert as JSON to this `file`; default: decoykit/honeytoken-decoy/hits.jsonl in the user state folder (a demo: a temporary folder it removes). Never inside --dir, next to the bait")
	fs.StringVar(&o.webhook, "webhook", "", "also POST each alert as JSON to this `URL`")
	fs.StringVar(&o.slack, "slack-webhook", "", "also post each alert to this Slack incoming webhook `URL`")
	fs.StringVar(&o.trustedProxiesString, "trusted-proxy", "", "comma-separated `CIDRs` of proxies whose X-Forwarded-For is believed")
	return fs
}

func usage(w io.Writer) {
	_ = clihelp.Write(w, clihelp.Help{
		Usage: "honeytoken-decoy [--demo] [--dir DIR] [--addr HOST:PORT] [--key-file FILE] [--hits FILE] [--webhook URL] [--slack-webhook URL] [--trusted-proxy CIDR,...]",
		Summary: "Mint honeytokens into .env, config.json and .aws/credentials, serve a decoy API that catches\n" +
			"their use, and print each hit (also logged to stderr, appended to the --hits file, sent to the webhooks).",
		Flags: newFlags(&options{}),
		Exit: []clihelp.Entry{
			{Name: "0", Text: "success (serving: also when interrupted with Ctrl-C)"},
			{Name: "1", Text: "failure: a file could not be written, the address could not be listened on, the demo went wrong"},
			{Name: "2", Text: "usage error: bad flags or arguments"},
		},
		Footer: "Try: honeytoken-decoy --demo",
	})
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func parseFlags(args []string) (*options, error) {
	o := &options{shutdownGrace: 10 * time.Second}
	fs := newFlags(o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + f
		}
		return nil, &usageError{msg}
	}
	if fs.NArg() > 0 {
		return nil, &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.trustedProxiesString != "" {
		for _, s := range strings.Split(o.trustedProxiesString, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil {
				return nil, &usageError{fmt.Sprintf("--trusted-proxy: %q is not a CIDR such as 10.0.0.0/8", s)}
			}
			o.trusted = append(o.trusted, p)
		}
	}
	if o.addr == "" {
		o.addr = "127.0.0.1:8080"
		if o.demo {
			o.addr = "127.0.0.1:0"
		}
	}
	return o, nil
}

// run is the program: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "honeytoken-decoy: %v (see honeytoken-decoy --help)\n", err)
		return exitUsage
	}
	if err := serve(ctx, o, stdout, stderr); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "honeytoken-decoy: %v (see honeytoken-decoy --help)\n", err)
			return exitUsage
		}
		fmt.Fprintln(stderr, "honeytoken-decoy:", err)
		return exitFailure
	}
	return exitOK
}

// minted is what mint wrote.
type minted struct {
	github, openai, stripe, aws honeytoken.Token
	files                       []string
}

func serve(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "honeytoken-decoy-")
		if err != nil {
			return err
		}
		o.dir = d
		if o.demo { // a demo leaves no decoy credentials behind
			defer func() {
				_ = os.RemoveAll(d)
				fmt.Fprintf(stdout, "removed %s\n", d)
			}()
		}
	}
	key, err := loadKey(o)
	if err != nil {
		return err
	}
	hitsPath, cleanup, err := hitsFile(o)
	if err != nil {
		return err
	}
	defer cleanup()
	g, err := honeytoken.NewGenerator(key)
	if err != nil {
		return err
	}
	store := honeytoken.NewMemoryStore()
	m, err := mint(ctx, g, store, o.dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "minted 4 honeytokens into %s:\n", o.dir)
	for _, f := range m.files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	jsonl, err := decoy.OpenJSONLines(hitsPath)
	if err != nil {
		return err
	}
	defer jsonl.Close()
	notifiers := []decoy.Notifier{decoy.LogNotifier(logger), jsonl}
	if o.webhook != "" {
		wh, err := decoy.NewWebhook(o.webhook, decoy.WithWebhookLogger(logger))
		if err != nil {
			return &usageError{"--webhook: " + strings.TrimPrefix(err.Error(), "decoy: ")}
		}
		notifiers = append(notifiers, wh)
	}
	if o.slack != "" {
		sl, err := decoy.NewSlack(o.slack, decoy.WithWebhookLogger(logger))
		if err != nil {
			return &usageError{"--slack-webhook: " + strings.TrimPrefix(err.Error(), "decoy: ")}
		}
		notifiers = append(notifiers, sl)
	}
	d, err := decoy.NewDispatcher(decoy.DispatcherConfig{Logger: logger}, notifiers...)
	if err != nil {
		return err
	}
	printer := &hitPrinter{w: stdout, next: d}
	h := decoy.Handler(g, decoy.WithRecorder(printer), decoy.WithRegistry(store), decoy.WithLogger(logger),
		decoy.WithTrustedProxies(o.trusted...))

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		_ = d.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + "/api"
	fmt.Fprintf(stdout, "decoy API listening on %s\n", url)

	var runErr error
	if o.demo {
		runErr = attack(ctx, url, m, stdout)
	} else {
		fmt.Fprintln(stdout, "waiting for honeytoken use; Ctrl-C to stop")
		select {
		case <-ctx.Done():
		case runErr = <-served:
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownGrace)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err := d.Shutdown(sctx); err != nil && runErr == nil {
		runErr = err
	}
	st := d.Stats()
	fmt.Fprintf(stdout, "%d hits, %d alerts, %d deliveries to %d notifiers, %d dropped; alerts appended to %s\n",
		st.Hits, st.Alerts, st.Delivered, len(notifiers), st.Dropped, hitsPath)
	return runErr
}

// hitsFile returns the alert log's path: --hits, or hits.jsonl in the user
// state folder (a demo's in a temporary folder that cleanup removes). The
// log names the planted files, their memos and the attackers' addresses, so
// it is refused inside --dir: whoever lists the bait would learn it is bait.
func hitsFile(o *options) (path string, cleanup func(), err error) {
	cleanup = func() {}
	path = o.hits
	if path == "" {
		if o.demo {
			d, err := os.MkdirTemp("", "honeytoken-decoy-state-")
			if err != nil {
				return "", nil, err
			}
			return filepath.Join(d, "hits.jsonl"), func() { _ = os.RemoveAll(d) }, nil
		}
		state, err := userStateDir()
		if err != nil {
			return "", nil, fmt.Errorf("no --hits given and no user state folder to keep the alert log in (%v); pass --hits", err)
		}
		path = filepath.Join(state, "decoykit", "honeytoken-decoy", "hits.jsonl")
	}
	if within(path, o.dir) {
		return "", nil, fmt.Errorf("--hits: %s is inside %s, next to the bait: its memos and source addresses tell whoever lists the folder that the credentials are decoys; keep it elsewhere", path, o.dir)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", nil, fmt.Errorf("--hits: %w", err)
	}
	return path, cleanup, nil
}

// userStateDir is where per-user state lives: $XDG_STATE_HOME (default
// ~/.local/state) on Unix, the local application data folder on Windows,
// Application Support on macOS.
func userStateDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		return os.UserCacheDir() // %LocalAppData%
	case "darwin", "ios":
		return os.UserConfigDir() // ~/Library/Application Support
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state"), nil
}

// loadKey reads --key-file, or makes a new key and saves it in the folder.
func loadKey(o *options) ([]byte, error) {
	path := o.keyFile
	if path == "" {
		if o.demo { // a demo's tokens die with it: its key stays in memory
			return newKey()
		}
		cfg, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("no --key-file given and no user config folder to keep the key in (%v); pass --key-file", err)
		}
		path = filepath.Join(cfg, "decoykit", "honeytoken-decoy.key")
	}
	if within(path, o.dir) {
		return nil, fmt.Errorf("--key-file: %s is inside %s, next to the bait: whoever reads the bait could tell decoys apart and mint their own; keep it elsewhere", path, o.dir)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		// First run: make the key and keep it, so later runs recognise the
		// tokens minted now.
		key, err := newKey()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("saving the new key: %w", err)
		}
		if err := honeytoken.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), honeytoken.WriteOptions{}); err != nil {
			return nil, fmt.Errorf("saving the new key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil && len(k) >= honeytoken.MinKeySize {
		return k, nil
	}
	if len(b) < honeytoken.MinKeySize {
		return nil, fmt.Errorf("--key-file: %s must hold at least %d random bytes (or %d hex digits)", path, honeytoken.MinKeySize, 2*honeytoken.MinKeySize)
	}
	return b, nil
}

func newKey() ([]byte, error) {
	key := make([]byte, honeytoken.MinKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// within reports whether path lies in dir, after following symbolic links
// (of path's deepest existing parent, since path itself may not exist yet).
func within(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	if rel, err := filepath.Rel(d, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return true
	}
	rd, err := filepath.EvalSymlinks(d)
	if err != nil {
		return false
	}
	rp, rest := p, ""
	for {
		if r, err := filepath.EvalSymlinks(rp); err == nil {
			rp = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(rp)
		if parent == rp {
			return false
		}
		rest = filepath.Join(filepath.Base(rp), rest)
		rp = parent
	}
	rel, err := filepath.Rel(rd, rp)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// mint generates the tokens, registers them and writes the placement files.
func mint(ctx context.Context, g *honeytoken.Generator, store honeytoken.Store, dir string) (*minted, error) {
	m := &minted{}
	gen := func(f honeytoken.Format, path, memo string) (honeytoken.Token, error) {
		where, _ := filepath.Rel(dir, path)
		t, err := g.Generate(f, honeytoken.Meta{Location: filepath.ToSlash(where), Memo: memo})
		if err != nil {
			return t, err
		}
		return t, store.Put(ctx, honeytoken.Record{Token: t, Status: honeytoken.StatusActive})
	}
	var err error
	envPath, cfgPath, awsPath := filepath.Join(dir, ".env"), filepath.Join(dir, "config.json"), filepath.Join(dir, ".aws", "credentials")
	if m.github, err = gen(honeytoken.GitHubClassic, envPath, "decoy GitHub token in .env"); err != nil {
		return nil, err
	}
	if m.openai, err = gen(honeytoken.OpenAI, envPath, "decoy OpenAI key in .env"); err != nil {
		return nil, err
	}
	if m.stripe, err = gen(honeytoken.StripeSecret, cfgPath, "decoy Stripe key in config.json"); err != nil {
		return nil, err
	}
	if m.aws, err = gen(honeytoken.AWSAccessKey, awsPath, "decoy AWS key pair in .aws/credentials"); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(awsPath), 0o700); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		path      string
		placement honeytoken.Placement
		toks      []honeytoken.Token
	}{
		{envPath, honeytoken.EnvFile, []honeytoken.Token{m.github, m.openai}},
		{cfgPath, honeytoken.JSONFile, []honeytoken.Token{m.stripe}},
		{awsPath, honeytoken.AWSCredentialsFile, []honeytoken.Token{m.aws}},
	} {
		b, err := honeytoken.Render(f.placement, f.toks...)
		if err != nil {
			return nil, err
		}
		if err := honeytoken.WriteFile(f.path, b, honeytoken.WriteOptions{}); err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, f.path)
		names := make([]string, len(f.toks))
		for i, t := range f.toks {
			names[i] = string(t.Format)
		}
		m.files = append(m.files, fmt.Sprintf("%-18s %s", rel, strings.Join(names, ", ")))
	}
	return m, nil
}

// attack plays the attacker who found the files.
func attack(ctx context.Context, url string, m *minted, stdout io.Writer) error {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	sigv4 := "AWS4-HMAC-SHA256 Credential=" + m.aws.Value + "/" + time.Now().UTC().Format("20060102") +
		"/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)
	reqs := []struct {
		what   string
		method string
		header [2]string
		body   string
	}{
		{"with a clean key", http.MethodGet, [2]string{"Authorization", "Bearer not-a-honeytoken"}, ""},
		{"with the GitHub token from .env (curl -H \"Authorization: Bearer ...\")", http.MethodGet, [2]string{"Authorization", "Bearer " + m.github.Value}, ""},
		{"with the Stripe key from config.json in a JSON body", http.MethodPost, [2]string{"Content-Type", "application/json"}, `{"api_key":"` + m.stripe.Value + `","amount":100}`},
		{"with the AWS key from .aws/credentials (SigV4 Authorization)", http.MethodPost, [2]string{"Authorization", sigv4}, "Action=GetCallerIdentity&Version=2011-06-15"},
	}
	for _, r := range reqs {
		var body io.Reader
		if r.body != "" {
			body = strings.NewReader(r.body)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, url, body)
		if err != nil {
			return err
		}
		req.Header.Set(r.header[0], r.header[1])
		req.Header.Set("User-Agent", "curl/8.5.0")
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("demo request: %w", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		fmt.Fprintf(stdout, "demo: %s %s -> %d\n", r.method, r.what, resp.StatusCode)
	}
	return nil
}

// hitPrinter prints each hit as it happens, then hands it on.
type hitPrinter struct {
	mu   sync.Mutex
	w    io.Writer
	next decoy.Recorder
}

func (p *hitPrinter) Record(h decoy.Hit) {
	p.mu.Lock()
	where := string(h.Found.Kind)
	if h.Found.Name != "" {
		where += " " + h.Found.Name
	}
	if h.Found.Encoding != "" {
		where += " (" + h.Found.Encoding + ")"
	}
	fmt.Fprintf(p.w, "HIT %s %s in %s from %s: %s %s, planted in %s\n",
		h.Format, h.Token, where, h.RemoteIP, h.Method, h.Path, h.Location)
	p.mu.Unlock()
	p.next.Record(h)
}
