package honeytoken

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"strings"
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
	// Custom alphabets of other sizes: 17 and 90 characters, and 56, 57,
	// 84 and 85 around the ten-digit chunks readCarrierWords decodes inline.
	var printable []byte
	for c := byte('!'); c <= '~'; c++ {
		if c != '"' && c != '\'' && c != '\\' && c != '`' {
			printable = append(printable, c)
		}
	}
	customs := []alphabet{newAlphabet(string(printable[:17])), newAlphabet(string(printable[:90]))}
	for _, n := range []int{56, 57, 84, 85} {
		customs = append(customs, newAlphabet(string(printable[:n])))
	}
	for _, a := range append([]*alphabet{&base62, &base64url, &hexLower, &base32, &upperDigits, &base36Lower, &base64Std},
		&customs[0], &customs[1], &customs[2], &customs[3], &customs[4], &customs[5]) {
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
			b[rng.IntN(len(b))] = ' ' // in no alphabet
			_, _, _, ok = a.readCarrierWords(string(b))
			assert.False(t, ok, name)
		}
	}
}

// TestOffsetIs: offsetIs(o, hi) is o%r == hi, for the r of every alphabet
// and carrier cap, every r up to 3000, powers of two and their neighbours,
// and large r, on random o and on hi equal to o%r, next to it, 0 and r.
func TestOffsetIs(t *testing.T) {
	t.Parallel()
	var rs []uint64
	for r := uint64(0); r <= 3000; r++ {
		rs = append(rs, r)
	}
	for k := range 64 {
		p := uint64(1) << k
		rs = append(rs, p, p-1, p+1, p*3)
	}
	rs = append(rs, ^uint64(0), ^uint64(0)-1, 1<<63+1)
	for _, a := range []*alphabet{&base62, &base64url, &hexLower, &base32, &upperDigits, &base36Lower, &base64Std, &decimal} {
		rs = append(rs, a.r)
		for _, limit := range []int{20, 21, 22, 23, 24, 30, 32, 33, 40} {
			c := a.withLimit(limit)
			rs = append(rs, c.r)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, r := range rs {
		a := alphabet{r: r}
		a.setLead()
		os := []uint64{0, 1, r, r - 1, r + 1, ^uint64(0), ^uint64(0) - 1}
		for range 20 {
			os = append(os, rng.Uint64(), rng.Uint64()>>rng.IntN(64))
		}
		for _, o := range os {
			his := []uint64{0, 1, r, r - 1, r + 1, o, rng.Uint64()}
			if r+1 != 0 {
				his = append(his, rng.Uint64()%(r+1))
			}
			if r > 0 {
				his = append(his, o%r, o%r+1, o%r-1)
			}
			for _, hi := range his {
				want := r > 0 && o%r == hi
				if got := a.offsetIs(o, hi); got != want {
					t.Fatalf("r=%d o=%d hi=%d: offsetIs %v, want %v", r, o, hi, got, want)
				}
			}
		}
	}
}

// TestAlphabetDraw: draw is the rejection sampling stream.char did with a
// division: chars[x % len(chars)] for x below lim (every x when lim is 0),
// else 0, which no alphabet holds.
func TestAlphabetDraw(t *testing.T) {
	t.Parallel()
	for _, a := range []*alphabet{&base62, &base64url, &hexLower, &base32, &upperDigits, &base36Lower, &lowerAlpha, &decimal, &base64Std, &gitlabUserLead} {
		assert.Equal(t, -1, strings.IndexByte(a.chars, 0), a.chars)
		for x := range 256 {
			want := byte(0)
			if a.lim == 0 || x < int(a.lim) {
				want = a.chars[x%len(a.chars)]
			}
			require.Equal(t, want, a.draw[x], "%s %d", a.chars, x)
		}
	}
}
