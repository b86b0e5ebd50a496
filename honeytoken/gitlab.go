package honeytoken

import (
	"encoding/base64"
)

// GitLab routable tokens, as GitLab's own generator builds them
// (gitlab-org/gitlab lib/authn/token_field/generator/routable_token.rb,
// Authn::TokenField::Generator::RoutableToken; MR !169322):
//
//	glpat- + base64url_nopad(16 random bytes ‖ payload ‖ byte(len(payload)))
//	       + "." + base36(TOKEN_VERSION = 1) padded to 2 ("01")
//	       + "." + base36(len(base64 part)) padded to 2
//	       + base36(CRC-32 of everything before, prefix included) padded to 7
//
// The payload is the sorted routing data joined by "\n"; a personal access
// token routes by organisation and user ("o" is required), integers in base36.
// gitlab.com tokens carry "o:1" (the default organisation) and a user id of
// four or five base36 digits, so their base64 part is 36 to 38 characters. The
// decoy's 16 "random" bytes are the carried ciphertext and its user id (five
// base36 digits, a gitlab.com-sized id) is derived from it: 57 characters in all.

const (
	gitlabPrefix     = "glpat-"
	gitlabVersion    = ".01."
	gitlabPayload    = "o:1\nu:" // + 5 base36 digits of the user id
	gitlabPayloadLen = len(gitlabPayload) + 5
	gitlabRawLen     = 16 + gitlabPayloadLen + 1
	gitlabB64Len     = (gitlabRawLen*8 + 5) / 6
	gitlabLen        = len(gitlabPrefix) + gitlabB64Len + len(gitlabVersion) + 2 + 7
)

// gitlabUser is the user id's first base36 digit: 1-h, so the id lies between
// 36^4 (1.7 million) and about 38 million, the range of gitlab.com's user ids.
var gitlabUserLead = newAlphabet("123456789abcdefgh")

func appendGitLab(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	var raw [gitlabRawLen]byte
	copy(raw[:], ct[:])
	p := raw[16:16]
	p = append(p, gitlabPayload...)
	s := newStream(ks, sc, ct, 2)
	p = append(p, s.char(&gitlabUserLead))
	p = s.appendChars(p, &base36Lower, 4)
	raw[16+len(p)] = byte(len(p))
	start := len(dst)
	dst = append(dst, gitlabPrefix...)
	n := len(dst)
	dst = append(dst, make([]byte, gitlabB64Len)...)
	base64.RawURLEncoding.Encode(dst[n:], raw[:])
	dst = append(dst, gitlabVersion...)
	dst = append(dst, Base36Lower[gitlabB64Len/36], Base36Lower[gitlabB64Len%36])
	return appendCRC36(dst, dst[start:])
}

// gitlabFixed marks the characters of a GitLab token that are the same in every
// token (prefix, version, the base64 of "o:1\nu:"): real tokens share them, so
// they are exempt from the avoidance check.
var gitlabFixed = fixedMask(gitlabLen, func(fill byte) []byte {
	var raw [gitlabRawLen]byte
	for i := range raw {
		raw[i] = fill
	}
	copy(raw[16:], gitlabPayload)
	raw[gitlabRawLen-1] = byte(gitlabPayloadLen)
	b := []byte(gitlabPrefix + base64.RawURLEncoding.EncodeToString(raw[:]) + gitlabVersion)
	b = append(b, Base36Lower[gitlabB64Len/36], Base36Lower[gitlabB64Len%36])
	for range 7 {
		b = append(b, ^fill)
	}
	return b
})

