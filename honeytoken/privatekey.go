package honeytoken

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// A private key decoy is what ssh-keygen writes to ~/.ssh/id_ed25519 (its default
// key type since OpenSSH 9.5): an "OPENSSH PRIVATE KEY" block holding the
// openssh-key-v1 structure (OpenSSH PROTOCOL.key), unencrypted, with one Ed25519
// key whose 32-byte seed is the carried ciphertext followed by 16 derived bytes.
// It parses with golang.org/x/crypto/ssh and ssh-keygen, and scanners that check
// a key by parsing it (TruffleHog v3) report it, which they do not do for a
// PKCS #8 Ed25519 key. The check integers are derived from the ciphertext, the
// comment is a per-generator user@host, and the base64 is wrapped at 70
// characters, as ssh-keygen writes it.
//
// Keys issued before this layout (PKCS #8 Ed25519, "PRIVATE KEY") are still
// recognised.

const (
	sshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----"
	sshEnd   = "-----END OPENSSH PRIVATE KEY-----"
	// The same lines in a form-encoded body, where a space is written '+'.
	sshBeginForm = "-----BEGIN+OPENSSH+PRIVATE+KEY-----"
	sshEndForm   = "-----END+OPENSSH+PRIVATE+KEY-----"

	pemBegin     = "-----BEGIN PRIVATE KEY-----"
	pemEnd       = "-----END PRIVATE KEY-----"
	pemBeginForm = "-----BEGIN+PRIVATE+KEY-----"
	pemEndForm   = "-----END+PRIVATE+KEY-----"

	sshMagic   = "openssh-key-v1\x00"
	sshKeyType = "ssh-ed25519"
	// sshSeedAt is the offset of the seed in the blob: magic, "none", "none", "",
	// the key count, the public key blob, the private section's length, the two
	// check integers, the key type and the public key.
	sshSeedAt = len(sshMagic) + 8 + 8 + 4 + 4 + (4 + 4 + len(sshKeyType) + 4 + 32) + 4 + 8 + (4 + len(sshKeyType)) + (4 + 32) + 4
	// sshCheckAt is the offset of the private section's check integers.
	sshCheckAt = sshSeedAt - 4 - (4 + 32) - (4 + len(sshKeyType)) - 8
	// sshMaxBody bounds the base64 body Recognize decodes (a comment of up to 64 bytes).
	sshMaxBody = 512
)

func appendU32(dst []byte, v int) []byte { return binary.BigEndian.AppendUint32(dst, uint32(v)) }

func appendSSHString(dst []byte, s []byte) []byte { return append(appendU32(dst, len(s)), s...) }

// appendOpenSSH appends the openssh-key-v1 blob of the key carried by ct.
func appendOpenSSH(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	var seed [32]byte
	copy(seed[:], ct[:])
	s := newStream(ks, sc, ct, 3)
	for i := 16; i < 32; i++ {
		seed[i] = s.next()
	}
	var check [4]byte
	for i := range check {
		check[i] = s.next()
	}
	priv := ed25519.NewKeyFromSeed(seed[:])
	pub := priv[32:]
	comment := ks.site.sshComment

	dst = append(dst, sshMagic...)
	dst = appendSSHString(dst, []byte("none"))
	dst = appendSSHString(dst, []byte("none"))
	dst = appendU32(dst, 0)
	dst = appendU32(dst, 1)
	dst = appendU32(dst, 4+len(sshKeyType)+4+32)
	dst = appendSSHString(dst, []byte(sshKeyType))
	dst = appendSSHString(dst, pub)
	n := 8 + 4 + len(sshKeyType) + 4 + 32 + 4 + 64 + 4 + len(comment)
	pad := (8 - n%8) % 8
	dst = appendU32(dst, n+pad)
	dst = append(dst, check[:]...)
	dst = append(dst, check[:]...)
	dst = appendSSHString(dst, []byte(sshKeyType))
	dst = appendSSHString(dst, pub)
	dst = appendSSHString(dst, priv)
	dst = appendSSHString(dst, []byte(comment))
	for i := 1; i <= pad; i++ {
		dst = append(dst, byte(i))
	}
	return dst
}

