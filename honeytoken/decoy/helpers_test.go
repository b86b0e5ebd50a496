package decoy

import (
	"crypto/sha256"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

// testKey derives a fixed 32-byte key from name: tests are reproducible and no
// key material or generated token is committed.
func testKey(name string) []byte {
	k := sha256.Sum256([]byte("decoykit decoy test key: " + name))
	return k[:]
}

func newGen(t testing.TB, name string) *honeytoken.Generator {
	t.Helper()
	g, err := honeytoken.NewGenerator(testKey(name))
	require.NoError(t, err)
	return g
}

func mint(t testing.TB, g *honeytoken.Generator, f honeytoken.Format) honeytoken.Token {
	t.Helper()
	tok, err := g.Generate(f, honeytoken.Meta{Location: "test/" + string(f), Memo: "memo " + string(f)})
	require.NoError(t, err)
	return tok
}

// collector is a Recorder that keeps every hit.
type collector struct {
	mu   sync.Mutex
	hits []Hit
}

func (c *collector) Record(h Hit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hits = append(c.hits, h)
}

func (c *collector) all() []Hit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Hit(nil), c.hits...)
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
