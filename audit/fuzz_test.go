package audit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzFromJSON feeds arbitrary token and incident files to FromJSON and a
// full audit over them: nothing may panic, and every report is complete or
// an error, never both. Seeded with every shape FromJSON documents and the
// Console's documented responses (../canary/testdata).
func FuzzFromJSON(f *testing.F) {
	toks := []string{"[" + tokenA + "," + tokenB + "]", tokenA + "\n" + tokenB + "\n",
		`{"result": "success", "canarytokens": [` + tokenA + "," + tokenB + `], "cursor": {"next": null}}`,
		"\ufeff" + `{"tokens": [` + tokenA + `, null, ` + tokenB + `]}`, "", "null", "[", `{"tokens": 1}`}
	incs := []string{"[" + feedInc + ",\n" + flatInc + "]", feedInc + "\n" + flatInc,
		`{"feed": "All Incidents", "incidents": [` + feedInc + "," + flatInc + `], "max_updated_id": 3, "result": "success"}`,
		"[null, " + feedInc + "," + flatInc + "]", "", `{"incidents": {}}`}
	for i, tk := range toks {
		f.Add([]byte(tk), []byte(incs[i%len(incs)]))
	}
	for _, dir := range []string{"tokens", "incidents"} {
		files, _ := filepath.Glob(filepath.Join("..", "canary", "testdata", dir, "*.json"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			if dir == "tokens" {
				f.Add(b, []byte(incs[0]))
			} else {
				f.Add([]byte(toks[0]), b)
			}
		}
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tokens, incidents []byte) {
		r, err := Full(ctx, FromJSON(bytes.NewReader(tokens), bytes.NewReader(incidents)), &Options{Now: fixedNow})
		if err != nil {
			if r != nil {
				t.Fatalf("a report and an error: %v", err)
			}
			return
		}
		if r == nil || r.Incidents == nil {
			t.Fatal("no error and no complete report")
		}
		if r.Coverage.Enabled > r.Coverage.Tokens || r.Incidents.Unacknowledged > r.Incidents.Total {
			t.Fatalf("counts out of range: %+v %+v", r.Coverage, r.Incidents)
		}
	})
}
