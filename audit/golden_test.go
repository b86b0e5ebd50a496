package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// goldenServer is a canarytest Console holding a small estate set up token
// by token, so every figure of the golden reports can be checked by hand:
//
//   - 12 tokens: 8 of the 10 recommended kinds enabled (qr-code and
//     windows-dir missing: 80%), 2 disabled (an aws-id token that fired,
//     then was disabled; the only slack-api token), 5 older than 180 days.
//   - 15 incidents, 5 acknowledged: 203.0.113.7 hit 4 tokens 7 times;
//     198.51.100.23 hit the Word document 4 times; 192.0.2.44 hit 2 tokens;
//     198.51.100.150 hit the PDF twice (both acknowledged).
//   - 3 Canaries: SRV-FILE01 (live, current) and NAS-OLD (live, 4.0.3,
//     behind canarytest.LatestVersion) in the default flock, which holds
//     every token and incident; BR-JUMP (dead for 3 days) alone in
//     "Branch Offices", a flock with no tokens.
func goldenServer(t *testing.T) *canarytest.Server {
	t.Helper()
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return goldenClock }), canarytest.WithSeed(1))
	t.Cleanup(srv.Close)
	day := 24 * time.Hour
	specs := []struct {
		kind, memo string
		age        time.Duration
		params     map[string]string
	}{
		{"http", "Web bug in the wiki page 'Salaries 2026'", 400 * day, nil},
		{"http", "Web bug in the Q3 board pack email", 20 * day, nil},
		{"dns", "DNS name in /etc/hosts on dc02", 250 * day, nil},
		{"doc-msword", `Board pack Q3.docx on \\fin-share\board`, 90 * day, nil},
		{"pdf-acrobat-reader", "Network diagram.pdf in the IT share", 200 * day, nil},
		{"aws-id", "AWS keys in ~/.aws/credentials on build-01", 30 * day, nil},
		{"aws-id", "AWS keys in CI variables (retired)", 500 * day, nil},
		{"web-image", "Logo on the staging site", 0, nil},
		{"cloned-web", "Clone check for intranet.example.com", 100 * day, map[string]string{"cloned_web": "intranet.example.com"}},
		{"sensitive-cmd", "klist.exe on jump-eu", 10 * day, map[string]string{"process_name": "klist.exe"}},
		{"wireguard", "WireGuard config on a departed admin's laptop", 300 * day, nil},
		{"slack-api", "Slack token in the ops repo", 45 * day, nil},
	}
	_, err := srv.Seed(canarytest.Estate{Flocks: []canarytest.FlockSpec{
		{Name: "Default Flock", Birds: []canarytest.BirdSpec{
			{Name: "SRV-FILE01", Personality: "windows-fileshare"},
			{Name: "NAS-OLD", Personality: "synology-nas", Version: "4.0.3"},
		}},
		{Name: "Branch Offices", NoTokens: true, Birds: []canarytest.BirdSpec{
			{Name: "BR-JUMP", Personality: "linux-ssh", Dead: true, DownFor: 3 * day},
		}},
	}})
	require.NoError(t, err)
	ctx := context.Background()
	c := srv.Client()
	ids := make([]string, len(specs))
	for i, sp := range specs {
		if sp.kind == "web-image" { // needs an image upload: through the API, created now
			var img bytes.Buffer
			require.NoError(t, png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))))
			tk, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindWebImage, Memo: sp.memo,
				Upload: &canary.Upload{Filename: "logo.png", Content: bytes.NewReader(img.Bytes())}})
			require.NoError(t, err)
			ids[i] = tk.ID
			continue
		}
		tk, err := srv.AddToken(canarytest.TokenSpec{Kind: sp.kind, Memo: sp.memo, Params: sp.params,
			Created: goldenClock.Add(-sp.age), Disabled: i == 11})
		require.NoError(t, err, sp.kind)
		ids[i] = tk.ID
	}
	fire := func(tok int, ip string, ago time.Duration, ack bool) {
		inc, err := srv.TriggerAt(ids[tok], ip, goldenClock.Add(-ago))
		require.NoError(t, err)
		if ack {
			require.NoError(t, c.Incidents.Acknowledge(ctx, inc.Key))
		}
	}
	h := time.Hour
	fire(0, "203.0.113.7", 50*h, true)
	fire(0, "203.0.113.7", 49*h, false)
	fire(0, "203.0.113.7", 48*h, false)
	fire(2, "203.0.113.7", 47*h, false)
	fire(5, "203.0.113.7", 46*h, false)
	fire(5, "203.0.113.7", 45*h, false)
	fire(6, "203.0.113.7", 44*h, false)
	for i := range 4 {
		fire(3, "198.51.100.23", time.Duration(10-i)*day, i < 2)
	}
	fire(1, "192.0.2.44", 2*h, false)
	fire(9, "192.0.2.44", 1*h, false)
	fire(4, "198.51.100.150", 30*day, true)
	fire(4, "198.51.100.150", 29*day, true)
	require.NoError(t, c.Tokens.Disable(ctx, ids[6])) // fired, then disabled
	return srv
}

