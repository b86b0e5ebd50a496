package honeytoken

import (
	"math/bits"
)

// alphabet is an ordered set of ASCII characters a token field is drawn from.
type alphabet struct {
	chars string
	idx   [256]int16 // position of a byte in chars, -1 if absent
	dig   [256]byte  // position of a byte in chars, 0x80 if absent
	// draw is the character stream.char returns for a stream byte, 0 for a
	// byte it rejects (it draws again): chars[x % len(chars)] for x below
	// lim (any x when lim is 0).
	draw  [256]byte
	lim   byte       // largest multiple of len(chars) that fits in a byte (0 means 256)
	m     int        // digits that carry the ciphertext (see carrierDigits)
	r     uint64     // floor(b^m / 2^128): how many offsets r fit above the ciphertext
	chunk int        // digits whose value fits in a uint64 (b^chunk < 2^64)
	lead  int        // digits of the carrier's leading chunk: m - (m-1)/chunk*chunk
	pow   [65]uint64 // pow[k] = b^k for k <= chunk
	// rInv, rRot and rMax test divisibility by r without a division (see
	// offsetIs): r = r'·2^rRot with r' odd, rInv = r'^-1 mod 2^64 and
	// rMax = (2^64-1)/r.
	rInv, rMax uint64
	rRot       int
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
	for x := range a.draw {
		if a.lim == 0 || x < int(a.lim) {
			a.draw[x] = chars[x%b]
		}
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

// setLead sets lead from m and chunk (readCarrierWords divides by neither),
// and the constants offsetIs tests divisibility by r with.
func (a *alphabet) setLead() {
	if a.m > 0 && a.chunk > 0 {
		a.lead = a.m - (a.m-1)/a.chunk*a.chunk
	}
	a.rInv, a.rMax, a.rRot = 0, 0, 0
	if a.r > 0 {
		a.rRot = bits.TrailingZeros64(a.r)
		odd := a.r >> a.rRot
		inv := odd // correct to 3 bits: odd·odd = 1 mod 8
		for range 5 {
			inv *= 2 - odd*inv // Newton: doubles the correct bits
		}
		a.rInv, a.rMax = inv, ^uint64(0)/a.r
	}
}

// offsetIs reports whether o mod a.r is hi (false when a.r is 0) without a
// division: hi < r, o >= hi and r divides o-hi, which with r = r'·2^t (r'
// odd) holds exactly when (o-hi)·r'^-1 mod 2^64, rotated right by t, is at
// most (2^64-1)/r (Hacker's Delight, 2nd ed., 10-17; the test compilers use
// for x%c == 0). It is the carrier's offset check (carrierFilter), which a
// 64-bit DIV put on the critical path of every foreign candidate.
func (a *alphabet) offsetIs(o, hi uint64) bool {
	return hi < a.r && o >= hi && bits.RotateLeft64((o-hi)*a.rInv, -a.rRot) <= a.rMax
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
// and its high word hi (the offset r mod a.r that appendCarrier added, which
// the caller can check against the stream before any tag check). It reports
// false if a character is outside the alphabet or N overflows. Digits are
// taken a chunk at a time (b^chunk fits in a uint64), at most three chunks,
// the short one first; each chunk is summed from independent pairs of
// digits, so the multiply chains are short and overlap, and the chunks are
// joined with three 64-bit multiplications.
//
// The carriers of Base62, Base64URL and base64 (b from 57 to 84: ten-digit
// chunks) of more than 20 digits are decoded here without a call; other
// alphabets and shorter carriers by readCarrierWordsN.
func (a *alphabet) readCarrierWords(s string) (w0, w1, hi uint64, ok bool) {
	k := a.lead
	if a.chunk != 10 || a.m != k+20 || len(s) < a.m || k < 1 {
		return a.readCarrierWordsN(s)
	}
	dig := &a.dig
	b := uint64(len(a.chars))
	b2 := b * b
	var c0, bad uint64
	for _, x := range []byte(s[:k]) {
		d := uint64(dig[x])
		bad |= d
		c0 = c0*b + d
	}
	t := s[k : k+10]
	d0, d1, d2, d3, d4 := uint64(dig[t[0]]), uint64(dig[t[1]]), uint64(dig[t[2]]), uint64(dig[t[3]]), uint64(dig[t[4]])
	d5, d6, d7, d8, d9 := uint64(dig[t[5]]), uint64(dig[t[6]]), uint64(dig[t[7]]), uint64(dig[t[8]]), uint64(dig[t[9]])
	bad |= (d0 | d1 | d2 | d3 | d4) | (d5 | d6 | d7 | d8 | d9)
	q0 := (d0*b+d1)*b2 + (d2*b + d3)
	q1 := (d4*b+d5)*b2 + (d6*b + d7)
	c1 := (q0*(b2*b2)+q1)*b2 + (d8*b + d9)
	t = s[k+10 : k+20]
	d0, d1, d2, d3, d4 = uint64(dig[t[0]]), uint64(dig[t[1]]), uint64(dig[t[2]]), uint64(dig[t[3]]), uint64(dig[t[4]])
	d5, d6, d7, d8, d9 = uint64(dig[t[5]]), uint64(dig[t[6]]), uint64(dig[t[7]]), uint64(dig[t[8]]), uint64(dig[t[9]])
	bad |= (d0 | d1 | d2 | d3 | d4) | (d5 | d6 | d7 | d8 | d9)
	q0 = (d0*b+d1)*b2 + (d2*b + d3)
	q1 = (d4*b+d5)*b2 + (d6*b + d7)
	c2 := (q0*(b2*b2)+q1)*b2 + (d8*b + d9)
	if bad&0x80 != 0 {
		return 0, 0, 0, false
	}
	return join3(c0, c1, c2, a.pow[10])
}

// join3 returns N = (c0·B + c1)·B + c2 as its words n1 and n0 (the low 128
// bits, high word first) and n2, and false if N >= 2^192.
func join3(c0, c1, c2, B uint64) (n1, n0, n2 uint64, ok bool) {
	h1, l1 := bits.Mul64(c0, B)
	l1, cy := bits.Add64(l1, c1, 0)
	h1, cy = bits.Add64(h1, 0, cy)
	ha, la := bits.Mul64(l1, B)
	hh, hb := bits.Mul64(h1, B)
	n0, cy2 := bits.Add64(la, c2, 0)
	n1, cy2 = bits.Add64(ha, hb, cy2)
	n2, cy2 = bits.Add64(hh, 0, cy2)
	return n1, n0, n2, cy|cy2 == 0
}

// readCarrierWordsN is readCarrierWords for any alphabet and carrier.
func (a *alphabet) readCarrierWordsN(s string) (w0, w1, hi uint64, ok bool) {
	m, ch := a.m, a.chunk
	if len(s) < m || m == 0 || ch == 0 || m > 3*ch {
		return 0, 0, 0, false
	}
	b := uint64(len(a.chars))
	dig := &a.dig
	k := a.lead // 1..ch digits in the leading chunk
	c0, bad := digitsN(s[:k], b, dig)
	if k == m {
		return 0, c0, 0, bad&0x80 == 0
	}
	B := a.pow[ch&63]
	c1, bad1 := digitsN(s[k:k+ch], b, dig)
	if k+ch == m {
		// c0·B + c1 is below b^(2·ch) < 2^128.
		if (bad|bad1)&0x80 != 0 {
			return 0, 0, 0, false
		}
		h1, l1 := bits.Mul64(c0, B)
		l1, cy := bits.Add64(l1, c1, 0)
		return h1 + cy, l1, 0, true
	}
	c2, bad2 := digitsN(s[k+ch:m], b, dig)
	if (bad|bad1|bad2)&0x80 != 0 {
		return 0, 0, 0, false
	}
	return join3(c0, c1, c2, B)
}

// digitsN returns the value of the base-b digits of s (at most a chunk) and
// the OR of their dig entries (0x80 set if one is not in the alphabet), a
// pair of digits at a time.
func digitsN(s string, b uint64, dig *[256]byte) (c, bad uint64) {
	if len(s)&1 != 0 {
		c = uint64(dig[s[0]])
		bad = c
		s = s[1:]
	}
	b2 := b * b
	for ; len(s) >= 2; s = s[2:] {
		d0, d1 := uint64(dig[s[0]]), uint64(dig[s[1]])
		bad |= d0 | d1
		c = c*b2 + (d0*b + d1)
	}
	return c, bad
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
