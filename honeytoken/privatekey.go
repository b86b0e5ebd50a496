package honeytoken

import (
	"encoding/base64"
	"strings"
)

// A PKCS #8 Ed25519 private key is a fixed 16-byte DER header followed by the 32-byte
// seed; crypto/x509 parses any seed. The seed is ct ‖ 16 derived bytes.
var ed25519PKCS8Header = [16]byte{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20}

const (
	pemBegin = "-----BEGIN PRIVATE KEY-----"
	pemEnd   = "-----END PRIVATE KEY-----"
	// The same lines in a form-encoded body, where a space is written '+'.
	pemBeginForm = "-----BEGIN+PRIVATE+KEY-----"
	pemEndForm   = "-----END+PRIVATE+KEY-----"
)

func appendPKCS8(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	dst = append(dst, ed25519PKCS8Header[:]...)
	dst = append(dst, ct[:]...)
	s := newStream(ks, sc, ct, 3)
	for range 16 {
		dst = append(dst, s.next())
	}
	return dst
}

func privateKeySpec() *spec {
	sp := &spec{format: PrivateKey, code: formatCode(PrivateKey), prefixes: []string{pemBegin, pemBeginForm}}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		der := appendPKCS8(sc.aux[:0], ks, sc, &ct)
		var b strings.Builder
		b.Grow(len(pemBegin) + len(pemEnd) + 70)
		b.WriteString(pemBegin + "\n")
		b.WriteString(base64.StdEncoding.EncodeToString(der))
		b.WriteString("\n" + pemEnd + "\n")
		return id, b.String(), "", true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		n, ok := pemBody(s, sc.aux[512:])
		// A key of ours is 48 DER bytes, exactly 64 base64 characters. Any other
		// length is not ours.
		if !ok || n != base64.StdEncoding.EncodedLen(48) {
			return id, 0, 0, false
		}
		der := sc.aux[:48]
		m, err := base64.StdEncoding.Decode(der, sc.aux[512:512+n])
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
		if !ks.open(sc, sp.code, &ct, &id) {
			return id, 0, 0, false
		}
		return id, PartValue, 64, true
	}
	return sp
}

// pemBody writes the base64 text between the BEGIN and END lines into dst
// (which must hold 256 bytes) and returns its length. Line breaks (real, CRLF,
// or written as the two characters \n inside a quoted .env or JSON value) and
// blanks are removed.
func pemBody(s string, dst []byte) (int, bool) {
	s = strings.TrimSpace(s)
	var body string
	switch {
	case len(s) < len(pemBegin)+len(pemEnd):
		return 0, false
	case strings.HasPrefix(s, pemBegin) && strings.HasSuffix(s, pemEnd):
		body = s[len(pemBegin) : len(s)-len(pemEnd)]
	case strings.HasPrefix(s, pemBeginForm) && strings.HasSuffix(s, pemEndForm):
		body = s[len(pemBeginForm) : len(s)-len(pemEndForm)]
	default:
		return 0, false
	}
	if len(body) > 256 || len(dst) < 256 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && (body[i+1] == 'n' || body[i+1] == 'r'):
			i++
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
		default:
			dst[n] = c
			n++
		}
	}
	return n, true
}
