package honeytoken

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// AWS access key ids: prefix + 16 base32 characters. Characters 4..11 hold
// account/2 + 2^39, the top bit of character 12 holds account&1, and the remaining
// 39 bits are free (as localstack's extract_account_id_from_access_key_id and
// trufflehog's GetAccountNumFromID decode it; aidansteele.github.io, "AWS access
// key format", 2020-09-26).

const awsFreeBits = 39

var base64Std = newAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

// AWSAccountID decodes the AWS account id an access key id encodes (the algorithm
// trufflehog and localstack use). It returns an error for a string that is not a
// modern access key id.
func AWSAccountID(accessKeyID string) (string, error) {
	if len(accessKeyID) != 20 {
		return "", &ValidationError{Field: "accessKeyID", Reason: "must be 20 characters (4-character prefix + 16 base32)"}
	}
	var z uint64
	for i := 4; i < 20; i++ {
		d := base32.idx[accessKeyID[i]]
		if d < 0 {
			return "", &ValidationError{Field: "accessKeyID", Reason: fmt.Sprintf("character %d is not base32 (A-Z, 2-7)", i+1)}
		}
		if i < 14 {
			z = z<<5 | uint64(d)
		}
	}
	z >>= 2 // 50 bits -> the first 48 bits (6 bytes)
	return fmt.Sprintf("%012d", (z&0x7fffffffff80)>>7), nil
}

func appendB32(dst []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, base32.chars[(v>>(5*uint(i)))&31])
	}
	return dst
}

// appendAWSKeyID appends prefix + the key id for account and the 39 free bits v.
func appendAWSKeyID(dst []byte, prefix string, account, v uint64) []byte {
	dst = append(dst, prefix...)
	dst = appendB32(dst, account>>1|1<<39, 8)
	dst = append(dst, base32.chars[(account&1)<<4|(v>>35)&15])
	return appendB32(dst, v, 7)
}

// awsID maps the free bits of a key id to the token id, under the generator key.
func (ks *keySet) awsID(sc *scratch, code uint32, v uint64) (id [8]byte) {
	sc.in = [16]byte{}
	sc.in[0], sc.in[1], sc.in[2], sc.in[3] = byte(code>>24), byte(code>>16), byte(code>>8), byte(code)
	for i := range 8 {
		sc.in[8+i] = byte(v >> (56 - 8*i))
	}
	ks.awsIDBlock.Encrypt(sc.out[:], sc.in[:])
	copy(id[:], sc.out[:8])
	return id
}

// appendAWSSecret appends base64(ct ‖ 14 derived bytes): 40 characters.
func appendAWSSecret(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	var raw [30]byte
	copy(raw[:], ct[:])
	s := newStream(ks, sc, ct, 1)
	s.blk = ks.awsSecret
	for i := 16; i < 30; i++ {
		raw[i] = s.next()
	}
	n := len(dst)
	dst = append(dst, make([]byte, 40)...)
	base64.StdEncoding.Encode(dst[n:], raw[:])
	return dst
}

func awsSecretGate(s string) bool {
	c := s[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') || c == 'x' || c == 'X' {
		return false // generic-api-key needs an alphanumeric first character; curl-auth-user drops x…
	}
	letters := true
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
			letters = false
		}
	}
	// allHex: a 40-digit hash (a git commit id) is never a decoy, so Scan skips them.
	if letters || allHex(s) || hasAnyFoldPrefix(s, "test", "pass", "pwd", "token", "changeit", "changeme") {
		return false
	}
	return shannon(s) > entropyGeneric && !hasStopWord(s) && decodableInBase64(s)
}

// decodeBase64Std40 decodes 40 characters of standard base64 (no padding),
// 30 bytes, reporting false on any other character: the ciphertext, bytes
// 0-7 and 8-15 big-endian in w0 and w1, and the derived bytes 16-23 and
// 24-29 in d0 and d1 (d1's top two bytes zero). Every 40-character string
// of the alphabet decodes (240 bits, no padding bits), so the decoding is a
// bijection and the four words determine s. The words are built in registers:
// the keyed filter uses them as they are (keySet.firstBlock).
func decodeBase64Std40(s string) (w0, w1, d0, d1 uint64, ok bool) {
	if len(s) != 40 {
		return 0, 0, 0, 0, false
	}
	s = s[:40]
	dig := &base64Std.dig
	// vk holds bytes 3k, 3k+1 and 3k+2.
	v0, b0 := quad64(dig, s[0:4])
	v1, b1 := quad64(dig, s[4:8])
	v2, b2 := quad64(dig, s[8:12])
	v3, b3 := quad64(dig, s[12:16])
	v4, b4 := quad64(dig, s[16:20])
	v5, b5 := quad64(dig, s[20:24])
	v6, b6 := quad64(dig, s[24:28])
	v7, b7 := quad64(dig, s[28:32])
	v8, b8 := quad64(dig, s[32:36])
	v9, b9 := quad64(dig, s[36:40])
	w0 = v0<<40 | v1<<16 | v2>>8
	w1 = v2<<56 | v3<<32 | v4<<8 | v5>>16
	d0 = v5<<48 | v6<<24 | v7
	d1 = v8<<24 | v9
	return w0, w1, d0, d1, (b0|b1|b2|b3|b4|b5|b6|b7|b8|b9)&0x80 == 0
}

