package decoy

import (
	"crypto/sha256"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

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

func testAlert() Alert {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	return Alert{ID: "alert-1", Count: 3, FirstSeen: t0, LastSeen: t0.Add(4 * time.Second), Hit: Hit{
		ID: "hit-1", Time: t0, TokenID: "0011223344556677", Format: "github-classic", Part: "value", Strength: 64,
		Token: "ghp_Ab12…", Found: Place{Kind: InAuthorization, Name: "Authorization"},
		Location: "infra/.env", Memo: "CI runner", RemoteIP: netip.MustParseAddr("203.0.113.7"),
		UserAgent: "curl/8.5.0", Method: "GET", Path: "/v1/user",
	}}
}

// captured is one request a fake receiver got.
