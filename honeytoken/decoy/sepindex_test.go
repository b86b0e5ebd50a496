package decoy

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSepIndex holds sepIndex (assembly on amd64) and sepIndexGeneric to a
// byte loop, on every length up to 80 (around every block size), every byte
// value at every position of a clean run, and random text.
func TestSepIndex(t *testing.T) {
	t.Parallel()
	naive := func(s string) int {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x28 || c == ',' || c == ';' {
				return i
			}
		}
		return len(s)
	}
	check := func(s string) {
		t.Helper()
		want := naive(s)
		require.Equal(t, want, sepIndex(s), "sepIndex(%q)", s)
		require.Equal(t, want, sepIndexGeneric(s), "sepIndexGeneric(%q)", s)
	}
	clean := []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=+/:~abcdefghij")
	for n := 0; n <= len(clean); n++ {
		check(string(clean[:n]))
		for pos := 0; pos < n; pos++ {
			for c := range 256 {
				b := append([]byte(nil), clean[:n]...)
				b[pos] = byte(c)
				check(string(b))
			}
		}
	}
	rnd := rand.New(rand.NewPCG(17, 18))
	for range 20000 {
		b := make([]byte, rnd.IntN(200))
		density := []int{2, 16, 100, 1000}[rnd.IntN(4)]
		for i := range b {
			if rnd.IntN(density) == 0 {
				b[i] = byte(rnd.Uint32())
			} else {
				b[i] = clean[rnd.IntN(len(clean))]
			}
		}
		s := string(b)
		check(s)
		if len(s) > 0 { // a suffix starts anywhere in the caller's string
			check(s[rnd.IntN(len(s)):])
		}
	}
}
