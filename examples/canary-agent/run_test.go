package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// agent runs the program in process.
func agent(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// demoState is the estate every --demo run starts from, read straight from
// the fake, so the tests compare the agent's output with the data.
func demoState(t *testing.T) ([]canarytest.Token, []canarytest.Incident) {
	t.Helper()
	srv, err := startDemo()
	require.NoError(t, err)
	defer srv.Close()
	return srv.Tokens(), srv.Incidents()
}

func requireOneErrorLine(t *testing.T, stderr string) {
	t.Helper()
	require.NotEmpty(t, stderr)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.True(t, strings.HasPrefix(stderr, "canary-agent: "), stderr)
	assert.NotContains(t, stderr, "goroutine")
	assert.NotContains(t, stderr, "panic")
}

func TestDemoSubcommands(t *testing.T) {
	t.Parallel()
	tokens, incidents := demoState(t)
	unacked := 0
	for _, inc := range incidents {
		if !inc.Acknowledged {
			unacked++
		}
	}
	var withIncidents, withoutIncidents, word, httpTok string
	for _, tk := range tokens {
		switch {
		case tk.Incidents > 0 && withIncidents == "":
			withIncidents = tk.ID
		case tk.Incidents == 0 && withoutIncidents == "":
			withoutIncidents = tk.ID
		}
		if tk.Kind == "doc-msword" && word == "" {
			word = tk.ID
		}
		if tk.Kind == "http" && httpTok == "" {
			httpTok = tk.ID
		}
	}
	require.NotEmpty(t, withIncidents)
	docx := filepath.Join(t.TempDir(), "board.docx")
	require.NoError(t, os.WriteFile(docx, append([]byte("PK\x03\x04"), make([]byte, 100)...), 0o600))
	saved := filepath.Join(t.TempDir(), "out.docx")

	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, stdout string)
	}{
		{"ping", []string{"--demo", "ping"}, func(t *testing.T, out string) {
			assert.Contains(t, out, "OK: http://127.0.0.1:")
		}},
		{"list", []string{"--demo", "list"}, func(t *testing.T, out string) {
			assert.Regexp(t, `ID\s+KIND\s+ENABLED\s+TRIGGERED\s+CREATED\s+MEMO`, out)
			assert.Contains(t, out, tokens[0].ID)
			assert.Contains(t, out, "42 tokens\n")
		}},
		{"list --kind --json", []string{"list", "--kind", "aws-id", "--demo", "--json"}, func(t *testing.T, out string) {
			var rows []tokenRow
			require.NoError(t, json.Unmarshal([]byte(out), &rows))
			want := 0
			for _, tk := range tokens {
				if tk.Kind == "aws-id" {
					want++
				}
			}
			assert.Len(t, rows, want)
			assert.NotContains(t, out, "secret")
		}},
		{"alerts", []string{"--demo", "alerts"}, func(t *testing.T, out string) {
			assert.Regexp(t, `CREATED \(UTC\)\s+SOURCE\s+KIND\s+ACKED\s+MEMO\s+KEY`, out)
			assert.Contains(t, out, newestUnacked(incidents).Key)
			assert.Contains(t, out, itoa(unacked)+" of "+itoa(unacked)+" unacknowledged incidents, newest first\n")
		}},
		{"alerts --unacked --json", []string{"--demo", "--json", "alerts", "--unacked"}, func(t *testing.T, out string) {
			var rows []incidentRow
			require.NoError(t, json.Unmarshal([]byte(out), &rows))
			assert.Len(t, rows, unacked)
			for _, r := range rows {
				assert.False(t, r.Acknowledged)
			}
		}},
		{"alerts --newer-than", []string{"--demo", "--json", "alerts", "--newer-than", "30d"}, func(t *testing.T, out string) {
			var rows []incidentRow
			require.NoError(t, json.Unmarshal([]byte(out), &rows))
			assert.Less(t, len(rows), len(incidents))
		}},
		{"create", []string{"--demo", "create", "--kind", "aws-id", "--memo", "keys on build-09"}, func(t *testing.T, out string) {
			assert.Regexp(t, `created\s+aws-id token [a-z0-9]{25}`, out)
			assert.Regexp(t, `aws_access_key_id\s+AKIA`, out)
			assert.Contains(t, out, "(hidden; add --reveal to print it)")
		}},
		{"create with a file", []string{"--demo", "create", "--kind", "doc-msword", "--memo", "board pack", "--file", docx}, func(t *testing.T, out string) {
			assert.Regexp(t, `created\s+doc-msword token [a-z0-9]{25}`, out)
			assert.Contains(t, out, "get its file with: canary-agent download ")
		}},
		{"coverage", []string{"--demo", "coverage"}, func(t *testing.T, out string) {
			assert.Contains(t, out, "Coverage score       80%")
			assert.Contains(t, out, "Missing kinds        qr-code, windows-dir")
		}},
		{"full", []string{"--demo", "full"}, func(t *testing.T, out string) {
			assert.Contains(t, out, "DECEPTION AUDIT (full)")
			assert.Contains(t, out, "TOP SOURCE IPS")
			assert.Contains(t, out, "203.0.113.7")
			assert.Contains(t, out, itoa(len(incidents))+" ("+itoa(unacked)+" unacknowledged)")
		}},
		{"full --markdown", []string{"--demo", "full", "--markdown"}, func(t *testing.T, out string) {
			assert.True(t, strings.HasPrefix(out, "#"), out[:min(len(out), 80)])
		}},
		{"full --json", []string{"--demo", "--json", "full"}, func(t *testing.T, out string) {
			var rep audit.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			assert.Equal(t, audit.Scope("full"), rep.Scope)
			assert.Equal(t, len(tokens), rep.Coverage.Tokens)
			require.NotNil(t, rep.Incidents)
			assert.Equal(t, len(incidents), rep.Incidents.Total)
		}},
		{"ack", []string{"--demo", "ack", incidents[0].Key}, func(t *testing.T, out string) {
			assert.Equal(t, "acknowledged "+incidents[0].Key+"\n", out)
		}},
		{"delete a token with --clear-incidents", []string{"--demo", "delete", withIncidents, "--clear-incidents"}, func(t *testing.T, out string) {
			assert.Equal(t, "deleted token "+withIncidents+"\n", out)
		}},
		{"delete a token without incidents", []string{"--demo", "delete", withoutIncidents}, func(t *testing.T, out string) {
			assert.Equal(t, "deleted token "+withoutIncidents+"\n", out)
		}},
		{"delete an incident", []string{"--demo", "--json", "delete", incidents[1].Key}, func(t *testing.T, out string) {
			assert.JSONEq(t, `{"deleted":"`+incidents[1].Key+`","type":"incident"}`, out)
		}},
		{"download", []string{"--demo", "download", word, "-o", saved}, func(t *testing.T, out string) {
			assert.Contains(t, out, "saved "+saved)
			b, err := os.ReadFile(saved)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(b, []byte("PK\x03\x04")))
		}},
		{"download to stdout", []string{"--demo", "download", word, "-o", "-"}, func(t *testing.T, out string) {
			assert.True(t, strings.HasPrefix(out, "PK\x03\x04"))
		}},
		{"help", []string{"--help"}, func(t *testing.T, out string) {
			assert.Contains(t, out, "usage: canary-agent")
			for _, want := range []string{"CANARY_AUTH_TOKEN", "CANARY_CONSOLE", "CANARY_BASE_URL", "--auth-token-file",
				"~/.canarytools.config", "exit status:", "4  authentication failed", "3  coverage or full found", "-o, --output FORMAT"} {
				assert.Contains(t, out, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := agent(t, nil, tt.args...)
			require.Equal(t, exitOK, code, "stderr: %s", errOut)
			assert.Empty(t, errOut)
			tt.check(t, out)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestErrorsGiveOneLineAndTheRightExitCode(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithAuthToken("right-token"))
	t.Cleanup(srv.Close)
	tokens, _ := demoState(t)
	var withIncidents, httpTok string
	for _, tk := range tokens {
		if tk.Incidents > 0 && withIncidents == "" {
			withIncidents = tk.ID
		}
		if tk.Kind == "http" && httpTok == "" {
			httpTok = tk.ID
		}
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{"no command", nil, []string{"--demo"}, exitUsage, "no command given"},
		{"unknown command", nil, []string{"--demo", "frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"bad global flag", nil, []string{"--bogus", "ping"}, exitUsage, "unknown flag -bogus"},
		{"bad command flag", nil, []string{"--demo", "list", "--colour"}, exitUsage, "list: unknown flag -colour"},
		{"missing token", nil, []string{"--console", "abc123", "ping"}, exitUsage, "no auth token: set CANARY_AUTH_TOKEN"},
		{"no console", map[string]string{"CANARY_AUTH_TOKEN": "t"}, []string{"ping"}, exitUsage, "no Console given"},
		{"bad domain", nil, []string{"--console", "https://x.example/", "--auth-token", "t", "ping"}, exitUsage, "--console: \"https://x.example/\" is not a Console domain hash (letters, digits and hyphens, as in abc123.canary.tools); use --base-url for a full URL"},
		{"console and base url", nil, []string{"--console", "abc", "--base-url", srv.BaseURL(), "--auth-token", "t", "ping"}, exitUsage, "not both"},
		{"demo and console", nil, []string{"--demo", "--console", "abc", "ping"}, exitUsage, "drop --console"},
		{"unreachable console", nil, []string{"--base-url", "http://127.0.0.1:1/api/v1", "--auth-token", "some-auth-token", "--retries", "0", "ping"}, exitFailure, "cannot reach the Console"},
		{"bad retries", nil, []string{"--demo", "--retries", "-1", "ping"}, exitUsage, "--retries"},
		{"wrong token", nil, []string{"--base-url", srv.BaseURL(), "--auth-token", "wrong-token", "ping"}, exitAuth, "authentication failed: GET /ping: HTTP 401: Unauthorized"},
		{"unknown kind", nil, []string{"--demo", "create", "--kind", "web-bug", "--memo", "m"}, exitUsage, `unknown token kind "web-bug"; known kinds: active-directory-login`},
		{"create without memo", nil, []string{"--demo", "create", "--kind", "http"}, exitUsage, "create needs --memo"},
		{"create missing kind param", nil, []string{"--demo", "create", "--kind", "cloned-web", "--memo", "m"}, exitUsage, "--cloned-web: is required for kind cloned-web"},
		{"file for a kind without one", nil, []string{"--demo", "create", "--kind", "http", "--memo", "m", "--file", "run.go"}, exitUsage, "--file: kind http takes no file"},
		{"missing file", nil, []string{"--demo", "create", "--kind", "doc-msword", "--memo", "m", "--file", "/nonexistent/x.docx"}, exitUsage, "--file: open /nonexistent/x.docx"},
		{"bad since", nil, []string{"--demo", "alerts", "--since", "last tuesday"}, exitUsage, `--since "last tuesday": give a duration`},
		{"bad limit", nil, []string{"--demo", "alerts", "--limit", "-1"}, exitUsage, "--limit must be 0 (no limit) or more"},
		{"all and unacked", nil, []string{"--demo", "alerts", "--all", "--unacked"}, exitUsage, "choose --all or --unacked"},
		{"bad fail-on", nil, []string{"--demo", "full", "--fail-on", "severe"}, exitUsage, `--fail-on "severe": choose critical, high, medium or low`},
		{"bad output", nil, []string{"--demo", "-o", "yaml", "list"}, exitUsage, `-o "yaml": choose table, wide, json or markdown`},
		{"json and -o table", nil, []string{"--demo", "--json", "-o", "table", "list"}, exitUsage, "choose --json or -o table"},
		{"markdown for ping", nil, []string{"--demo", "-o", "markdown", "ping"}, exitUsage, "ping prints no markdown"},
		{"ack without key", nil, []string{"--demo", "ack"}, exitUsage, "ack needs exactly one key"},
		{"ack unknown incident", nil, []string{"--demo", "ack", "incident:nope"}, exitFailure, "Incident not found"},
		{"delete refused", nil, []string{"--demo", "delete", withIncidents}, exitFailure, "add --clear-incidents"},
		{"delete unknown token", nil, []string{"--demo", "delete", "nosuchtoken"}, exitFailure, "Could not find the Canarytoken"},
		{"download unsupported", nil, []string{"--demo", "download", httpTok}, exitFailure, "File generation not supported."},
		{"json and markdown", nil, []string{"--demo", "--json", "full", "--markdown"}, exitUsage, "choose --markdown or -o json"},
		{"stray argument", nil, []string{"--demo", "ping", "extra"}, exitUsage, "ping takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := agent(t, tt.env, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut)
			requireOneErrorLine(t, errOut)
			assert.Contains(t, errOut, tt.msg)
			assert.NotContains(t, errOut, "wrong-token", "the auth token never reaches stderr")
			assert.NotContains(t, out, "wrong-token")
			assert.NotRegexp(t, `With[A-Z]`, errOut, "errors speak the CLI's flags, not Go option names")
		})
	}
}

func TestAuthTokenFromEnvironment(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithAuthToken("env-token"))
	t.Cleanup(srv.Close)
	code, out, errOut := agent(t, map[string]string{"CANARY_AUTH_TOKEN": "env-token"}, "--base-url", srv.BaseURL(), "ping")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "OK: "+srv.BaseURL())
	// The flag wins over the environment.
	code, _, errOut = agent(t, map[string]string{"CANARY_AUTH_TOKEN": "env-token"}, "--base-url", srv.BaseURL(), "--auth-token", "other-token", "ping")
	assert.Equal(t, exitAuth, code)
	assert.Contains(t, errOut, "Unauthorized")
}

func TestParseWhen(t *testing.T) {
	t.Parallel()
	now := mustTime(t, "2026-03-10T12:00:00Z")
	tests := []struct {
		in, want string
	}{
		{"24h", "2026-03-09T12:00:00Z"},
		{"7d", "2026-03-03T12:00:00Z"},
		{"2w", "2026-02-24T12:00:00Z"},
		{"90m", "2026-03-10T10:30:00Z"},
		{"2026-01-31", "2026-01-31T00:00:00Z"},
		{"2026-01-31-08:30:00", "2026-01-31T08:30:00Z"},
		{"2026-01-31T08:30:00+02:00", "2026-01-31T06:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseWhen(tt.in, now)
			require.NoError(t, err)
			assert.Equal(t, mustTime(t, tt.want), got.UTC())
		})
	}
	for _, bad := range []string{"", "0d", "-3d", "3x", "yesterday", "7.5d"} {
		_, err := parseWhen(bad, now)
		assert.Error(t, err, bad)
	}
}

func newestUnacked(incs []canarytest.Incident) canarytest.Incident {
	var best canarytest.Incident
	for _, inc := range incs {
		if !inc.Acknowledged && (best.Key == "" || inc.Created.After(best.Created)) {
			best = inc
		}
	}
	return best
}

// TestExitCodes checks each documented exit status through run().
func TestExitCodes(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithAuthToken("right-token"))
	t.Cleanup(srv.Close)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // "" means empty
		stdout string
	}{
		{"0 success", []string{"--demo", "ping"}, exitOK, "", "OK: "},
		{"0 full without --fail-on", []string{"--demo", "full"}, exitOK, "", "DECEPTION AUDIT (full)"},
		{"0 nothing at or above the threshold", []string{"--demo", "coverage", "--fail-on", "high"}, exitOK, "", "DECEPTION AUDIT (coverage)"},
		{"1 failure", []string{"--base-url", "http://127.0.0.1:1/api/v1", "--auth-token", "some-auth-token", "--retries", "0", "ping"}, exitFailure, "cannot reach the Console", ""},
		{"2 usage", []string{"--demo", "frobnicate"}, exitUsage, "unknown command", ""},
		{"3 findings at or above --fail-on", []string{"--demo", "full", "--fail-on", "high"}, exitFindings,
			"canary-agent: 8 findings at or above high (4 critical, 4 high) (--fail-on high)\n", "DECEPTION AUDIT (full)"},
		{"3 counts every severity up to the threshold", []string{"--demo", "coverage", "--fail-on", "low"}, exitFindings,
			"canary-agent: 3 findings at or above low (2 medium, 1 low) (--fail-on low)\n", "DECEPTION AUDIT (coverage)"},
		{"3 with JSON output", []string{"--demo", "-o", "json", "full", "--fail-on", "critical"}, exitFindings,
			"canary-agent: 4 findings at or above critical (4 critical) (--fail-on critical)\n", `"scope": "full"`},
		{"4 authentication failed", []string{"--base-url", srv.BaseURL(), "--auth-token", "wrong-token", "list"}, exitAuth,
			"canary-agent: authentication failed: ", ""},
		{"4 on a report too", []string{"--base-url", srv.BaseURL(), "--auth-token", "wrong-token", "full", "--fail-on", "low"}, exitAuth,
			"canary-agent: authentication failed: ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := agent(t, nil, tt.args...)
			require.Equal(t, tt.code, code, "stderr: %s", errOut)
			if tt.stderr == "" {
				assert.Empty(t, errOut)
			} else {
				requireOneErrorLine(t, errOut)
				assert.True(t, strings.HasPrefix(errOut, tt.stderr) || strings.Contains(errOut, tt.stderr), errOut)
			}
			assert.Contains(t, out, tt.stdout, "the report is printed before the verdict")
		})
	}
}