func hasAnyFoldPrefix(s string, ps ...string) bool {
	for _, p := range ps {
		if len(s) >= len(p) {
			ok := true
			for i := range len(p) {
				if lower(s[i]) != p[i] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func awsSpec(f Format, prefix string) *spec {
	sp := &spec{format: f, code: formatCode(f), prefixes: []string{prefix}, maxLen: 20, secretOnly: true, lens: []int{20},
		bareAlpha: &base64Std,
		// recognize's decoding checks the alphabet; '_' (ghp_, gho_, ghs_, npm_) and
		// '-' (base64url) are ruled out first, without the pool round trip of a try.
		bare: func(s string) bool {
			// The first four characters first: a 40-character GitHub or npm
			// token (ghp_, npm_) fails here without a scan.
			if d := &base64Std.dig; (d[s[0]]|d[s[1]]|d[s[2]]|d[s[3]])&0x80 != 0 {
				return false
			}
			return strings.IndexByte(s, '_') < 0 && strings.IndexByte(s, '-') < 0 && !hexOnly(s)
		}}
	// A key id of another account (another generator's) is rejected
	// without the scratch (see Generator.try).
	sp.prefilter = func(ks *keySet, s string) bool { return len(s) != 20 || awsKeyIDAccount(ks, prefix, s) }
	sibling := AWSTemporaryKey
	if f == AWSTemporaryKey {
		sibling = AWSAccessKey
	}
	siblingCode := formatCode(sibling)
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		var v uint64
		for i := range 5 {
			v = v<<8 | uint64(rnd[i])
		}
		v &= 1<<awsFreeBits - 1
		id = ks.awsID(sc, sp.code, v)
		kid := appendAWSKeyID(sc.buf[:0], prefix, ks.site.awsAccount, v)
		// aws-access-token: entropy > 3 and an allowlist for ids ending in EXAMPLE.
		if shannon(string(kid)) <= 3 || !decodableInBase64(string(kid)) || bytes.Contains(kid, []byte("EXAMPLE")) ||
			avoided(string(kid), awsPrefixFixed) {
			return id, "", "", false
		}
		value = string(kid)
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		sec := appendAWSSecret(sc.buf[:0], ks, sc, &ct)
		if !awsSecretGate(string(sec)) {
			return id, "", "", false
		}
		return id, value, string(sec), true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		switch len(s) {
		case 20:
			if !awsKeyIDAccount(ks, prefix, s) || !base32.valid(s[13:]) {
				return id, 0, 0, false
			}
			v := (uint64(base32.idx[s[12]]) & 15) << 35
			for i := 13; i < 20; i++ {
				v |= uint64(base32.idx[s[i]]) << (5 * uint(19-i))
			}
			return ks.awsID(sc, sp.code, v), PartValue, 40, true
		case 40:
			// A secret access key: base64(ct ‖ 14 bytes derived from ct). The
			// derived bytes are the keyed filter (one AES block, 112 bits);
			// only a secret that passes has its tag checked. The secret does
			// not say whether its key id is AKIA or ASIA, so both tags are
			// tried here and sc.format reports the sibling's.
			// An all-hex string (a SHA-1 digest) never gets here: bare
			// (Recognize) and awsSecretShape (Scan) reject it first.
			w0, w1, d0, d1, ok := decodeBase64Std40(s)
			if !ok {
				return id, 0, 0, false
			}
			// The stream of domain 1 under the secret key (appendAWSSecret):
			// its first block is AES(ct with the domain in byte 3 and the
			// counter 1 in byte 15), whose first 14 bytes are the derived ones.
			o0, o1 := ks.firstBlock(ks.awsSecret, sc, w0^1<<32, w1^1)
			if o0 != d0 || o1>>16 != d1 {
				return id, 0, 0, false
			}
			var ct [16]byte
			binary.BigEndian.PutUint64(ct[:8], w0)
			binary.BigEndian.PutUint64(ct[8:], w1)
			if ks.open(sc, sp.code, &ct, &id) {
				return id, PartSecret, 64, true
			}
			if ks.open(sc, siblingCode, &ct, &id) {
				sc.format = sibling
				return id, PartSecret, 64, true
			}
		}
		return id, 0, 0, false
	}
	return sp
}

// awsKeyIDAccount reports whether the 20-character s is prefix followed by
// base32 characters whose first nine encode ks's AWS account (or the
// account earlier versions chose for the key): the public structure and
// the per-generator constant of a key id, no AES. The other seven
// characters (the free bits) are left to the caller.
func awsKeyIDAccount(ks *keySet, prefix, s string) bool {
	if len(s) != 20 || len(prefix) != 4 || binary.LittleEndian.Uint32([]byte(s[:4])) != binary.LittleEndian.Uint32([]byte(prefix)) {
		return false
	}
	t := s[4:13]
	dig := &base32.dig
	d0, d1, d2, d3, d4 := uint64(dig[t[0]]), uint64(dig[t[1]]), uint64(dig[t[2]]), uint64(dig[t[3]]), uint64(dig[t[4]])
	d5, d6, d7, d8 := uint64(dig[t[5]]), uint64(dig[t[6]]), uint64(dig[t[7]]), uint64(dig[t[8]])
	if (d0|d1|d2|d3|d4|d5|d6|d7|d8)&0x80 != 0 {
		return false
	}
	// Characters 4-11: account/2 + 2^39; the top bit of character 12: account&1.
	w := d0<<35 | d1<<30 | d2<<25 | d3<<20 | d4<<15 | d5<<10 | d6<<5 | d7
	acct := (w&(1<<39-1))<<1 | d8>>4
	return w>>39 == 1 && (acct == ks.site.awsAccount || acct == ks.site.awsLegacyAccount)
}

// AccountID returns the AWS account id this generator's AWS key ids encode.
func (g *Generator) AccountID() string {
	return strconv.FormatUint(g.keys[0].site.awsAccount+1e12, 10)[1:]
}