func gitlabSpec() *spec {
	sp := &spec{format: GitLabPAT, code: formatCode(GitLabPAT), prefixes: []string{gitlabPrefix}, maxLen: gitlabLen,
		lens: []int{gitlabLen, gitlabLegacyLen}}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		v := appendGitLab(sc.buf[:0], ks, sc, &ct)
		// gitleaks' gitlab-pat matches the first 26 characters and needs entropy > 3
		// there; TruffleHog's gitlab v3 detector skips a token whose entropy is
		// below 3.6; the whole token must pass the avoidance check.
		if shannon(string(v[:26])) <= 3 || shannon(string(v)) < 3.6 || avoided(string(v), gitlabFixed) || !decodableInBase64(string(v)) {
			return id, "", "", false
		}
		return id, string(v), "", true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		if len(s) == gitlabLegacyLen && s[:len(gitlabPrefix)] == gitlabPrefix {
			return recognizeGitLabLegacy(ks, sc, sp.code, s)
		}
		if len(s) != gitlabLen || s[:len(gitlabPrefix)] != gitlabPrefix || gitlabFilterRejects(ks, sc, s[len(gitlabPrefix):]) {
			return id, 0, 0, false
		}
		// The base64 part decodes to ct, the routing payload "o:1\nu:" + the
		// user id, and the payload length (public structure, compared without
		// AES). The user id is derived from ct (one AES block): the keyed filter,
		// checked before the tag; the full rendering is compared only after it.
		src := sc.aux[512 : 512+gitlabB64Len]
		copy(src, s[len(gitlabPrefix):])
		raw := sc.aux[:gitlabRawLen]
		if n, err := base64.RawURLEncoding.Strict().Decode(raw, src); err != nil || n != gitlabRawLen {
			return id, 0, 0, false
		}
		if string(raw[16:16+len(gitlabPayload)]) != gitlabPayload || raw[gitlabRawLen-1] != byte(gitlabPayloadLen) {
			return id, 0, 0, false
		}
		st := newStream(ks, sc, (*[16]byte)(raw[:16]), 2)
		u := raw[16+len(gitlabPayload) : gitlabRawLen-1]
		if st.char(&gitlabUserLead) != u[0] {
			return id, 0, 0, false
		}
		for _, c := range u[1:] {
			if st.char(&base36Lower) != c {
				return id, 0, 0, false
			}
		}
		var ct [16]byte
		copy(ct[:], raw[:16])
		if !ks.open(sc, sp.code, &ct, &id) {
			return id, 0, 0, false
		}
		if !constEq(appendGitLab(sc.buf[:0], ks, sc, &ct), s) {
			return id, 0, 0, false
		}
		return id, PartValue, 64, true
	}
	return sp
}

// gitlabFilterRejects reports whether b64, the base64 part of a current
// GitLab token, fails the keyed filter below (gitlabSpec's recognize): it
// decodes the 38 characters into words in registers, checks the public
// structure (every character in the alphabet, the payload "o:1\nu:", its
// length byte, zero padding bits: what the strict decoding and the payload
// compare check) and compares the user id's first digits with the ones
// derived from the ciphertext (one AES block). It rejects nothing the full
// check accepts; false means that the full check decides (a string that
// passes, or the rare one whose derived digits need a second block).
func gitlabFilterRejects(ks *keySet, sc *scratch, b64 string) bool {
	b64 = b64[:gitlabB64Len]
	dig := &base64url.dig
	// vk holds bytes 3k, 3k+1 and 3k+2.
	v0, b0 := quad64(dig, b64[0:4])
	v1, b1 := quad64(dig, b64[4:8])
	v2, b2 := quad64(dig, b64[8:12])
	v3, b3 := quad64(dig, b64[12:16])
	v4, b4 := quad64(dig, b64[16:20])
	v5, b5 := quad64(dig, b64[20:24])
	v6, b6 := quad64(dig, b64[24:28])
	v7, b7 := quad64(dig, b64[28:32])
	v8, b8 := quad64(dig, b64[32:36])
	t0, t1 := uint64(dig[b64[36]]), uint64(dig[b64[37]])
	// Bytes 16-20 are "o:1\nu", byte 21 ':', byte 27 the payload length
	// (the last 12 bits: its 8 bits and 4 zero padding bits).
	const p0, p1 = uint64('o')<<8 | ':', uint64('1')<<16 | '\n'<<8 | 'u'
	if (b0|b1|b2|b3|b4|b5|b6|b7|b8|t0|t1)&0x80 != 0 || v5&0xffff != p0 || v6 != p1 || v7>>16 != ':' || t0<<6|t1 != uint64(gitlabPayloadLen)<<4 {
		return true
	}
	w0 := v0<<40 | v1<<16 | v2>>8
	w1 := v2<<56 | v3<<32 | v4<<8 | v5>>16
	user := [5]byte{byte(v7 >> 8), byte(v7), byte(v8 >> 16), byte(v8 >> 8), byte(v8)}
	// The stream of domain 2 (appendGitLab): its first block is AES(ct with
	// the domain in byte 3 and the counter 1 in byte 15).
	o0, o1 := ks.firstBlock(ks.fill, sc, w0^2<<32, w1^1)
	a := &gitlabUserLead
	k := 0
	for j := range 16 {
		c := a.draw[blockByte(o0, o1, j)]
		if c == 0 {
			continue // stream.char draws again
		}
		if c != user[k] {
			return true
		}
		if k++; k == len(user) {
			return false
		}
		a = &base36Lower
	}
	return false
}

