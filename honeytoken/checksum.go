package honeytoken

import (
	"hash/crc32"
)

// GitHubChecksum returns the 6-character checksum GitHub (and npm) append to a
// token: CRC-32 (IEEE) of the 30 characters after the prefix, written big-endian in
// base62 with the alphabet 0-9A-Za-z and left-padded with '0'.
func GitHubChecksum(entropy string) string {
	var b [6]byte
	appendCRC62(b[:0], []byte(entropy))
	return string(b[:])
}

// appendCRC62 appends the checksum of body; body may alias dst.
func appendCRC62(dst []byte, body []byte) []byte {
	c := crc32.ChecksumIEEE(body)
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = Base62[c%62]
		c /= 62
	}
	return append(dst, b[:]...)
}

// appendCRC36 appends CRC-32 (IEEE) of token in base36 (0-9a-z), left-padded with
// '0' to 7 characters, as GitLab's routable tokens do.
func appendCRC36(dst []byte, token []byte) []byte {
	c := crc32.ChecksumIEEE(token)
	var b [7]byte
	for i := 6; i >= 0; i-- {
		b[i] = Base36Lower[c%36]
		c /= 36
	}
	return append(dst, b[:]...)
}

// ValidChecksum reports whether a GitHub (ghp_, gho_, ghu_, ghs_, ghr_) or npm
// (npm_) token, or a GitLab routable token, carries a valid public checksum. It
// returns false for any other string.
func ValidChecksum(token string) bool {
	switch {
	case len(token) == 40 && (hasAnyPrefix(token, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_")):
		var b [6]byte
		return string(appendCRC62(b[:0], []byte(token[4:34]))) == token[34:]
	case len(token) > 15 && token[:6] == "glpat-":
		var b [7]byte
		return string(appendCRC36(b[:0], []byte(token[:len(token)-7]))) == token[len(token)-7:]
	}
	return false
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}
