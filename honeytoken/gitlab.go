package honeytoken

import (
	"encoding/base64"
)

// GitLab routable tokens (gitlab-org/gitlab MR !169322,
// lib/authn/token_field/generator/routable_token.rb):
// glpat- + base64url(16 random bytes ‖ payload ‖ len(payload)) + "." +
// base36(len(base64 part)) padded to 2 + base36(CRC32(everything before)) padded to 7.
// The 16 random bytes carry the ciphertext; the payload is the routing data
// "c:<cell>\no:<organisation>\nu:<user>" (integers in base36).

const (
	gitlabPrefix     = "glpat-"
	gitlabPayloadLen = 21 // "c:1\no:" + 6 + "\nu:" + 6
	gitlabRawLen     = 16 + gitlabPayloadLen + 1
	gitlabB64Len     = (gitlabRawLen*8 + 5) / 6
	gitlabLen        = len(gitlabPrefix) + gitlabB64Len + 1 + 2 + 7
)

func appendGitLab(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	var raw [gitlabRawLen]byte
	copy(raw[:], ct[:])
	p := raw[16:16]
	p = append(p, "c:1\no:"...)
	p = append(p, ks.site.gitlabOrg...)
	p = append(p, "\nu:"...)
	s := newStream(ks, sc, ct, 2)
	p = s.appendChars(p, &base36Lower, 6)
	raw[16+len(p)] = byte(len(p))
	start := len(dst)
	dst = append(dst, gitlabPrefix...)
	n := len(dst)
	dst = append(dst, make([]byte, gitlabB64Len)...)
	base64.RawURLEncoding.Encode(dst[n:], raw[:])
	dst = append(dst, '.', Base36Lower[gitlabB64Len/36], Base36Lower[gitlabB64Len%36])
	return appendCRC36(dst, dst[start:])
}

func gitlabSpec() *spec {
	sp := &spec{format: GitLabPAT, code: formatCode(GitLabPAT), prefixes: []string{gitlabPrefix}, maxLen: gitlabLen}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		v := appendGitLab(sc.buf[:0], ks, sc, &ct)
		// gitlab-pat-routable needs entropy > 4 over the token, gitlab-pat > 3 over its first 26.
		if shannon(string(v)) <= 4 || shannon(string(v[:26])) <= 3 ||
			hasStopWord(string(v[6:27])) || !decodableInBase64(string(v)) {
			return id, "", "", false
		}
		return id, string(v), "", true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		if len(s) != gitlabLen || s[:len(gitlabPrefix)] != gitlabPrefix {
			return id, 0, 0, false
		}
		// The first 24 characters are the 18 leading bytes: ct, then "c:".
		// The routing payload's organisation, a per-generator constant, follows
		// in the next 8 characters ("1\no:" and the org's first characters of
		// 6 bytes): comparing them rejects another generator's token without
		// any AES; the full rendering is compared only after the tag.
		src := sc.aux[512 : 512+32]
		copy(src, s[len(gitlabPrefix):])
		raw := sc.aux[:24]
		if n, err := base64.RawURLEncoding.Decode(raw, src); err != nil || n != 24 {
			return id, 0, 0, false
		}
		if string(raw[16:22]) != "c:1\no:" || string(raw[22:24]) != ks.site.gitlabOrg[:2] {
			return id, 0, 0, false
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
