package honeytoken

import (
	"strings"
	"testing"
)

// Recognize and Scan take attacker-controlled input: they must never panic, and a
// string Recognize accepts must be found by Scan too.
func FuzzRecognize(f *testing.F) {
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
	}
	f.Add("")
	f.Add(pemBeginForm + "\n" + pemEndForm)
	f.Fuzz(func(t *testing.T, s string) {
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

func FuzzScan(f *testing.F) {
	g := newTestGenerator(f, "fuzz")
	for _, fm := range g.Formats() {
		tok, _ := g.Generate(fm, Meta{})
		f.Add("x=" + tok.Value + "&y=%2F" + tok.Secret)
	}
	f.Add("%zz\\/%2")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range g.Scan(s) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("bad span %d..%d for input of %d bytes", m.Start, m.End, len(s))
			}
		}
	})
}
