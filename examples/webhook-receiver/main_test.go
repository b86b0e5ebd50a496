package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"--demo"}, &out))
	s := out.String()
	assert.Contains(t, s, "demo OK: 5 payloads parsed")
	assert.Contains(t, s, "[Test] Dummy Incident")
	assert.Contains(t, s, "(via Splunk HEC)")
	assert.Contains(t, s, "wrong secret: HTTP 401")
}

func TestRunNeedsSecret(t *testing.T) {
	t.Setenv("CANARY_WEBHOOK_SECRET", "")
	err := run(nil, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CANARY_WEBHOOK_SECRET")
}
