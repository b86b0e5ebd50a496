package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/honeytoken/decoy"
	"github.com/decoykit/decoykit/internal/clihelp"
)

const (
	exitClean   = 0
	exitFound   = 1
	exitUsage   = 2
	exitFailure = 3
)

// options are the parsed flags.
type options struct {
	keyFile, registry string
	retiredKeyFiles   []string
	json              bool
	paths             []string
}

func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("honeytoken-scan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.keyFile, "key-file", "", "generator key `file` (32+ bytes, raw or hex); default: decoykit/honeytoken-decoy.key in the user config folder")
	fs.StringVar(&o.registry, "registry", "", "registry `file` (honeytoken.OpenFileStore) to report each token's location and memo from")
	fs.Func("retired-key-file", "a retired generator key `file` whose decoys are still reported (retired-key); repeatable", func(v string) error {
		o.retiredKeyFiles = append(o.retiredKeyFiles, v)
		return nil
	})
	fs.BoolVar(&o.json, "json", false, "print one JSON object per hit")
	return fs
}

func usage(w io.Writer) {
	_ = clihelp.Write(w, clihelp.Help{
		Usage: "honeytoken-scan [--key-file FILE] [--retired-key-file FILE ...] [--registry FILE] [--json] [PATH ...]",
		Summary: "Find the generator's honeytokens in files, folders (recursively) or standard input (\"-\" or no PATH):\n" +
			"plain, base64-, URL- or JSON-escaped. Each hit: file, line, format, token id, and with --registry\n" +
			"the location and memo the token was planted with.",
		Flags: newFlags(&options{}),
		Exit: []clihelp.Entry{
			{Name: "0", Text: "no decoy found"},
			{Name: "1", Text: "a decoy was found: it was used or leaked"},
			{Name: "2", Text: "usage error: bad flags or arguments"},
			{Name: "3", Text: "failure: the key, the registry or an input could not be read"},
		},
		Footer: "Try: honeytoken-scan --key-file decoy.key /var/log/nginx",
	})
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func parseFlags(args []string) (*options, error) {
	o := &options{}
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
	o.paths = fs.Args()
	if len(o.paths) == 0 {
		o.paths = []string{"-"}
	}
	return o, nil
}

// hit is one decoy found, as --json prints it.
type hit struct {
	File     string            `json:"file"`
	Line     int               `json:"line"`
	Start    int               `json:"start"`
	End      int               `json:"end"`
	Format   honeytoken.Format `json:"format"`
	Part     honeytoken.Part   `json:"part"`
	ID       string            `json:"id"`
	Strength int               `json:"strength"`
	Encoding string            `json:"encoding,omitempty"`
	Retired  bool              `json:"retired,omitempty"`
	Masked   string            `json:"masked"`
	Location string            `json:"location,omitempty"`
	Memo     string            `json:"memo,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Status   string            `json:"status,omitempty"`
}

// scanner scans inputs and prints hits.
type scanner struct {
	g      *honeytoken.Generator
	store  honeytoken.Store // nil without --registry
	stdin  io.Reader
	out    io.Writer
	stderr io.Writer
	json   *json.Encoder
	found  int
	failed bool
}

// run is the program: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return exitClean
		}
		fmt.Fprintf(stderr, "honeytoken-scan: %v (see honeytoken-scan --help)\n", err)
		return exitUsage
	}
	key, err := loadKey(o.keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "honeytoken-scan:", err)
		return exitFailure
	}
	var retired [][]byte
	for _, f := range o.retiredKeyFiles {
		k, err := loadKey(f)
		if err != nil {
			fmt.Fprintln(stderr, "honeytoken-scan: --retired-key-file:", err)
			return exitFailure
		}
		retired = append(retired, k)
	}
	g, err := honeytoken.NewGenerator(key, honeytoken.WithRetiredKeys(retired...))
	if err != nil {
		fmt.Fprintln(stderr, "honeytoken-scan:", err)
		return exitFailure
	}
	s := &scanner{g: g, stdin: stdin, out: stdout, stderr: stderr}
	if o.json {
		s.json = json.NewEncoder(stdout)
	}
	if o.registry != "" {
		st, err := honeytoken.OpenFileStore(o.registry)
		if err != nil {
			fmt.Fprintln(stderr, "honeytoken-scan: --registry:", err)
			return exitFailure
		}
		defer st.Close()
		s.store = st
	}
	for _, p := range o.paths {
		if ctx.Err() != nil {
			break
		}
		s.path(ctx, p)
	}
	switch {
	case s.found > 0:
		if !o.json {
			fmt.Fprintf(stderr, "honeytoken-scan: %d decoy hit(s): a decoy that shows up here was used or leaked\n", s.found)
		}
		return exitFound
	case s.failed || ctx.Err() != nil:
		return exitFailure
	}
	return exitClean
}

// path scans a file, a folder (recursively) or "-" (standard input).
func (s *scanner) path(ctx context.Context, p string) {
	if p == "-" {
		s.scan(ctx, "-", s.stdin)
		return
	}
	err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			s.fail(err)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			if d.Name() == ".git" && path != p {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // sockets, devices, symlinks to elsewhere
		}
		f, err := os.Open(path)
		if err != nil {
			s.fail(err)
			return nil
		}
		defer f.Close()
		s.scan(ctx, path, f)
		return nil
	})
	if err != nil && ctx.Err() == nil {
		s.fail(err)
	}
}

func (s *scanner) fail(err error) {
	s.failed = true
	fmt.Fprintln(s.stderr, "honeytoken-scan:", err)
}

// scan streams r and prints each hit.
func (s *scanner) scan(ctx context.Context, name string, r io.Reader) {
	for m, err := range s.g.ScanReader(r) {
		if err != nil {
			s.fail(fmt.Errorf("%s: %w", name, err))
			return
		}
		s.found++
		h := hit{File: name, Line: m.Line, Start: m.Start, End: m.End, Format: m.Format, Part: m.Part, ID: m.ID,
			Strength: m.Strength, Encoding: m.Encoding, Retired: m.Retired, Masked: decoy.Mask(m.Value)}
		if s.store != nil {
			if rec, err := s.store.Get(ctx, m.ID); err == nil {
				h.Location, h.Memo, h.Labels = rec.Token.Meta.Location, rec.Token.Meta.Memo, rec.Token.Meta.Labels
				h.Status = string(rec.Status)
			} else if !errors.Is(err, honeytoken.ErrNotFound) {
				s.fail(err)
			}
		}
		s.print(h)
	}
}

func (s *scanner) print(h hit) {
	if s.json != nil {
		if err := s.json.Encode(h); err != nil {
			s.fail(err)
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: %s", h.File, h.Line, h.Format)
	if h.Part == honeytoken.PartSecret {
		b.WriteString(" (secret)")
	}
	fmt.Fprintf(&b, " %s id=%s", h.Masked, h.ID)
	if h.Encoding != "" {
		fmt.Fprintf(&b, " encoding=%s", h.Encoding)
	}
	if h.Retired {
		b.WriteString(" retired-key")
	}
	if h.Location != "" {
		fmt.Fprintf(&b, " location=%q", decoy.Sanitize(h.Location, 200))
	}
	if h.Memo != "" {
		fmt.Fprintf(&b, " memo=%q", decoy.Sanitize(h.Memo, 200))
	}
	if h.Status != "" {
		fmt.Fprintf(&b, " status=%s", h.Status)
	}
	fmt.Fprintln(s.out, b.String())
}

// loadKey reads the generator key: hex or raw bytes. It never creates one: a
// new key would find nothing.
func loadKey(path string) ([]byte, error) {
	if path == "" {
		cfg, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("no --key-file given and no user config folder (%v); pass --key-file", err)
		}
		path = filepath.Join(cfg, "decoykit", "honeytoken-decoy.key")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	if k, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(k) >= honeytoken.MinKeySize {
		return k, nil
	}
	if len(b) < honeytoken.MinKeySize {
		return nil, fmt.Errorf("--key-file: %s must hold at least %d random bytes (or %d hex digits)", path, honeytoken.MinKeySize, 2*honeytoken.MinKeySize)
	}
	return b, nil
}
