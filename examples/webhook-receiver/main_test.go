package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func receiver(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestDemo(t *testing.T) {
	t.Parallel()
	code, s, errOut := receiver(t, nil, "--demo")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, s, "demo OK: 5 payloads parsed")
	assert.Contains(t, s, "[Test] Dummy Incident")
	assert.Contains(t, s, "(via Splunk HEC)")
	assert.Contains(t, s, "wrong secret: HTTP 401")
}

func TestHelpNamesTheSecretVariable(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h"} {
		code, out, errOut := receiver(t, nil, arg)
		require.Equal(t, exitOK, code)
		assert.Empty(t, errOut)
		assert.True(t, strings.HasPrefix(out, "usage: webhook-receiver"), out)
		for _, want := range []string{"CANARY_WEBHOOK_SECRET", "--addr ADDRESS", "--header HEADER", "--demo", "exit status:", "2  usage error"} {
			assert.Contains(t, out, want)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		msg  string
	}{
		{"missing secret", nil, nil, "set CANARY_WEBHOOK_SECRET"},
		{"unknown flag", map[string]string{"CANARY_WEBHOOK_SECRET": "s3cret-value"}, []string{"--port", "1"}, "unknown flag -port"},
		{"stray argument", map[string]string{"CANARY_WEBHOOK_SECRET": "s3cret-value"}, []string{"serve"}, `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := receiver(t, tt.env, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.True(t, strings.HasPrefix(errOut, "webhook-receiver: "), errOut)
			assert.Contains(t, errOut, tt.msg)
			assert.NotContains(t, errOut, "s3cret-value")
		})
	}
}

func TestListenFailureExits1(t *testing.T) {
	t.Parallel()
	code, _, errOut := receiver(t, map[string]string{"CANARY_WEBHOOK_SECRET": "s3cret-value"}, "--addr", "256.0.0.1:0")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errOut, "webhook-receiver: listen tcp")
	assert.NotContains(t, errOut, "s3cret-value")
}
