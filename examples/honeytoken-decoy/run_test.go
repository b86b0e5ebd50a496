package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a goroutine-safe writer that reports each complete line.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	start := b.buf.Len()
	n, _ := b.buf.Write(p)
	if b.lines != nil {
		for _, l := range strings.SplitAfter(b.buf.String()[start:], "\n") {
			if strings.HasSuffix(l, "\n") {
				select {
				case b.lines <- strings.TrimSuffix(l, "\n"):
				default: // nobody is reading: never block the program
				}
			}
		}
	}
	return n, nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// planted reads every credential value from the placement files in dir.
func planted(t *testing.T, dir string) []string {
	t.Helper()
	var vals []string
	env, err := os.ReadFile(filepath.Join(dir, ".env"))
	require.NoError(t, err)
	for _, l := range strings.Split(strings.TrimSpace(string(env)), "\n") {
		_, v, ok := strings.Cut(l, "=")
		require.True(t, ok, l)
		vals = append(vals, strings.Trim(v, `"`))
	}
	var cfg map[string]string
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &cfg))
	for _, v := range cfg {
		vals = append(vals, v)
	}
	aws, err := os.ReadFile(filepath.Join(dir, ".aws", "credentials"))
	require.NoError(t, err)
	for _, l := range strings.Split(string(aws), "\n") {
		if _, v, ok := strings.Cut(l, "="); ok {
			vals = append(vals, strings.TrimSpace(v))
		}
	}
	require.Len(t, vals, 5, "GitHub, OpenAI, Stripe, AWS key id and secret")
	return vals
}

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hitsPath := filepath.Join(t.TempDir(), "state", "hits.jsonl")
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"--demo", "--dir", dir, "--hits", hitsPath}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	out := stdout.String()

	assert.Contains(t, out, "minted 4 honeytokens into "+dir)
	assert.Regexp(t, `decoy API listening on http://127\.0\.0\.1:\d+/api`, out)
	assert.Contains(t, out, "demo: GET with a clean key -> 401")
	hits := regexp.MustCompile(`(?m)^HIT .*$`).FindAllString(out, -1)
	require.Len(t, hits, 3, out)
	assert.Regexp(t, `^HIT github-classic ghp_\S{4}… in authorization Authorization from 127\.0\.0\.1: GET /api, planted in \.env$`, hits[0])
	assert.Regexp(t, `^HIT stripe-secret sk_live_… in body from 127\.0\.0\.1: POST /api, planted in config\.json$`, hits[1])
	assert.Regexp(t, `^HIT aws-access-key AKIA\S… in authorization Authorization from 127\.0\.0\.1: POST /api, planted in \.aws/credentials$`, hits[2])
	assert.Contains(t, out, "3 hits, 3 alerts, 6 deliveries to 2 notifiers, 0 dropped")
	assert.Equal(t, 3, strings.Count(stderr.String(), `msg="honeytoken used"`), "the slog notifier logged each alert")

	jl, err := os.ReadFile(hitsPath)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(jl), "\n"))
	for _, v := range planted(t, dir) {
		assert.NotContains(t, out, v, "a honeytoken is never printed in full")
		assert.NotContains(t, stderr.String(), v)
		assert.NotContains(t, string(jl), v)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "key", "the generator key never lands next to the bait")
		assert.NotContains(t, e.Name(), "hits", "nor does the alert log")
	}
}

// TestHitLogIsKeptAwayFromTheBait is the regression test for finding 9: the
// alert log, which names the bait's memos and the attackers' addresses, was
// written into --dir; it is now refused there, however the path is spelled.
func TestHitLogIsKeptAwayFromTheBait(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(dir, link))
	for _, hits := range []string{
		filepath.Join(dir, "hits.jsonl"),
		filepath.Join(dir, "sub", "deeper", "hits.jsonl"),
		filepath.Join(dir, "sub", "..", "hits.jsonl"),
		filepath.Join(link, "hits.jsonl"),
	} {
		var stdout, stderr syncBuffer
		code := run(context.Background(), []string{"--demo", "--dir", dir, "--hits", hits}, &stdout, &stderr)
		assert.Equal(t, exitFailure, code, hits)
		assert.Contains(t, stderr.String(), "next to the bait", hits)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "hits")
	}

	// A demo without --hits leaves nothing behind, in --dir or elsewhere.
	var stdout, stderr syncBuffer
	require.Equal(t, exitOK, run(context.Background(), []string{"--demo", "--dir", dir}, &stdout, &stderr), stderr.String())
	m := regexp.MustCompile(`alerts appended to (\S+)`).FindStringSubmatch(stdout.String())
	require.Len(t, m, 2, stdout.String())
	assert.False(t, within(m[1], dir), "the demo's alert log %s is not in --dir", m[1])
	_, err = os.Stat(m[1])
	assert.ErrorIs(t, err, os.ErrNotExist, "the demo removed its alert log")
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "hits")
	}
}

func TestUserStateDir(t *testing.T) { // not parallel: it sets the environment
	if runtime.GOOS != "linux" {
		t.Skip("the XDG layout is checked on Linux")
	}
	t.Setenv("XDG_STATE_HOME", "/var/tmp/xdg-state")
	d, err := userStateDir()
	require.NoError(t, err)
	assert.Equal(t, "/var/tmp/xdg-state", d)
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/someone")
	d, err = userStateDir()
	require.NoError(t, err)
	assert.Equal(t, "/home/someone/.local/state", d)
}