// appendWrapped appends the base64 of blob in lines of 70 characters.
func appendWrapped(dst, blob []byte) []byte {
	n := base64.StdEncoding.EncodedLen(len(blob))
	at := len(dst)
	dst = append(dst, make([]byte, n)...)
	base64.StdEncoding.Encode(dst[at:], blob)
	out := dst[:at]
	enc := dst[at:]
	var lines []byte
	for i := 0; i < len(enc); i += 70 {
		lines = append(lines, enc[i:min(i+70, len(enc))]...)
		lines = append(lines, '\n')
	}
	return append(out, lines...)
}

// sshFixed is, per comment length, which characters of the value are the same in
// every key of a generator (BEGIN/END lines, the structure, the key type): real
// keys share them, so they are exempt from the avoidance check.
func sshFixed(ks *keySet) []bool {
	render := func(fill byte) []byte {
		var ct [16]byte
		blob := appendOpenSSH(nil, ks, &scratch{}, &ct)
		// Overwrite every byte that varies between keys: the public key (twice),
		// the check integers and the private key.
		pubAt := len(sshMagic) + 8 + 8 + 4 + 4 + 4 + 4 + len(sshKeyType) + 4
		for i := range 32 {
			blob[pubAt+i] = fill
			blob[sshSeedAt-4-32+i] = fill
		}
		for i := range 8 {
			blob[sshCheckAt+i] = fill
		}
		for i := range 64 {
			blob[sshSeedAt+i] = fill
		}
		return append(appendWrapped([]byte(sshBegin+"\n"), blob), sshEnd+"\n"...)
	}
	v := render(0)
	return fixedMask(len(v), render)
}

// sshBlobLen is the length of the openssh-key-v1 blob for a comment of n bytes.
func sshBlobLen(n int) int {
	priv := 8 + 4 + len(sshKeyType) + 4 + 32 + 4 + 64 + 4 + n
	return sshCheckAt + priv + (8-priv%8)%8
}