// quad64 decodes four base64 characters (dig is the alphabet's table) into
// their 24 bits, and returns the OR of their entries (0x80 set when one is
// not in the alphabet).
func quad64(dig *[256]byte, q string) (v, bad uint64) {
	d, c, b, a := uint64(dig[q[3]]), uint64(dig[q[2]]), uint64(dig[q[1]]), uint64(dig[q[0]])
	return a<<18 | b<<12 | c<<6 | d, a | b | c | d
}

// Decoys minted before the versioned layout: glpat- + base64url(ct ‖
// "c:1\no:<org>\nu:<user>" ‖ byte(21)) + "." + base36(51) + CRC, 67 characters,
// the organisation a per-generator constant and the user six derived base36
// digits. Recognize still accepts them (a decoy endpoint sees the whole token);
// Scan looks for the current length only.
const (
	gitlabLegacyRawLen = 16 + 21 + 1
	gitlabLegacyB64Len = (gitlabLegacyRawLen*8 + 5) / 6
	gitlabLegacyLen    = len(gitlabPrefix) + gitlabLegacyB64Len + 1 + 2 + 7
)

// gitlabLegacyOrg is the organisation earlier versions derived for a key.
func gitlabLegacyOrg(master []byte) string {
	k := derive(master, "site/gitlab")
	return charsFrom(k[:], &base36Lower, 6)
}

func appendGitLabLegacy(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	var raw [gitlabLegacyRawLen]byte
	copy(raw[:], ct[:])
	p := raw[16:16]
	p = append(p, "c:1\no:"...)
	p = append(p, ks.gitlabLegacyOrg...)
	p = append(p, "\nu:"...)
	st := newStream(ks, sc, ct, 2)
	p = st.appendChars(p, &base36Lower, 6)
	raw[16+len(p)] = byte(len(p))
	start := len(dst)
	dst = append(dst, gitlabPrefix...)
	n := len(dst)
	dst = append(dst, make([]byte, gitlabLegacyB64Len)...)
	base64.RawURLEncoding.Encode(dst[n:], raw[:])
	dst = append(dst, '.', Base36Lower[gitlabLegacyB64Len/36], Base36Lower[gitlabLegacyB64Len%36])
	return appendCRC36(dst, dst[start:])
}

func recognizeGitLabLegacy(ks *keySet, sc *scratch, code uint32, s string) (id [8]byte, part Part, strength int, ok bool) {
	src := sc.aux[512 : 512+gitlabLegacyB64Len]
	copy(src, s[len(gitlabPrefix):])
	raw := sc.aux[:gitlabLegacyRawLen]
	if n, err := base64.RawURLEncoding.Strict().Decode(raw, src); err != nil || n != gitlabLegacyRawLen {
		return id, 0, 0, false
	}
	// The organisation is a per-generator constant (no AES); the derived user
	// id is the keyed filter, checked before the tag.
	if string(raw[16:22]) != "c:1\no:" || string(raw[22:28]) != ks.gitlabLegacyOrg {
		return id, 0, 0, false
	}
	st := newStream(ks, sc, (*[16]byte)(raw[:16]), 2)
	for _, c := range raw[31:37] {
		if st.char(&base36Lower) != c {
			return id, 0, 0, false
		}
	}
	var ct [16]byte
	copy(ct[:], raw[:16])
	if !ks.open(sc, code, &ct, &id) || !constEq(appendGitLabLegacy(sc.buf[:0], ks, sc, &ct), s) {
		return id, 0, 0, false
	}
	return id, PartValue, 64, true
}
