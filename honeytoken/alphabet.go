package honeytoken

import (
	"math/bits"
)

// alphabet is an ordered set of ASCII characters a token field is drawn from.
type alphabet struct {
	chars string
	idx   [256]int16 // position of a byte in chars, -1 if absent
	dig   [256]byte  // position of a byte in chars, 0x80 if absent
	lim   byte       // largest multiple of len(chars) that fits in a byte (0 means 256)
	m     int        // digits that carry the ciphertext (see carrierDigits)
	r     uint64     // floor(b^m / 2^128): how many offsets r fit above the ciphertext
	chunk int        // digits whose value fits in a uint64 (b^chunk < 2^64)
	lead  int        // digits of the carrier's leading chunk: m - (m-1)/chunk*chunk
	pow   [65]uint64 // pow[k] = b^k for k <= chunk
}

// Alphabets a custom format can use.
const (
	// Base62 is 0-9A-Za-z, the alphabet of most modern API keys.
	Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// Base64URL is A-Za-z0-9-_.
	Base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// HexLower is 0-9a-f.
	HexLower = "0123456789abcdef"
	// Base32 is the RFC 4648 alphabet A-Z2-7.
	Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	// AlphaNumUpper is A-Z0-9.
	AlphaNumUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// Base36Lower is 0-9a-z.
	Base36Lower = "0123456789abcdefghijklmnopqrstuvwxyz"
)

var (
	base62      = newAlphabet(Base62)
	base64url   = newAlphabet(Base64URL)
	hexLower    = newAlphabet(HexLower)
	base32      = newAlphabet(Base32)
	upperDigits = newAlphabet(AlphaNumUpper)
	base36Lower = newAlphabet(Base36Lower)
	lowerAlpha  = newAlphabet("abcdefghijklmnopqrstuvwxyz")
	decimal     = newAlphabet("0123456789")
)

// newAlphabet builds an alphabet; chars must hold 2..128 distinct bytes.
func newAlphabet(chars string) alphabet {
	a := alphabet{chars: chars}
	for i := range a.idx {
		a.idx[i] = -1
		a.dig[i] = 0x80
	}
	for i := 0; i < len(chars); i++ {
		a.idx[chars[i]] = int16(i)
		a.dig[chars[i]] = byte(i)
	}
	b := len(chars)
	a.lim = byte((256 / b) * b) // 256 wraps to 0 for b in {2,4,...,128}: handled in stream.char
	if 256%b == 0 {
		a.lim = 0
	}
	a.m, a.r = carrierDigits(uint64(b), 0)
	a.pow[0] = 1
	for a.chunk = 0; ; a.chunk++ {
		hi, lo := bits.Mul64(a.pow[a.chunk], uint64(b))
		if hi != 0 {
			break
		}
		a.pow[a.chunk+1] = lo
	}
	a.setLead()
	return a
}

// setLead sets lead from m and chunk (readCarrierWords divides by neither).
func (a *alphabet) setLead() {
	if a.m > 0 && a.chunk > 0 {
		a.lead = a.m - (a.m-1)/a.chunk*a.chunk
	}
}

// carrierDigits returns the smallest m with b^m >= 2^136 (8 spare bits, so the
// leading character is not visibly biased), capped at max when max > 0, and
// floor(b^m / 2^128). r is 0 when b^m < 2^128 (the field cannot carry a tag).
func carrierDigits(b uint64, max int) (m int, r uint64) {
	var n [3]uint64
	n[0] = 1
	for m = 0; ; m++ {
		if max > 0 && m == max {
			break
		}
		if n[2] >= 1<<8 {
			break
		}
		n = mulSmall(n, b)
	}
	return m, n[2]
}

func mulSmall(n [3]uint64, b uint64) [3]uint64 {
	var carry uint64
	for i := range n {
		hi, lo := bits.Mul64(n[i], b)
		lo, c := bits.Add64(lo, carry, 0)
		n[i] = lo
		carry = hi + c
	}
	return n
}

// withLimit returns a copy of a whose carrier is capped at max digits.
func (a *alphabet) withLimit(max int) alphabet {
	c := *a
	c.m, c.r = carrierDigits(uint64(len(a.chars)), max)
	if c.m > max {
		c.m = max
	}
	c.setLead()
	return c
}

