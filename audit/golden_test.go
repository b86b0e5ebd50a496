package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (then review them by reading)")

// goldenClock is the fixed time of the golden estate and reports.
var goldenClock = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// demoServer is a canarytest Console seeded with the demo estate plus one
// address that works through three tokens, at a fixed time and seed.
func demoServer(t *testing.T) *canarytest.Server {
	t.Helper()
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return goldenClock }), canarytest.WithSeed(1))
	t.Cleanup(srv.Close)
	sum, err := srv.Seed(canarytest.DemoEstate())
	require.NoError(t, err)
	n := 0
	for _, id := range sum.TokenIDs {
		if tk, ok := srv.Token(id); ok && tk.Enabled && n < 3 {
			_, err := srv.TriggerAt(id, "192.0.2.250", goldenClock.Add(-time.Duration(n+1)*time.Hour))
			require.NoError(t, err)
			n++
		}
	}
	require.Equal(t, 3, n)
	// A token that has fired and was then disabled: the finding to re-enable it.
	for _, tk := range srv.Tokens() {
		if tk.Incidents > 0 && tk.Enabled {
			require.NoError(t, srv.Client().Tokens.Disable(context.Background(), tk.ID))
			break
		}
	}
	return srv
}

func TestGoldenReports(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	ctx := context.Background()
	src := audit.FromClient(srv.Client())
	opts := audit.Options{Now: func() time.Time { return goldenClock }}

	full, err := audit.Full(ctx, src, opts)
	require.NoError(t, err)
	cov, err := audit.Coverage(ctx, src, opts)
	require.NoError(t, err)

	outputs := map[string][]byte{}
	for name, r := range map[string]*audit.Report{"full": full, "coverage": cov} {
		var js, md, txt bytes.Buffer
		require.NoError(t, r.WriteJSON(&js))
		outputs[name+".golden.json"] = js.Bytes()
		require.NoError(t, r.WriteMarkdown(&md))
		require.NoError(t, r.WriteText(&txt))
		outputs[name+".golden.md"] = md.Bytes()
		outputs[name+".golden.txt"] = txt.Bytes()
	}

	// No secret of any token reaches a report: not the URL, hostname or
	// key, not an access key or a secret access key.
	var secrets []string
	for tk, err := range srv.Client().Tokens.All(ctx, nil) {
		require.NoError(t, err)
		for _, s := range []string{tk.URL, tk.Hostname, tk.Key, tk.AccessKeyID, tk.SecretAccessKey.Reveal(), tk.FactoryAuth.Reveal()} {
			if len(s) >= 8 {
				secrets = append(secrets, s)
			}
		}
		for _, v := range tk.Renders {
			if len(v) >= 8 {
				secrets = append(secrets, v)
			}
		}
	}
	require.NotEmpty(t, secrets, "the demo estate should hold token URLs and keys to check against")
	credential := regexp.MustCompile(`(AKIA|ASIA)[A-Z0-9]{12,}|canarytest-auth-token`)
	for name, b := range outputs {
		for _, s := range secrets {
			assert.NotContains(t, string(b), s, "%s leaks a token secret", name)
		}
		assert.False(t, credential.Match(b), "%s holds a credential-shaped string", name)
		assert.NotContains(t, string(b), srv.AuthToken(), name)
	}

	for name, b := range outputs {
		path := filepath.Join("testdata", name)
		if *update {
			require.NoError(t, os.WriteFile(path, b, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./audit -run TestGoldenReports -update to create it")
		assert.Equal(t, string(want), string(b), "%s differs from the golden file; if the change is intended, rerun with -update and review the diff", name)
	}

	// The JSON round-trips into the same report.
	var back audit.Report
	require.NoError(t, json.Unmarshal(outputs["full.golden.json"], &back))
	assert.Equal(t, full.Coverage, back.Coverage)
	assert.Equal(t, full.Findings, back.Findings)
	assert.Equal(t, *full.Incidents, *back.Incidents)

	// The estate as the server sees it agrees with the report.
	var unacked int
	for _, i := range srv.Incidents() {
		if !i.Acknowledged {
			unacked++
		}
	}
	assert.Equal(t, len(srv.Incidents()), full.Incidents.Total)
	assert.Equal(t, unacked, full.Incidents.Unacknowledged)
	assert.Equal(t, len(srv.Tokens()), full.Coverage.Tokens)
	assert.Equal(t, []canary.Kind{canary.KindQRCode, canary.KindWindowsDir}, cov.Coverage.Missing)
}
