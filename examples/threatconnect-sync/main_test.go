package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDemo(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--demo"}, &out, &errb, env(nil))
	require.Equal(t, exitOK, code, "stderr: %s", errb.String())
	assert.Empty(t, errb.String())
	o := out.String()
	// The backfill reads every incident of the seeded estate, as announced
	// on the first line, and the 3 demo hits.
	var tokens, incidents int
	_, err := fmt.Sscanf(o, "demo: fake Canary Console with %d tokens and %d incidents", &tokens, &incidents)
	require.NoError(t, err, o)
	require.Positive(t, incidents)
	assert.Contains(t, o, fmt.Sprintf("backfill (batch API): %d incident(s) + 3 honeytoken hit(s) -> ", incidents))
	assert.Contains(t, o, "in 1 job(s)")
	assert.Contains(t, o, "0 failed, 0 unprocessed")
	assert.Contains(t, o, "published 2 incident(s)")
	assert.Contains(t, o, "Address 198.51.100.201")
	assert.Contains(t, o, "Address 203.0.113.50")
	assert.Contains(t, o, "tags=aws-access-key,honeytoken +1 memo tag(s)")
	assert.NotContains(t, o, demoSecret)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	full := map[string]string{"CANARY_AUTH_TOKEN": "canary-test-token", "TC_ACCESS_ID": "id", "TC_SECRET_KEY": "tc-test-secret"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want int
		msg  string
	}{
		{"help", []string{"--help"}, nil, exitOK, ""},
		{"unknown flag", []string{"--nope"}, nil, exitUsage, "unknown flag -nope"},
		{"bad mode", []string{"--demo", "--mode", "sometimes"}, nil, exitUsage, "--mode must be live or backfill"},
		{"bad api", []string{"--demo", "--api", "v4"}, nil, exitUsage, "--api must be v2 or v3"},
		{"rating out of range", []string{"--demo", "--rating", "9"}, nil, exitUsage, "--rating must be between 0 and 5"},
		{"confidence out of range", []string{"--demo", "--confidence", "101"}, nil, exitUsage, "--confidence"},
		{"stray argument", []string{"--demo", "extra"}, nil, exitUsage, `unexpected argument "extra"`},
		{"no console", []string{"--owner", "Acme"}, full, exitUsage, "--canary-domain or --canary-url"},
		{"no owner", []string{"--canary-domain", "abc123"}, full, exitUsage, "--owner is required"},
		{"no canary token", []string{"--canary-domain", "abc123", "--owner", "Acme"}, map[string]string{"TC_API_TOKEN": "x"}, exitUsage, "CANARY_AUTH_TOKEN"},
		{"no TC secret", []string{"--canary-domain", "abc123", "--owner", "Acme"}, map[string]string{"CANARY_AUTH_TOKEN": "canary-test-token", "TC_ACCESS_ID": "id"}, exitUsage, "TC_SECRET_KEY"},
		{"plain http TC URL", []string{"--canary-domain", "abc123", "--owner", "Acme", "--tc-url", "http://tc.example/api"}, full, exitUsage, "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb, env(tt.env))
			assert.Equal(t, tt.want, code, errb.String())
			assert.Contains(t, errb.String(), tt.msg)
			if tt.want == exitUsage {
				assert.Contains(t, errb.String(), "threatconnect-sync: ")
			}
		})
	}
}

// TestFailuresAreOneLine runs the real mode against fakes with wrong
// credentials: exit 1, one line on stderr, no secret in it.
func TestFailuresAreOneLine(t *testing.T) {
	t.Parallel()
	csrv := canarytest.NewServer()
	t.Cleanup(csrv.Close)
	_, err := csrv.Seed(canarytest.Estate{Tokens: 3, Incidents: 4})
	require.NoError(t, err)
	tsrv := tctest.NewServer(tctest.WithHMAC("right-id", "right-secret-value"))
	t.Cleanup(tsrv.Close)
	// The fakes listen on loopback http, which both clients accept.
	tests := []struct {
		name   string
		env    map[string]string
		want   string
		secret string
	}{
		{"wrong canary token", map[string]string{"CANARY_AUTH_TOKEN": "wrong-canary-token", "TC_ACCESS_ID": "right-id", "TC_SECRET_KEY": "right-secret-value"},
			"unauthorized", "wrong-canary-token"},
		{"wrong TC secret", map[string]string{"CANARY_AUTH_TOKEN": csrv.AuthToken(), "TC_ACCESS_ID": "right-id", "TC_SECRET_KEY": "wrong-tc-secret"},
			"Signature data did not match expected result", "wrong-tc-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := []string{"--mode", "backfill", "--since", "0", "--canary-url", csrv.BaseURL(), "--tc-url", tsrv.BaseURL(), "--owner", tctest.DefaultOwner}
			code := run(context.Background(), args, &out, &errb, env(tt.env))
			assert.Equal(t, exitFailure, code)
			msg := errb.String()
			t.Log(msg)
			assert.Equal(t, 1, strings.Count(msg, "\n"), msg)
			assert.Contains(t, strings.ToLower(msg), strings.ToLower(tt.want))
			assert.NotContains(t, msg, tt.secret)
			assert.NotContains(t, out.String(), tt.secret)
			assert.NotContains(t, msg, "goroutine")
		})
	}
}

