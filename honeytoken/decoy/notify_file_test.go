package decoy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONLinesFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hits.jsonl")
	for range 2 { // reopening appends
		j, err := OpenJSONLines(path)
		require.NoError(t, err)
		require.NoError(t, j.Notify(context.Background(), testAlert()))
		require.NoError(t, j.Close())
	}
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	var a Alert
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &a))
	assert.Equal(t, testAlert(), a)

	_, err = OpenJSONLines("")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = OpenJSONLines(filepath.Join(t.TempDir(), "missing-dir", "x.jsonl"))
	require.Error(t, err)
}
