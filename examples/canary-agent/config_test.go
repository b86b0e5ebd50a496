package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary/canarytest"
)

// writeConfig writes a canarytools.config as the Console offers it.
func writeConfig(t *testing.T, dir, name, domain, apiKey string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[CanaryTools]\n")
	if domain != "" {
		b.WriteString("domain = " + domain + "\n")
	}
	if apiKey != "" {
		b.WriteString("api_key = " + apiKey + "\n")
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o600))
	return p
}

// agentIn runs the program with a standard input.
func agentIn(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runWith(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// TestWhereTheConsoleAndTokenComeFrom runs ping with the Console and the
// auth token given every supported way; a fake Console answers for every
// DOMAIN.canary.tools (see TestMain) and for --base-url.
func TestWhereTheConsoleAndTokenComeFrom(t *testing.T) {
	t.Parallel()
	other := canarytest.NewServer(canarytest.WithAuthToken("base-url-token"))
	t.Cleanup(other.Close)

	home := t.TempDir() // ~/.canarytools.config
	writeConfig(t, home, ".canarytools.config", "abc123", consoleToken)
	home2 := t.TempDir() // ~/canarytools.config, the second place
	writeConfig(t, home2, "canarytools.config", "abc123", consoleToken)
	home3 := t.TempDir() // the first file lacks api_key: the second is used, as the official client does
	writeConfig(t, home3, ".canarytools.config", "abc123", "")
	writeConfig(t, home3, "canarytools.config", "abc123", consoleToken)
	homeWrong := t.TempDir()
	writeConfig(t, homeWrong, ".canarytools.config", "abc123", "revoked-token")
	explicit := writeConfig(t, t.TempDir(), "console.ini", "abc123", consoleToken)
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(consoleToken+"\n"), 0o600))
	emptyFile := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(emptyFile, nil, 0o600))

	const viaDomain = "OK: https://abc123.canary.tools/api/v1"
	tests := []struct {
		name  string
		stdin string
		env   map[string]string
		args  []string
		code  int
		want  string // in stdout on success, in stderr otherwise
	}{
		{"flags", "", nil, []string{"--console", "abc123", "--auth-token", consoleToken}, exitOK, viaDomain},
		{"CANARY_CONSOLE and CANARY_AUTH_TOKEN", "", map[string]string{"CANARY_CONSOLE": "abc123", "CANARY_AUTH_TOKEN": consoleToken}, nil, exitOK, viaDomain},
		{"CANARY_BASE_URL", "", map[string]string{"CANARY_BASE_URL": other.BaseURL(), "CANARY_AUTH_TOKEN": "base-url-token"}, nil, exitOK, "OK: " + other.BaseURL()},
		{"the official client's variables", "", map[string]string{"CANARY_API_DOMAIN": "abc123", "CANARY_API_TOKEN": consoleToken}, nil, exitOK, viaDomain},
		{"the flag beats the environment", "", map[string]string{"CANARY_CONSOLE": "elsewhere", "CANARY_AUTH_TOKEN": consoleToken}, []string{"--console", "abc123"}, exitOK, viaDomain},
		{"CANARY_AUTH_TOKEN beats CANARY_API_TOKEN", "", map[string]string{"CANARY_CONSOLE": "abc123", "CANARY_AUTH_TOKEN": consoleToken, "CANARY_API_TOKEN": "old"}, nil, exitOK, viaDomain},
		{"~/.canarytools.config", "", map[string]string{"HOME": home}, nil, exitOK, viaDomain},
		{"~/canarytools.config", "", map[string]string{"HOME": home2}, nil, exitOK, viaDomain},
		{"a config without api_key is skipped", "", map[string]string{"HOME": home3}, nil, exitOK, viaDomain},
		{"USERPROFILE when HOME is unset", "", map[string]string{"USERPROFILE": home}, nil, exitOK, viaDomain},
		{"--config", "", nil, []string{"--config", explicit}, exitOK, viaDomain},
		{"the config's token for its own domain", "", map[string]string{"HOME": home}, []string{"--console", "ABC123"}, exitOK, viaDomain},
		{"a token flag beats the config's", "", map[string]string{"HOME": homeWrong}, []string{"--auth-token", consoleToken}, exitOK, viaDomain},
		{"the environment beats the config", "", map[string]string{"HOME": homeWrong, "CANARY_AUTH_TOKEN": consoleToken}, nil, exitOK, viaDomain},
		{"--auth-token-file", "", nil, []string{"--console", "abc123", "--auth-token-file", tokenFile}, exitOK, viaDomain},
		{"--auth-token - reads stdin", consoleToken + "\n", nil, []string{"--console", "abc123", "--auth-token", "-"}, exitOK, viaDomain},

		{"a wrong token in the config", "", map[string]string{"HOME": homeWrong}, nil, exitAuth, "authentication failed"},
		{"the config's token is not sent to another Console", "", map[string]string{"HOME": home}, []string{"--console", "other1"}, exitUsage, "no auth token"},
		{"nothing anywhere", "", map[string]string{"HOME": t.TempDir()}, nil, exitUsage, "no Console given"},
		{"--config that does not exist", "", nil, []string{"--config", filepath.Join(home, "nope.ini")}, exitUsage, "no such file"},
		{"--config without api_key", "", map[string]string{"HOME": home}, []string{"--config", filepath.Join(home3, ".canarytools.config")}, exitUsage, "needs a [CanaryTools] section with domain and api_key"},
		{"both CANARY_CONSOLE and CANARY_BASE_URL", "", map[string]string{"CANARY_CONSOLE": "abc123", "CANARY_BASE_URL": other.BaseURL(), "CANARY_AUTH_TOKEN": "t"}, nil, exitUsage, "set CANARY_CONSOLE or CANARY_BASE_URL, not both"},
		{"--auth-token and --auth-token-file", "", nil, []string{"--console", "abc123", "--auth-token", "x", "--auth-token-file", tokenFile}, exitUsage, "not both"},
		{"a missing token file", "", nil, []string{"--console", "abc123", "--auth-token-file", "/nonexistent/token"}, exitUsage, "--auth-token-file: open /nonexistent/token: no such file or directory"},
		{"an empty token file", "", nil, []string{"--console", "abc123", "--auth-token-file", emptyFile}, exitUsage, "no auth token in --auth-token-file"},
		{"empty stdin", "", nil, []string{"--console", "abc123", "--auth-token", "-"}, exitUsage, "no auth token in --auth-token - (stdin)"},
		{"a wrong token on stdin", "revoked-token\n", nil, []string{"--console", "abc123", "--auth-token", "-"}, exitAuth, "authentication failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := agentIn(t, tt.stdin, tt.env, append(tt.args, "ping")...)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", out, errOut)
			if tt.code == exitOK {
				assert.Contains(t, out, tt.want)
				assert.Empty(t, errOut)
			} else {
				requireOneErrorLine(t, errOut)
				assert.Contains(t, errOut, tt.want)
			}
			for _, secret := range []string{consoleToken, "revoked-token", "base-url-token"} {
				assert.NotContains(t, errOut, secret, "an auth token never reaches stderr")
				assert.NotContains(t, out, secret)
			}
		})
	}
}

func TestConfigPathsAreTheOfficialClients(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOME": "/home/ana"}
	assert.Equal(t, []string{"/home/ana/.canarytools.config", "/home/ana/canarytools.config", "/etc/canarytools.config"},
		configPaths(func(k string) string { return env[k] }))
	assert.Equal(t, []string{"/etc/canarytools.config"}, configPaths(func(string) string { return "" }))
}

func TestReadConfigAcceptsTheConsoleDownload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "c")
	// As RawConfigParser reads it: "key: value" too, and option names in any case.
	require.NoError(t, os.WriteFile(p, []byte("; from the Console\n[CanaryTools]\nDomain: abc123\napi_key = k-1 \n"), 0o600))
	cfg, ok, err := readConfig(p)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "abc123", cfg.domain)
	assert.Equal(t, "k-1", cfg.apiKey)

	require.NoError(t, os.WriteFile(p, []byte("[Other]\ndomain = abc123\napi_key = k\n"), 0o600))
	_, ok, err = readConfig(p)
	require.NoError(t, err)
	assert.False(t, ok, "only the [CanaryTools] section counts")
}
