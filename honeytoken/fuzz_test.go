package honeytoken

import (
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
