package honeytoken

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testKey returns a fixed 32-byte key derived from name, so tests are reproducible
// without committing key material.
func testKey(name string) []byte {
	k := sha256.Sum256([]byte("decoykit test key: " + name))
	return k[:]
}

var fixedNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func newTestGenerator(t testing.TB, name string, opts ...Option) *Generator {
	t.Helper()
	opts = append([]Option{WithClock(func() time.Time { return fixedNow })}, opts...)
	g, err := NewGenerator(testKey(name), opts...)
	require.NoError(t, err)
	return g
}

// propertyCount is the number of tokens per format in the property tests:
// 10,000, or 1,000 with -short. Under -race it is 1,000: the property loops
// run on one goroutine each, so the race detector has nothing to find in
// them and only makes them ten times slower; .ci/run's plain `go test ./...`
// pass runs the full 10,000.
func propertyCount() int {
	if testing.Short() || raceEnabled {
		return 1000
	}
	return 10000
}

// foreignShapes returns, for every format of g, strings of exactly that format's
// shape minted by another generator (right prefix, length, alphabet and a valid
// public checksum): the worst case of the keyed check, which must reject them.
// AWS formats add the secret access key and DatabaseURL its bare password, the
// prefix-less shapes.
func foreignShapes(t testing.TB, g *Generator) []struct{ name, s string } {
	t.Helper()
	other := newTestGenerator(t, "foreign-shapes")
	var out []struct{ name, s string }
	for _, f := range g.Formats() {
		tok, err := other.Generate(f, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, struct{ name, s string }{string(f), tok.Value})
		switch f {
		case AWSAccessKey, AWSTemporaryKey:
			out = append(out, struct{ name, s string }{string(f) + "/secret", tok.Secret})
		case DatabaseURL:
			pw, _ := splitDBURL(tok.Value)
			out = append(out, struct{ name, s string }{string(f) + "/password", pw})
		}
	}
	return out
}