func TestGoldenReports(t *testing.T) {
	t.Parallel()
	srv := goldenServer(t)
	ctx := context.Background()
	src := audit.FromClient(srv.Client())
	opts := &audit.Options{Now: func() time.Time { return goldenClock }}

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
		if d := firstDiff(string(want), string(b)); d != "" {
			t.Errorf("%s differs from the golden file (if intended, rerun with -update and review the diff):\n%s", name, d)
		}
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
	assert.Equal(t, 80.0, cov.Coverage.ScorePercent)
	assert.Equal(t, 15, full.Incidents.Total)
	assert.Equal(t, 10, full.Incidents.Unacknowledged)
	assert.Equal(t, 5, full.Hygiene.Stale) // 400, 250, 200, 500 and 300 days old
}

// firstDiff describes the first line where got differs from want, or "".
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return "the files differ in their line endings"
}

// TestFullOverDemoEstate audits canarytest's demo estate (whatever its
// seeding produces) and checks the report against the server's own view.
func TestFullOverDemoEstate(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return goldenClock }))
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.DemoEstate())
	require.NoError(t, err)
	r, err := audit.Full(context.Background(), audit.FromClient(srv.Client()), &audit.Options{Now: func() time.Time { return goldenClock }})
	require.NoError(t, err)

	tokens, incidents := srv.Tokens(), srv.Incidents()
	var enabled, unacked, withIncidents int
	for _, tk := range tokens {
		if tk.Enabled {
			enabled++
		}
		if tk.Incidents > 0 {
			withIncidents++
		}
	}
	ips := map[string]bool{}
	for _, i := range incidents {
		if !i.Acknowledged {
			unacked++
		}
		ips[i.SrcHost] = true
	}
	assert.Equal(t, len(tokens), r.Coverage.Tokens)
	assert.Equal(t, enabled, r.Coverage.Enabled)
	assert.Equal(t, len(incidents), r.Incidents.Total)
	assert.Equal(t, unacked, r.Incidents.Unacknowledged)
	assert.Equal(t, len(incidents), r.Incidents.OnTokens)
	assert.Equal(t, withIncidents, r.Incidents.TokensWithIncidents)
	assert.Equal(t, len(ips), r.Incidents.Sources.Distinct)
	assert.Equal(t, []canary.Kind{canary.KindQRCode, canary.KindWindowsDir}, r.Coverage.Missing) // as DemoEstate documents
}

func TestFromClientErrors(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	const wrong = "not-the-console-token-4711"
	_, err := audit.Full(context.Background(), audit.FromClient(srv.Client(canary.WithAuthToken(wrong))), &audit.Options{})
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	assert.Contains(t, err.Error(), "audit: reading tokens")
	assert.NotContains(t, err.Error(), wrong)
}

// TestRepeatSourcesAreNotPrintedTwice: with TopN 2 the top sources are
// 203.0.113.7 and 198.51.100.23; of the repeat sources, 203.0.113.7 is
// only named, and 192.0.2.44, outside the top, keeps its row.
func TestRepeatSourcesAreNotPrintedTwice(t *testing.T) {
	t.Parallel()
	srv := goldenServer(t)
	rep, err := audit.Full(context.Background(), audit.FromClient(srv.Client()),
		&audit.Options{Now: func() time.Time { return goldenClock }, TopN: 2})
	require.NoError(t, err)
	require.Len(t, rep.Incidents.TopSources, 2)
	require.Len(t, rep.Incidents.RepeatSources, 2, "the JSON keeps both lists whole")

	var txt, md bytes.Buffer
	require.NoError(t, rep.WriteText(&txt))
	require.NoError(t, rep.WriteMarkdown(&md))
	for name, out := range map[string]string{"text": txt.String(), "markdown": md.String()} {
		rows := 0
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "203.0.113.7") && strings.Contains(line, "2026-11-23 13:00:00 UTC") {
				rows++
			}
		}
		assert.Equal(t, 1, rows, "%s: 203.0.113.7 has one row", name)
		assert.Regexp(t, `(?i)in (the )?top source ips above: .?203\.0\.113\.7`, out, name)
		assert.Regexp(t, `192\.0\.2\.44.*2026-11-25 08:00:00 UTC`, out, "%s: a repeat source outside the top keeps its row", name)
	}
}
