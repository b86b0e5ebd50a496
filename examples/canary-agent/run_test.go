package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
			assert.Contains(t, out, incidents[0].Key)
			assert.Contains(t, out, strings.Join([]string{itoa(len(incidents)), "incidents,", itoa(unacked), "unacknowledged"}, " "))
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
			assert.Contains(t, out, "CANARY_AUTH_TOKEN")
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
		{"missing token", nil, []string{"--console", "abc123", "ping"}, exitUsage, "no auth token: set CANARY_AUTH_TOKEN or pass --auth-token"},
		{"no console", map[string]string{"CANARY_AUTH_TOKEN": "t"}, []string{"ping"}, exitUsage, "no Console given"},
		{"bad domain", nil, []string{"--console", "https://x.example/", "--auth-token", "t", "ping"}, exitUsage, "invalid domain"},
		{"console and base url", nil, []string{"--console", "abc", "--base-url", srv.BaseURL(), "--auth-token", "t", "ping"}, exitUsage, "not both"},
		{"demo and console", nil, []string{"--demo", "--console", "abc", "ping"}, exitUsage, "drop --console"},
		{"unreachable console", nil, []string{"--base-url", "http://127.0.0.1:1/api/v1", "--auth-token", "some-auth-token", "--retries", "0", "ping"}, exitFailure, "cannot reach the Console"},
		{"bad retries", nil, []string{"--demo", "--retries", "-1", "ping"}, exitUsage, "--retries"},
		{"wrong token", nil, []string{"--base-url", srv.BaseURL(), "--auth-token", "wrong-token", "ping"}, exitFailure, "Unauthorized"},
		{"unknown kind", nil, []string{"--demo", "create", "--kind", "web-bug", "--memo", "m"}, exitUsage, `unknown token kind "web-bug"; known kinds: active-directory-login`},
		{"create without memo", nil, []string{"--demo", "create", "--kind", "http"}, exitUsage, "create needs --memo"},
		{"create missing kind param", nil, []string{"--demo", "create", "--kind", "cloned-web", "--memo", "m"}, exitUsage, "--cloned-web: is required for kind cloned-web"},
		{"file for a kind without one", nil, []string{"--demo", "create", "--kind", "http", "--memo", "m", "--file", "run.go"}, exitUsage, "--file: kind http takes no file"},
		{"missing file", nil, []string{"--demo", "create", "--kind", "doc-msword", "--memo", "m", "--file", "/nonexistent/x.docx"}, exitUsage, "--file: open /nonexistent/x.docx"},
		{"bad newer-than", nil, []string{"--demo", "alerts", "--newer-than", "last tuesday"}, exitUsage, "--newer-than"},
		{"ack without key", nil, []string{"--demo", "ack"}, exitUsage, "ack needs exactly one key"},
		{"ack unknown incident", nil, []string{"--demo", "ack", "incident:nope"}, exitFailure, "Incident not found"},
		{"delete refused", nil, []string{"--demo", "delete", withIncidents}, exitFailure, "add --clear-incidents"},
		{"delete unknown token", nil, []string{"--demo", "delete", "nosuchtoken"}, exitFailure, "Could not find the Canarytoken"},
		{"download unsupported", nil, []string{"--demo", "download", httpTok}, exitFailure, "File generation not supported."},
		{"json and markdown", nil, []string{"--demo", "--json", "full", "--markdown"}, exitUsage, "choose --json or --markdown"},
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
	assert.Equal(t, exitFailure, code)
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