func TestRealModeBackfillAndLive(t *testing.T) {
	t.Parallel()
	csrv := canarytest.NewServer()
	t.Cleanup(csrv.Close)
	_, err := csrv.Seed(canarytest.Estate{Tokens: 5, Incidents: 6, SourceIPs: []string{"203.0.113.9"}})
	require.NoError(t, err)
	tsrv := tctest.NewServer(tctest.WithAPIToken("tc-token-for-test"))
	t.Cleanup(tsrv.Close)
	dir := t.TempDir()
	hitsFile := filepath.Join(dir, "hits.jsonl")
	require.NoError(t, os.WriteFile(hitsFile, []byte(`{"token_id":"t1","format":"stripe-secret","memo":"billing repo","remote_ip":"198.51.100.77","user_agent":"Stripe/v1 RubyBindings","time":"`+time.Now().UTC().Format(time.RFC3339)+`"}`+"\n\n"), 0o600))
	e := env(map[string]string{"CANARY_AUTH_TOKEN": csrv.AuthToken(), "TC_API_TOKEN": "tc-token-for-test"})
	base := []string{"--canary-url", csrv.BaseURL(), "--tc-url", tsrv.BaseURL(), "--owner", "Common Community", "--hits", hitsFile}

	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--mode", "backfill", "--since", "0"}, base...), &out, &errb, e)
	require.Equal(t, exitOK, code, errb.String())
	assert.Contains(t, out.String(), "6 incident(s) + 1 honeytoken hit(s) -> ")
	ind, ok := tsrv.Indicator("Common Community", "Address", "203.0.113.9")
	require.True(t, ok)
	assert.Contains(t, ind.Tags, "canary")
	assert.Equal(t, 4.0, ind.Rating)
	assert.Equal(t, 80, ind.Confidence)
	require.Len(t, ind.Attributes, 1)
	assert.Contains(t, ind.Attributes[0].Value, "Seen by decoys 6 time(s)")
	hit, ok := tsrv.Indicator("Common Community", "Address", "198.51.100.77")
	require.True(t, ok)
	assert.ElementsMatch(t, []string{"honeytoken", "stripe-secret", "billing repo"}, hit.Tags)

	// Live: a new incident after the checkpoint in the state file; the run
	// is stopped (as by Ctrl-C) once the checkpoint moves.
	state := filepath.Join(dir, "state")
	var maxID int64
	for _, inc := range csrv.Incidents() {
		maxID = max(maxID, inc.UpdatedID)
	}
	require.NoError(t, saveCheckpoint(state, maxID))
	tok := csrv.Tokens()[0]
	for _, tk := range csrv.Tokens() {
		if tk.Enabled {
			tok = tk
			break
		}
	}
	inc, err := csrv.Trigger(tok.ID, "192.0.2.99")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan int, 1)
	out.Reset()
	errb.Reset()
	go func() {
		done <- run(ctx, append([]string{"--mode", "live", "--state", state, "--interval", "1s"}, base...), &out, &errb, e)
	}()
	require.Eventually(t, func() bool {
		n, _ := loadCheckpoint(state)
		return n >= inc.UpdatedID
	}, 20*time.Second, 10*time.Millisecond)
	cancel()
	require.Equal(t, exitOK, <-done, errb.String())
	live, ok := tsrv.Indicator("Common Community", "Address", "192.0.2.99")
	require.True(t, ok)
	assert.Equal(t, 1, live.Observations)
	assert.Contains(t, live.Tags, tok.Kind)
}

func TestReadHits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantErr string
		want              int
	}{
		{"two hits and a blank line", `{"token_id":"a","format":"npm","remote_ip":"::ffff:192.0.2.1"}` + "\n\n" + `{"token_id":"b","remote_ip":"2001:db8::1"}` + "\n", "", 2},
		{"not JSON", "{\"token_id\":\"a\",\"remote_ip\":\"192.0.2.1\"}\nhello\n", "hits.jsonl:2: not a JSON hit object", 0},
		{"bad IP", `{"token_id":"a","remote_ip":"192.0.2.999"}`, `hits.jsonl:1: remote_ip "192.0.2.999" is not an IP address`, 0},
		{"no token", `{"remote_ip":"192.0.2.1"}`, "hits.jsonl:1: token_id is missing", 0},
		{"bad time", `{"token_id":"a","remote_ip":"192.0.2.1","time":"yesterday"}`, "hits.jsonl:1:", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hits, err := readHits(strings.NewReader(tt.in), "hits.jsonl")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, hits, tt.want)
			assert.Equal(t, "192.0.2.1", hits[0].RemoteIP, "IPv4-mapped addresses are unmapped")
		})
	}
}

