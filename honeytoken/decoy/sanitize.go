package decoy

import (
	"strings"
	"unicode/utf8"
)

// maxField is the longest request-derived string a Hit keeps (after escaping).
const maxField = 512

// Sanitize returns s made safe for a log line or a chat message: control
// characters (including CR, LF, TAB, ESC and DEL), Unicode line and paragraph
// separators, bidirectional overrides and invalid UTF-8 are written as \xNN or
// \uNNNN escapes, a backslash is doubled, and the result is cut to max bytes
// (at a rune boundary) with "…" appended when it was longer. max <= 0 means
// 512.
func Sanitize(s string, max int) string {
	if max <= 0 {
		max = maxField
	}
	if len(s) <= max && clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), max) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && n <= 1:
			piece = `\x` + hex2(s[i])
		case r == '\\':
			piece = `\\`
		case r < 0x20 || r == 0x7f:
			piece = `\x` + hex2(byte(r))
		case unsafeRune(r):
			piece = `\u` + hex2(byte(r>>8)) + hex2(byte(r))
		default:
			piece = s[i : i+n]
		}
		if b.Len()+len(piece) > max {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
		i += n
	}
	return b.String()
}

// clean reports whether s needs no escaping.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			if c >= 0x80 {
				return cleanUTF8(s[i:])
			}
			return false
		}
	}
	return true
}

func cleanUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || r < 0x20 || r == 0x7f || r == '\\' || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports runes that break or disguise a log line: C1 controls,
// line/paragraph separators, bidi controls, zero-width characters and the BOM.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f,
		r == 0x2028, r == 0x2029,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r >= 0x200b && r <= 0x200f,
		r == 0xfeff:
		return true
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// Mask hides a secret except for a short prefix: at most 8 bytes and never
// more than a quarter of it (so the issuer prefix of a key such as "ghp_" and
// a few characters stay readable), followed by "…". The prefix is sanitised.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	keep := min(8, len(secret)/4)
	for keep > 0 && !utf8.RuneStart(secret[keep]) {
		keep--
	}
	return Sanitize(secret[:keep], 0) + "…"
}

// redacted replaces a credential that is not a honeytoken.
const redacted = "[REDACTED]"