func privateKeySpec() *spec {
	sp := &spec{format: PrivateKey, code: formatCode(PrivateKey),
		prefixes: []string{sshBegin, sshBeginForm, pemBegin, pemBeginForm}}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		blob := appendOpenSSH(sc.aux[:0], ks, sc, &ct)
		v := appendWrapped(append(sc.buf[:0], sshBegin+"\n"...), blob)
		v = append(v, sshEnd+"\n"...)
		if avoided(string(v), ks.site.sshFixed) {
			return id, "", "", false
		}
		return id, string(v), "", true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		// s starts with one of the prefixes: "-----BEGIN O" or "-----BEGIN+O"
		// is an OpenSSH key, which the PKCS #8 lines cannot match.
		if len(s) < 12 || s[11] != 'O' {
			if n, ok := pemBody(s, pemBegin, pemEnd, pemBeginForm, pemEndForm, sc.aux[512:]); ok {
				return recognizePKCS8(ks, sc, sp.code, n)
			}
		}
		comment := ks.site.sshComment
		size := sshBlobLen(len(comment))
		// A key of another length (another generator's comment, an RSA key) is
		// rejected before its body is copied, when the body's length can be
		// told by counting line breaks (see pemBodyLen).
		body, ok := pemSplit(s, sshBegin, sshEnd, sshBeginForm, sshEndForm)
		if !ok {
			return id, 0, 0, false
		}
		e := base64.StdEncoding.EncodedLen(size)
		// A body wrapped exactly as ssh-keygen wraps it (the usual case, a
		// key of another generator whose comment has this one's length
		// included) has its keyed filter run on the seed's characters where
		// they are, before any other pass over the body. Rejecting here
		// rejects nothing the full path below would accept: if the body is
		// clean base64 the characters are the same; if not, the full path
		// strips a character (and the length is wrong) or fails to decode.
		if wrappedLikeSSHKeygen(body, e) && sshSeedRejects(ks, sc, body) {
			return id, 0, 0, false
		}
		// copyBody keeps at most the characters that are not '\n': fewer
		// than e (a key with a shorter comment) is rejected after one pass.
		nl := strings.Count(body, "\n")
		if len(body)-nl < e {
			return id, 0, 0, false
		}
		m, known, lf := pemBodyLenNL(body, nl)
		if known && m != e {
			return id, 0, 0, false
		}
		n, ok := copyBody(body, sc.aux[512:], lf)
		// A key of ours has exactly this generator's blob length; any other
		// length is not ours.
		if !ok || n != base64.StdEncoding.EncodedLen(size) {
			return id, 0, 0, false
		}
		// The seed's second half and the check integers, derived from ct (two
		// AES blocks), are the keyed filter: only the base64 quads that hold
		// them are decoded before it (the blob's layout is fixed), the rest
		// only for a key that passes it.
		blob := sc.aux[:size]
		src := sc.aux[512 : 512+n]
		ct, st, ok := sshSeedFilter(ks, sc, blob, src)
		if !ok {
			return id, 0, 0, false
		}
		if !decodeStdSpan(blob, src, sshCheckAt, sshCheckAt+8) {
			return id, 0, 0, false
		}
		for i := range 4 {
			if c := st.next(); c != blob[sshCheckAt+i] || c != blob[sshCheckAt+4+i] {
				return id, 0, 0, false
			}
		}
		if m, err := base64.StdEncoding.Strict().Decode(blob, src); err != nil || m != size {
			return id, 0, 0, false
		}
		at := sshSeedAt + 64
		if binary.BigEndian.Uint32(blob[at:]) != uint32(len(comment)) || string(blob[at+4:at+4+len(comment)]) != comment {
			return id, 0, 0, false
		}
		if !ks.open(sc, sp.code, &ct, &id) {
			return id, 0, 0, false
		}
		// Ours: the rest (structure, public key, padding) must be exactly as
		// rendered.
		if !bytes.Equal(appendOpenSSH(sc.buf[:0], ks, sc, &ct), blob) {
			return id, 0, 0, false
		}
		return id, PartValue, 64, true
	}
	return sp
}

// sshSeedFilter decodes the seed's quads of the base64 src into blob and
// reports whether the seed's second half is the one derived from its first,
// the ciphertext ct (one AES block): the keyed filter of an OpenSSH key. st is
// the stream, positioned at the check integers.
func sshSeedFilter(ks *keySet, sc *scratch, blob, src []byte) (ct [16]byte, st stream, ok bool) {
	if !decodeStdSpan(blob, src, sshSeedAt, sshSeedAt+32) {
		return ct, st, false
	}
	copy(ct[:], blob[sshSeedAt:sshSeedAt+16])
	st = newStream(ks, sc, &ct, 3)
	for i := sshSeedAt + 16; i < sshSeedAt+32; i++ {
		if st.next() != blob[i] {
			return ct, st, false
		}
	}
	return ct, st, true
}

// The quads of the base64 text that hold the seed's first 22 bytes (the
// ciphertext and 6 derived bytes): the blob's bytes from sshSeedQ*3 to
// sshSeedQ*3+24, characters sshSeedQ*4 to sshSeedQ*4+32, all on line
// sshSeedLine of a body ssh-keygen wrapped.
const (
	sshSeedQ    = sshSeedAt / 3
	sshSeedLine = sshSeedQ * 4 / sshLineLen
)