// appendCarrier appends m digits of N = ct + 2^128·r in base len(a.chars), most
// significant first, where r is reduced mod a.r. The offset r spreads N over
// almost the whole range b^m, so no character position is visibly biased.
func (a *alphabet) appendCarrier(dst []byte, ct *[16]byte, r uint64) []byte {
	var n [3]uint64
	n[1] = uint64(ct[0])<<56 | uint64(ct[1])<<48 | uint64(ct[2])<<40 | uint64(ct[3])<<32 |
		uint64(ct[4])<<24 | uint64(ct[5])<<16 | uint64(ct[6])<<8 | uint64(ct[7])
	n[0] = uint64(ct[8])<<56 | uint64(ct[9])<<48 | uint64(ct[10])<<40 | uint64(ct[11])<<32 |
		uint64(ct[12])<<24 | uint64(ct[13])<<16 | uint64(ct[14])<<8 | uint64(ct[15])
	n[2] = r % a.r
	b := uint64(len(a.chars))
	start := len(dst)
	for range a.m {
		dst = append(dst, 0)
	}
	for i := a.m - 1; i >= 0; i-- {
		var rem uint64
		n[2], rem = bits.Div64(0, n[2], b)
		n[1], rem = bits.Div64(rem, n[1], b)
		n[0], rem = bits.Div64(rem, n[0], b)
		dst[start+i] = a.chars[rem]
	}
	return dst
}

// readCarrierWords decodes m digits of s into N: its low 128 bits (the
// ciphertext) as w0 and w1, the ciphertext's bytes 0-7 and 8-15 big-endian
// (used as they are by carrierFilter, without a round trip through memory),
// and its high word hi (the offset r mod a.r that
// appendCarrier added, which the caller can check against the stream before any
// tag check). It reports false if a character is outside the alphabet or N
// overflows. Digits are taken a chunk at a time (b^chunk fits in a uint64), the
// short chunk first, so the 192-bit multiply-add runs a few times instead of
// once per digit.
func (a *alphabet) readCarrierWords(s string) (w0, w1, hi uint64, ok bool) {
	m, ch := a.m, a.chunk
	if len(s) < m || m == 0 || ch == 0 || m > 3*ch {
		return 0, 0, 0, false
	}
	// At most three chunks (b^m < 2^144 and b^chunk >= 2^57): the short one
	// first. The chunks' values do not depend on each other, so their
	// multiply-add chains overlap.
	b := uint64(len(a.chars))
	dig := &a.dig
	k := a.lead // 1..ch digits in the leading chunk
	var c0, c1, c2, bad uint64
	for _, x := range []byte(s[:k]) {
		d := uint64(dig[x])
		bad |= d
		c0 = c0*b + d
	}
	nch := 1
	if k < m {
		for _, x := range []byte(s[k : k+ch]) {
			d := uint64(dig[x])
			bad |= d
			c1 = c1*b + d
		}
		nch++
	}
	if k+ch < m {
		for _, x := range []byte(s[k+ch : m]) {
			d := uint64(dig[x])
			bad |= d
			c2 = c2*b + d
		}
		nch++
	}
	if bad&0x80 != 0 {
		return 0, 0, 0, false
	}
	n0, n1, n2 := c0, uint64(0), uint64(0)
	mul := a.pow[ch&63]
	rest := [2]uint64{c1, c2}
	for _, c := range rest[:nch-1] {
		hi0, lo0 := bits.Mul64(n0, mul)
		hi1, lo1 := bits.Mul64(n1, mul)
		hi2, lo2 := bits.Mul64(n2, mul)
		var carry uint64
		n0, carry = bits.Add64(lo0, c, 0)
		n1, carry = bits.Add64(lo1, hi0, carry)
		n2, carry = bits.Add64(lo2, hi1, carry)
		if hi2|carry != 0 {
			return 0, 0, 0, false
		}
	}
	return n1, n0, n2, true
}

// valid reports whether every byte of s is in a.
func (a *alphabet) valid(s string) bool {
	var bad byte
	dig := &a.dig
	i := 0
	for ; i+4 <= len(s); i += 4 {
		q := s[i : i+4]
		bad |= dig[q[3]] | dig[q[2]] | dig[q[1]] | dig[q[0]]
	}
	for ; i < len(s); i++ {
		bad |= dig[s[i]]
	}
	return bad&0x80 == 0
}
