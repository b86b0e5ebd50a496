package honeytoken

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadCarrierWords: readCarrierWords inverts appendCarrier for every
// alphabet and carrier cap the formats use, and on any string of the
// alphabet agrees with a math/big decoding (N below 2^192, its three words).
func TestReadCarrierWords(t *testing.T) {
	t.Parallel()
	alphas := map[string]alphabet{}
	for _, a := range []*alphabet{&base62, &base64url, &hexLower, &base32, &upperDigits, &base36Lower, &base64Std} {
		alphas[a.chars] = *a
		for _, limit := range []int{22, 24, 30, 32, 33} {
			c := a.withLimit(limit)
			alphas[a.chars+"/"+string(rune('0'+limit/10))+string(rune('0'+limit%10))] = c
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, a := range alphas {
		if a.m == 0 || a.r == 0 {
			continue
		}
		for range 300 {
			var ct [16]byte
			for i := range ct {
				ct[i] = byte(rng.Uint32())
			}
			r := rng.Uint64()
			s := string(a.appendCarrier(nil, &ct, r))
			w0, w1, hi, ok := a.readCarrierWords(s)
			require.True(t, ok, name)
			assert.Equal(t, binary.BigEndian.Uint64(ct[:8]), w0, name)
			assert.Equal(t, binary.BigEndian.Uint64(ct[8:]), w1, name)
			assert.Equal(t, r%a.r, hi, name)

			b := make([]byte, a.m)
			for i := range b {
				b[i] = a.chars[rng.IntN(len(a.chars))]
			}
			n := new(big.Int)
			for _, c := range b {
				n.Mul(n, big.NewInt(int64(len(a.chars))))
				n.Add(n, big.NewInt(int64(a.idx[c])))
			}
			w0, w1, hi, ok = a.readCarrierWords(string(b))
			require.Equal(t, n.BitLen() <= 192, ok, name)
			if ok {
				var want [24]byte
				n.FillBytes(want[:])
				assert.Equal(t, [3]uint64{binary.BigEndian.Uint64(want[:8]), binary.BigEndian.Uint64(want[8:16]), binary.BigEndian.Uint64(want[16:])},
					[3]uint64{hi, w0, w1}, name)
			}
			b[rng.IntN(len(b))] = '!'
			_, _, _, ok = a.readCarrierWords(string(b))
			assert.False(t, ok, name)
		}
	}
}
