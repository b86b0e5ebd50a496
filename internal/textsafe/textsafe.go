// Package textsafe holds decoykit's one rule for printing text that came from
// outside (a request, the Canary Console): which runes may never reach a log
// line, a terminal or a chat message as they are, and two ways to neutralise
// them. [Escape] keeps every byte recoverable (for logs and alerts);
// [Replace] keeps the text readable (for reports).
package textsafe

import (
	"strings"
	"unicode/utf8"
)

// DefaultMax is the length Escape caps a string at when given max <= 0.
const DefaultMax = 512

// Unsafe reports whether r can break, hide or reorder the text around it: C0
// and C1 controls and DEL (which also drive terminals), the line and paragraph
// separators U+2028 and U+2029, the bidirectional controls (U+061C, U+200E,
// U+200F, U+202A–U+202E, U+2066–U+2069), the zero-width characters
// U+200B–U+200D, the byte order mark U+FEFF, and U+FFFD, which is what invalid
// UTF-8 decodes to.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r < 0x061c:
		return false
	}
	switch r {
	case 0x061c, 0x2028, 0x2029, 0xfeff, utf8.RuneError:
		return true
	}
	return r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Escape returns s made safe for a log line or a chat message: ASCII controls
// and DEL and every byte of invalid UTF-8 are written as \xNN, the other
// [Unsafe] runes as \uNNNN, and a backslash is doubled, so the original bytes
// can be read back. The result is cut to max bytes (at a rune boundary, never
// inside an escape) with "…" appended when it was longer. max <= 0 means
// [DefaultMax].
func Escape(s string, max int) string {
	if max <= 0 {
		max = DefaultMax
	}
	if len(s) <= max && !needsEscape(s) {
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
		case Unsafe(r):
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

// needsEscape reports whether Escape would change s (its length aside),
// without decoding ASCII.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			return true
		}
		if c >= utf8.RuneSelf {
			return strings.ContainsRune(s[i:], '\\') || strings.IndexFunc(s[i:], Unsafe) >= 0
		}
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// Replace returns s made safe to print in a report: CR, LF, TAB and the line
// and paragraph separators become spaces, every other [Unsafe] rune (and each
// invalid UTF-8 byte) becomes '?'. Unlike [Escape] it does not cap the length
// and does not keep the original bytes recoverable.
func Replace(s string) string {
	if strings.IndexFunc(s, Unsafe) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == 0x2028 || r == 0x2029:
			return ' '
		case Unsafe(r):
			return '?'
		}
		return r
	}, s)
}
