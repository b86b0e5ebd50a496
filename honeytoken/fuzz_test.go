package honeytoken

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzRecognizeScan feeds attacker-controlled input to Recognize and Scan: they
// must never panic, every span Scan reports must lie inside the input, and a
// string Recognize accepts must be found by Scan too.
func FuzzRecognizeScan(f *testing.F) {
	g := newTestGenerator(f, "fuzz")
	for _, fm := range g.Formats() {
		tok, err := g.Generate(fm, Meta{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok.Value)
		if tok.Secret != "" {
			f.Add(tok.Secret)
		}
		f.Add("x=" + tok.Value + "&y=%2F" + tok.Secret)
	}
	// Every format in every placement a user plants it in.
	var all []Token
	for _, fm := range g.Formats() {
		tok, err := g.Generate(fm, Meta{Location: "x", Memo: "m"})
		if err != nil {
			f.Fatal(err)
		}
		all = append(all, tok)
	}
	for _, pl := range Placements() {
		if b, err := Render(pl, all...); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(pemBegin + strings.Repeat("A", 96) + pemEnd) // the finding-1 panic
	f.Add("")
	f.Add("%zz\\/%2")
	f.Add(pemBeginForm + "\n" + pemEndForm)
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range g.Scan(s) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("bad span %d..%d for input of %d bytes", m.Start, m.End, len(s))
			}
		}
		m, ok := g.Recognize(s)
		if !ok {
			return
		}
		if m.ID == "" || m.Format == "" {
			t.Fatalf("empty match for %q", s)
		}
		if len(g.Scan(" "+strings.TrimSpace(s)+"\n")) == 0 {
			t.Fatalf("Recognize accepted %q but Scan did not find it", s)
		}
	})
}

// FuzzOpenFileStore feeds arbitrary file contents to OpenFileStore: it must
// never panic; it either opens the file or reports a *CorruptError (or a
// torn last line, which it drops); every record it loads is valid; and the
// file it leaves behind opens again to the same records.
func FuzzOpenFileStore(f *testing.F) {
	g := newTestGenerator(f, "fuzz-store")
	var lines []byte
	for _, fm := range g.Formats() {
		tok, err := g.Generate(fm, Meta{Location: "x", Memo: "m"})
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(Record{Token: tok, Status: StatusActive})
		if err != nil {
			f.Fatal(err)
		}
		lines = append(append(lines, b...), '\n')
		f.Add(b)
	}
	f.Add(lines)
	f.Add(lines[:len(lines)-7])               // torn last line
	f.Add(append([]byte("{}\n\n"), lines...)) // a bad line first
	f.Add([]byte(`{"token":{"id":"x"},"status":"weird"}` + "\n"))
	dir := f.TempDir()
	path := filepath.Join(dir, "store.jsonl")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenFileStore(path)
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("want a *CorruptError, got %T %v", err, err)
			}
			return
		}
		recs, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := validateRecord(r); err != nil {
				t.Fatalf("loaded an invalid record %+v: %v", r, err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s2, err := OpenFileStore(path)
		if err != nil {
			t.Fatalf("the repaired file does not open again: %v", err)
		}
		defer s2.Close()
		recs2, err := s2.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(recs2) || (len(recs) > 0 && !reflect.DeepEqual(recs, recs2)) {
			t.Fatalf("reopening changed the records: %d then %d", len(recs), len(recs2))
		}
		if s2.Repaired() != 0 {
			t.Fatalf("a repaired file needed repair again (%d bytes)", s2.Repaired())
		}
	})
}

// FuzzScanMatchesReference: on any input, Scan finds exactly what the
// brute-force reference scan finds (scan_ref_test.go).
func FuzzScanMatchesReference(f *testing.F) {
	g := newTestGenerator(f, "fuzz-ref")
	for _, fm := range g.Formats() {
		tok, err := g.Generate(fm, Meta{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add("k=" + tok.Value + "\n" + tok.Secret)
		f.Add(base64.StdEncoding.EncodeToString([]byte(tok.Value + " " + tok.Secret)))
		f.Add(url.QueryEscape(tok.Value))
	}
	f.Add("eyJeyJ.eyJ.x-----BEGIN%2F\\/\"postgres://a:b@c")
	f.Fuzz(func(t *testing.T, s string) {
		got, want := g.Scan(s), refScan(g, s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Scan(%q)\n got %+v\nwant %+v", s, got, want)
		}
	})
}