func TestKeyFileIsCreatedOnceReusedAndKeptAwayFromTheBait(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "decoy.key")
	var stdout, stderr syncBuffer
	require.Equal(t, exitOK, run(context.Background(), []string{"--demo", "--dir", t.TempDir(), "--key-file", keyFile}, &stdout, &stderr), stderr.String())
	first, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	fi, err := os.Stat(keyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.Equal(t, exitOK, run(context.Background(), []string{"--demo", "--dir", t.TempDir(), "--key-file", keyFile}, &stdout, &stderr), stderr.String())
	second, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	assert.Equal(t, first, second, "a second run reuses the key, so earlier tokens stay recognisable")

	dir := t.TempDir()
	stderr = syncBuffer{}
	assert.Equal(t, exitFailure, run(context.Background(), []string{"--demo", "--dir", dir, "--key-file", filepath.Join(dir, "k")}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "next to the bait")
}

func TestDemoRemovesItsTempDir(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	require.Equal(t, exitOK, run(context.Background(), []string{"--demo"}, &stdout, &stderr), stderr.String())
	m := regexp.MustCompile(`(?m)^removed (.+)$`).FindStringSubmatch(stdout.String())
	require.NotNil(t, m, stdout.String())
	_, err := os.Stat(m[1])
	assert.True(t, os.IsNotExist(err), "the demo's decoy credentials are gone")
}

// TestServeCatchesAnAttacker runs the decoy as a server, reads a token from
// the planted .env like an attacker would, uses it, and stops the decoy.
func TestServeCatchesAnAttacker(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{lines: make(chan string, 100)}
	var stderr syncBuffer
	done := make(chan int, 1)
	keyFile := filepath.Join(t.TempDir(), "decoy.key")
	go func() {
		done <- run(ctx, []string{"--dir", dir, "--addr", "127.0.0.1:0", "--key-file", keyFile, "--hits", filepath.Join(t.TempDir(), "hits.jsonl")}, stdout, &stderr)
	}()

	// waitLine returns the first line starting with prefix, or fails if the
	// program exits or takes too long.
	waitLine := func(prefix string) string {
		timeout := time.After(time.Minute)
		for {
			select {
			case l := <-stdout.lines:
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case code := <-done:
				t.Fatalf("exited with %d before printing %q: %s", code, prefix, stderr.String())
			case <-timeout:
				t.Fatalf("no %q line", prefix)
			}
		}
	}
	url := strings.TrimPrefix(waitLine("decoy API listening on "), "decoy API listening on ")
	env, err := os.ReadFile(filepath.Join(dir, ".env"))
	require.NoError(t, err)
	var github string
	sc := bufio.NewScanner(bytes.NewReader(env))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "GITHUB_TOKEN="); ok {
			github = v
		}
	}
	require.NotEmpty(t, github)

	req, err := http.NewRequest(http.MethodGet, url+"/user?access_token="+github, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	l := waitLine("HIT ")
	assert.Contains(t, l, "HIT github-classic ghp_")
	assert.Contains(t, l, "in query access_token")
	assert.NotContains(t, l, github)
	cancel()
	require.Equal(t, exitOK, <-done, stderr.String())
	assert.Contains(t, stdout.String(), "1 hits, 1 alerts")
}

func TestUsageAndFailures(t *testing.T) {
	t.Parallel()
	shortKey := filepath.Join(t.TempDir(), "short.key")
	require.NoError(t, os.WriteFile(shortKey, []byte("too short"), 0o600))
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown flag", []string{"--nope"}, exitUsage, "honeytoken-decoy: unknown flag -nope (see honeytoken-decoy --help)"},
		{"extra argument", []string{"serve"}, exitUsage, `unexpected argument "serve"`},
		{"bad proxy", []string{"--trusted-proxy", "10.0.0.0/8,lan"}, exitUsage, `"lan" is not a CIDR`},
		{"short key", []string{"--demo", "--key-file", shortKey}, exitFailure, "at least 32 random bytes"},
		{"unreadable key", []string{"--demo", "--key-file", t.TempDir()}, exitFailure, "--key-file"},
		{"bad webhook", []string{"--demo", "--webhook", "http://example.com/hook"}, exitUsage, "plain http is refused"},
		{"bad slack", []string{"--demo", "--slack-webhook", "ftp://hooks.example/x"}, exitUsage, "--slack-webhook"},
		{"help", []string{"-h"}, exitOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr syncBuffer
			code := run(context.Background(), append(c.args, "--dir", t.TempDir()), &stdout, &stderr)
			assert.Equal(t, c.code, code)
			assert.Contains(t, stderr.String(), c.msg)
			if c.code == exitOK {
				assert.Empty(t, stderr.String())
				assert.True(t, strings.HasPrefix(stdout.String(), "usage: honeytoken-decoy"), "help goes to stdout: %s", stdout.String())
				assert.Contains(t, stdout.String(), "--trusted-proxy CIDRS")
				assert.Contains(t, stdout.String(), "exit status:")
			} else {
				assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
			}
		})
	}
}