// sshSeedRejects reports whether a body that wrappedLikeSSHKeygen accepts
// fails the keyed filter of an OpenSSH key (see sshSeedFilter) on the
// seed's first 22 bytes, decoded in registers from the body as it is: the 6
// derived bytes that follow the ciphertext must be the first 6 of the
// stream (one AES block). It rejects nothing the full check accepts (see
// privateKeySpec); false means the full check decides.
func sshSeedRejects(ks *keySet, sc *scratch, body string) bool {
	if (sshSeedQ*4+31)/sshLineLen != sshSeedLine || sshSeedAt%3 != 2 {
		return false // another layout: the full check decides
	}
	at := 1 + sshSeedQ*4 + sshSeedLine // the body starts with "\n"; each line ends with one
	if len(body) < at+32 {
		return false
	}
	t := body[at : at+32]
	dig := &base64Std.dig
	v0, b0 := quad64(dig, t[0:4]) // bytes sshSeedAt-2 .. sshSeedAt
	v1, b1 := quad64(dig, t[4:8])
	v2, b2 := quad64(dig, t[8:12])
	v3, b3 := quad64(dig, t[12:16])
	v4, b4 := quad64(dig, t[16:20])
	v5, b5 := quad64(dig, t[20:24]) // .. sshSeedAt+15
	v6, b6 := quad64(dig, t[24:28])
	v7, b7 := quad64(dig, t[28:32]) // .. sshSeedAt+21
	if (b0|b1|b2|b3|b4|b5|b6|b7)&0x80 != 0 {
		return true // the strict decoding fails
	}
	w0 := (v0&0xff)<<56 | v1<<32 | v2<<8 | v3>>16
	w1 := (v3&0xffff)<<48 | v4<<24 | v5
	// The stream of domain 3 (appendOpenSSH): its first block is AES(ct
	// with the domain in byte 3 and the counter 1 in byte 15); its first 6
	// bytes are the seed's bytes 16-21.
	o0, _ := ks.firstBlock(ks.fill, sc, w0^3<<32, w1^1)
	return o0>>16 != v6<<24|v7
}

// sshLineLen is the width of ssh-keygen's base64 lines (appendWrapped).
const sshLineLen = 70

// wrappedLikeSSHKeygen reports whether body (pemSplit's) is "\n" and e base64
// characters in lines of sshLineLen, each line followed by "\n" (the last may
// be shorter): the characters other than those line breaks are then copyBody's
// output, if they are all base64, at the places sshSeedRejects reads.
func wrappedLikeSSHKeygen(body string, e int) bool {
	lines := (e + sshLineLen - 1) / sshLineLen
	if len(body) != 1+e+lines || body[0] != '\n' || body[len(body)-1] != '\n' {
		return false
	}
	for i := sshLineLen + 1; i < len(body)-1; i += sshLineLen + 1 {
		if body[i] != '\n' {
			return false
		}
	}
	return true
}

// A PKCS #8 Ed25519 private key (the layout before OpenSSH keys) is a fixed
// 16-byte DER header followed by the 32-byte seed, ct ‖ 16 derived bytes.
var ed25519PKCS8Header = [16]byte{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20}

// recognizePKCS8 checks the n-character PEM body in sc.aux[512:] as a legacy key.
func recognizePKCS8(ks *keySet, sc *scratch, code uint32, n int) (id [8]byte, part Part, strength int, ok bool) {
	// A key of ours is 48 DER bytes, exactly 64 base64 characters. Any other
	// length is not ours.
	if n != base64.StdEncoding.EncodedLen(48) {
		return id, 0, 0, false
	}
	der := sc.aux[:48]
	m, err := base64.StdEncoding.Strict().Decode(der, sc.aux[512:512+n])
	if err != nil || m != 48 || [16]byte(der[:16]) != ed25519PKCS8Header {
		return id, 0, 0, false
	}
	// The seed's second half is derived from ct (one AES block): the keyed
	// filter, checked before the tag.
	var ct [16]byte
	copy(ct[:], der[16:32])
	st := newStream(ks, sc, &ct, 3)
	for i := 32; i < 48; i++ {
		if st.next() != der[i] {
			return id, 0, 0, false
		}
	}
	if !ks.open(sc, code, &ct, &id) {
		return id, 0, 0, false
	}
	return id, PartValue, 64, true
}