// TestAlertsDefaults: unacknowledged only, newest first, at most 50;
// --all adds the acknowledged ones, --limit 0 lifts the bound, --since cuts
// by age.
func TestAlertsDefaults(t *testing.T) {
	t.Parallel()
	_, incidents := demoState(t)
	unacked := 0
	for _, inc := range incidents {
		if !inc.Acknowledged {
			unacked++
		}
	}
	require.Greater(t, len(incidents), defaultAlertLimit, "the demo estate must exceed the default limit")
	require.Less(t, unacked, len(incidents))

	rows := func(t *testing.T, args ...string) []incidentRow {
		t.Helper()
		code, out, errOut := agent(t, nil, append([]string{"--demo", "-o", "json", "alerts"}, args...)...)
		require.Equal(t, exitOK, code, errOut)
		var rs []incidentRow
		require.NoError(t, json.Unmarshal([]byte(out), &rs))
		return rs
	}
	newestFirst := func(t *testing.T, rs []incidentRow) {
		t.Helper()
		for i := 1; i < len(rs); i++ {
			assert.False(t, rs[i].Created.After(rs[i-1].Created), "row %d is newer than row %d", i, i-1)
		}
	}

	def := rows(t)
	assert.Len(t, def, min(unacked, defaultAlertLimit))
	for _, r := range def {
		assert.False(t, r.Acknowledged, "the default lists unacknowledged incidents only")
	}
	newestFirst(t, def)
	assert.Equal(t, newestUnacked(incidents).Key, def[0].Key)

	all := rows(t, "--all")
	assert.Len(t, all, defaultAlertLimit, "--all is still bounded by --limit")
	newestFirst(t, all)
	acked := 0
	for _, r := range all {
		if r.Acknowledged {
			acked++
		}
	}
	assert.Positive(t, acked, "--all includes acknowledged incidents")

	assert.Len(t, rows(t, "--all", "--limit", "0"), len(incidents))
	assert.Len(t, rows(t, "--all", "--limit", "5"), 5)
	assert.Len(t, rows(t, "--unacked"), len(def), "--unacked is the default")

	since := rows(t, "--all", "--limit", "0", "--since", "30d")
	assert.Less(t, len(since), len(incidents))
	for _, r := range since {
		assert.True(t, r.Created.After(time.Now().Add(-31*24*time.Hour)))
	}
	assert.Equal(t, len(since), len(rows(t, "--all", "--limit", "0", "--newer-than", "30d")), "--newer-than is --since")

	code, out, _ := agent(t, nil, "--demo", "alerts", "--all")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, itoa(defaultAlertLimit)+" of "+itoa(len(incidents))+" incidents (acknowledged too), newest first; --limit 0 shows all "+itoa(len(incidents))+"\n")
}

func TestOutputFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"list -o wide", []string{"--demo", "list", "-o", "wide"}, func(t *testing.T, out string) {
			assert.Regexp(t, `ID\s+KIND\s+ENABLED\s+TRIGGERED\s+CREATED\s+MEMO\s+FLOCK\s+NODE ID\s+URL / HOSTNAME`, out)
			assert.NotContains(t, out, "…", "wide leaves memos whole")
		}},
		{"list -o markdown", []string{"--demo", "--output", "markdown", "list"}, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			assert.Equal(t, "| ID | KIND | ENABLED | TRIGGERED | CREATED | MEMO | FLOCK | NODE ID | URL / HOSTNAME |", lines[0])
			assert.Equal(t, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |", lines[1])
			assert.Len(t, lines, 2+42)
		}},
		{"list -o json is --json", []string{"--demo", "list", "-o", "json"}, func(t *testing.T, out string) {
			_, want, _ := agent(t, nil, "--demo", "list", "--json")
			assert.JSONEq(t, want, out)
		}},
		{"alerts -o wide", []string{"--demo", "alerts", "-o", "wide"}, func(t *testing.T, out string) {
			assert.Regexp(t, `CREATED \(UTC\)\s+SOURCE\s+KIND\s+ACKED\s+MEMO\s+KEY\s+DESCRIPTION\s+NODE ID`, out)
		}},
		{"alerts -o markdown", []string{"--demo", "alerts", "-o", "markdown"}, func(t *testing.T, out string) {
			assert.True(t, strings.HasPrefix(out, "| CREATED (UTC) | SOURCE |"), out)
		}},
		{"full -o markdown is --markdown", []string{"--demo", "full", "-o", "markdown"}, func(t *testing.T, out string) {
			_, want, _ := agent(t, nil, "--demo", "full", "--markdown")
			// The two runs may straddle a second: compare without the time.
			generated := regexp.MustCompile(`Generated [0-9-]+ [0-9:]+ UTC`)
			assert.Equal(t, generated.ReplaceAllString(want, "Generated T"), generated.ReplaceAllString(out, "Generated T"))
			assert.True(t, strings.HasPrefix(out, "#"))
		}},
		{"ping -o wide prints the table form", []string{"--demo", "ping", "-o", "wide"}, func(t *testing.T, out string) {
			assert.Contains(t, out, "OK: ")
		}},
		{"download keeps -o for its file", []string{"--demo", "download", "-o", "-", firstWordToken(t)}, func(t *testing.T, out string) {
			assert.True(t, strings.HasPrefix(out, "PK\x03\x04"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := agent(t, nil, tt.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut, "no progress when stderr is not a terminal")
			tt.check(t, out)
		})
	}
}

func firstWordToken(t *testing.T) string {
	t.Helper()
	tokens, _ := demoState(t)
	for _, tk := range tokens {
		if tk.Kind == "doc-msword" {
			return tk.ID
		}
	}
	t.Fatal("no doc-msword token in the demo estate")
	return ""
}

func TestUnknownKindListsEveryKind(t *testing.T) {
	t.Parallel()
	code, _, errOut := agent(t, nil, "--demo", "list", "--kind", "web-bug")
	require.Equal(t, exitUsage, code)
	requireOneErrorLine(t, errOut)
	assert.NotContains(t, errOut, "…", "not clipped")
	kinds := sortedKinds()
	assert.True(t, strings.HasSuffix(strings.TrimSpace(errOut), kinds[len(kinds)-1]), errOut)
	for _, k := range kinds {
		assert.Contains(t, errOut, k)
	}
}
