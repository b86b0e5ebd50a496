package honeytoken

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFileStoreIsExclusive is the regression test for finding 10: a store
// file has one writer, and a second FileStore, here or in another process,
// is refused until the first is closed.
func TestFileStoreIsExclusive(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no file lock on this platform")
	}
	path := filepath.Join(t.TempDir(), "tokens.jsonl")
	s, err := OpenFileStore(path)
	require.NoError(t, err)

	_, err = OpenFileStore(path)
	require.ErrorIs(t, err, ErrStoreLocked, "a second FileStore in this process")

	if os.Getenv("GO_WANT_HELPER_PROCESS") == "" {
		// Another process: this test binary, running only the helper below.
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreLockHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1", "DECOYKIT_STORE="+path)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "locked as expected")
	}

	g := newTestGenerator(t, "lock")
	tok, err := g.Generate(GitHubClassic, Meta{})
	require.NoError(t, err)
	require.NoError(t, s.Put(context.Background(), Record{Token: tok, Status: StatusActive}))
	require.NoError(t, s.Close())

	s2, err := OpenFileStore(path)
	require.NoError(t, err, "closing releases the lock")
	defer s2.Close()
	_, err = s2.Get(context.Background(), tok.ID)
	require.NoError(t, err)
}

// TestFileStoreLockHelper runs in the child process of TestFileStoreIsExclusive.
func TestFileStoreLockHelper(t *testing.T) {
	path := os.Getenv("DECOYKIT_STORE")
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" || path == "" {
		t.Skip("helper process only")
	}
	_, err := OpenFileStore(path)
	require.ErrorIs(t, err, ErrStoreLocked)
	t.Log("locked as expected")
}