// pemSplit returns the text between the begin and end lines (or their
// form-encoded forms) of s, or false when s is not such a PEM block.
func pemSplit(s, begin, end, beginForm, endForm string) (string, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, begin) && strings.HasSuffix(s, end) && len(s) >= len(begin)+len(end):
		return s[len(begin) : len(s)-len(end)], true
	case strings.HasPrefix(s, beginForm) && strings.HasSuffix(s, endForm) && len(s) >= len(beginForm)+len(endForm):
		return s[len(beginForm) : len(s)-len(endForm)], true
	}
	return "", false
}

// pemBodyLen returns the length copyBody would return for body, found with
// vectorised counts instead of a copy, and true; or false when body holds
// blanks or escaped line breaks (copyBody then decides). lf reports that its
// only line breaks are '\n' (copyBody copies it line by line).
func pemBodyLen(body string) (n int, known, lf bool) {
	return pemBodyLenNL(body, strings.Count(body, "\n"))
}

// pemBodyLenNL is pemBodyLen given the number of '\n' in body.
func pemBodyLenNL(body string, nl int) (n int, known, lf bool) {
	if strings.IndexByte(body, '\\') >= 0 || strings.IndexByte(body, ' ') >= 0 || strings.IndexByte(body, '\t') >= 0 {
		return 0, false, false
	}
	cr := strings.Count(body, "\r")
	return len(body) - nl - cr, true, cr == 0
}

// pemBody writes the base64 text between the begin and end lines (or their
// form-encoded forms) into dst (which must hold sshMaxBody bytes) and returns
// its length (see copyBody).
func pemBody(s, begin, end, beginForm, endForm string, dst []byte) (int, bool) {
	body, ok := pemSplit(s, begin, end, beginForm, endForm)
	if !ok {
		return 0, false
	}
	_, _, lf := pemBodyLen(body)
	return copyBody(body, dst, lf)
}

// copyBody writes body into dst (which must hold sshMaxBody bytes) without
// its line breaks (real, CRLF, or written as the two characters \n inside a
// quoted .env or JSON value) and blanks, and returns its length. With lf
// (pemBodyLen: its only line breaks are '\n') it copies line by line.
func copyBody(body string, dst []byte, lf bool) (int, bool) {
	if len(dst) < sshMaxBody {
		return 0, false
	}
	n := 0
	if lf {
		for len(body) > 0 {
			line := body
			if j := strings.IndexByte(body, '\n'); j >= 0 {
				line, body = body[:j], body[j+1:]
			} else {
				body = ""
			}
			if n+len(line) > sshMaxBody {
				return 0, false // longer than any key of ours
			}
			n += copy(dst[n:], line)
		}
		return n, true
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && (body[i+1] == 'n' || body[i+1] == 'r'):
			i++
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
		default:
			if n == sshMaxBody {
				return 0, false // longer than any key of ours
			}
			dst[n] = c
			n++
		}
	}
	return n, true
}

// decodeStdSpan decodes from standard base64 src the quads that hold bytes
// [from, to) of the decoded text into the same places of dst, and reports
// false if one of their characters is not in the alphabet (padding included:
// it can only end src, and callers ask for spans far from the end).
func decodeStdSpan(dst, src []byte, from, to int) bool {
	q1 := (to + 2) / 3
	if from < 0 || from >= to || 4*q1 > len(src) || 3*q1 > len(dst) {
		return false
	}
	var bad uint32
	dig := &base64Std.dig
	q0 := from / 3
	src, dst = src[4*q0:4*q1], dst[3*q0:3*q1]
	for len(src) >= 4 && len(dst) >= 3 {
		d3, d2, d1, d0 := uint32(dig[src[3]]), uint32(dig[src[2]]), uint32(dig[src[1]]), uint32(dig[src[0]])
		bad |= d0 | d1 | d2 | d3
		v := d0<<18 | d1<<12 | d2<<6 | d3
		dst[2], dst[1], dst[0] = byte(v), byte(v>>8), byte(v>>16)
		src, dst = src[4:], dst[3:]
	}
	return bad&0x80 == 0
}
