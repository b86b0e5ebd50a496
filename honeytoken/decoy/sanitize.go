package decoy

import (
	"unicode/utf8"

	"github.com/decoykit/decoykit/internal/textsafe"
)

// maxField is the longest request-derived string a Hit keeps (after escaping).
const maxField = textsafe.DefaultMax

// Sanitize returns s made safe for a log line or a chat message: control
// characters (including CR, LF, TAB, ESC and DEL), Unicode line and paragraph
// separators, bidirectional controls, zero-width characters and invalid UTF-8
// are written as \xNN or \uNNNN escapes, a backslash is doubled, and the
// result is cut to max bytes (at a rune boundary) with "…" appended when it
// was longer. max <= 0 means 512. Every string a Hit takes from a request has
// been through it; use it for anything else of the request a custom Recorder
// or Notifier prints.
func Sanitize(s string, max int) string { return textsafe.Escape(s, max) }

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