func TestMapping(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	inc := &canary.Incident{Key: "incident:canarytoken:abc:203.0.113.7:1", Description: "Canarytoken triggered", Memo: "AWS keys on build-01",
		SourceHost: "203.0.113.7", SourceHostReverse: "Scanner.Example.", Created: at}
	ss := incidentSightings(inc, "aws-id")
	require.Len(t, ss, 2)
	assert.Equal(t, threatconnect.Address, ss[0].ind.Type)
	assert.Equal(t, threatconnect.Host, ss[1].ind.Type)
	assert.Equal(t, "scanner.example", ss[1].ind.Summary)
	assert.Equal(t, []string{"canary", "aws-id", "AWS keys on build-01"}, ss[0].ind.Tags)
	assert.Equal(t, `Canarytoken triggered: aws-id token "AWS keys on build-01" from 203.0.113.7 at 2026-11-01T12:00:00Z (incident incident:canarytoken:abc:203.0.113.7:1)`, ss[0].what)

	hs := hitSightings(Hit{TokenID: "t9", Format: "slack-bot", Memo: strings.Repeat("m", 200), RemoteIP: "203.0.113.7", Time: at.Add(time.Hour)})
	require.Len(t, hs, 1)
	assert.Len(t, []rune(hs[0].ind.Tags[2]), threatconnect.MaxTagLength, "memo tags are clipped to the platform's limit")

	inds := merge(append(ss, hs...), scores{rating: 3, confidence: 90})
	require.Len(t, inds, 2)
	assert.Equal(t, "203.0.113.7", inds[0].Summary)
	assert.Equal(t, 3.0, inds[0].Rating)
	assert.Equal(t, 90, inds[0].Confidence)
	assert.Equal(t, []string{"canary", "aws-id", "AWS keys on build-01", "honeytoken", "slack-bot", strings.Repeat("m", 127) + "…"}, inds[0].Tags)
	require.Len(t, inds[0].Attributes, 1)
	assert.True(t, strings.HasPrefix(inds[0].Attributes[0].Value, "Seen by decoys 2 time(s) between 2026-11-01T12:00:00Z and 2026-11-01T13:00:00Z. "))
}

func TestCheckpointFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "cp")
	n, err := loadCheckpoint(p)
	require.NoError(t, err)
	assert.Zero(t, n)
	require.NoError(t, saveCheckpoint(p, 4711))
	n, err = loadCheckpoint(p)
	require.NoError(t, err)
	assert.Equal(t, int64(4711), n)
	require.NoError(t, os.WriteFile(p, []byte("garbage"), 0o600))
	_, err = loadCheckpoint(p)
	assert.ErrorContains(t, err, "not a checkpoint")
}

func TestHelpIsOnStdoutAndNamesTheSecrets(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--help"}, &out, &errb, env(nil))
	require.Equal(t, exitOK, code)
	assert.Empty(t, errb.String())
	assert.True(t, strings.HasPrefix(out.String(), "usage: threatconnect-sync"), out.String())
	for _, want := range []string{"CANARY_AUTH_TOKEN", "TC_ACCESS_ID", "TC_SECRET_KEY", "TC_API_TOKEN", "--canary-domain", "exit status:"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestConfigErrorsSpeakFlags(t *testing.T) {
	t.Parallel()
	full := map[string]string{"CANARY_AUTH_TOKEN": "canary-test-token", "TC_API_TOKEN": "tc-test-token"}
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--canary-domain", "https://x.example/", "--owner", "A"}, "--canary-domain: \"https://x.example/\" is not a Console domain hash (letters, digits and hyphens, as in abc123.canary.tools); use --canary-url for a full URL"},
		{[]string{"--canary-url", "http://x.example/api/v1", "--owner", "A"}, "--canary-url: plain http is refused"},
		{[]string{"--canary-domain", "abc123", "--owner", "A", "--tc-url", "http://tc.example/api"}, "--tc-url: plain http is refused"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errb, env(full))
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errb.String(), tt.msg)
		assert.NotRegexp(t, `With[A-Z]|canary: invalid|threatconnect: invalid`, errb.String())
	}
}

// TestBackfillFailurePrintsNoSummary: the "N succeeded, M failed" line is
// printed only after a backfill that worked.
func TestBackfillFailurePrintsNoSummary(t *testing.T) {
	t.Parallel()
	csrv := canarytest.NewServer()
	t.Cleanup(csrv.Close)
	_, err := csrv.Seed(canarytest.Estate{Tokens: 3, Incidents: 4})
	require.NoError(t, err)
	tsrv := tctest.NewServer(tctest.WithHMAC("right-id", "right-secret-value"))
	t.Cleanup(tsrv.Close)
	var out, errb bytes.Buffer
	args := []string{"--mode", "backfill", "--since", "0", "--canary-url", csrv.BaseURL(), "--tc-url", tsrv.BaseURL(), "--owner", tctest.DefaultOwner}
	code := run(context.Background(), args, &out, &errb, env(map[string]string{"CANARY_AUTH_TOKEN": csrv.AuthToken(),
		"TC_ACCESS_ID": "right-id", "TC_SECRET_KEY": "wrong-tc-secret"}))
	require.Equal(t, exitFailure, code)
	assert.NotContains(t, out.String(), "succeeded")
	assert.NotContains(t, out.String(), "backfill (batch API)")
	assert.Contains(t, errb.String(), "Signature data did not match")
}
