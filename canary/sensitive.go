package canary

import (
	"fmt"
	"log/slog"
)

// Sensitive holds a secret the Console returns, such as the secret half of
// an aws-id token or a factory auth string. It prints as [REDACTED] through
// fmt (every verb) and slog; Reveal returns the value. JSON encoding keeps the
// real value, so a token saved with encoding/json can be deployed later.
type Sensitive string

const redacted = "[REDACTED]"

// Reveal returns the secret.
func (s Sensitive) Reveal() string { return string(s) }

// String returns [REDACTED] (or "" for an empty secret).
func (s Sensitive) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a redacted Go-syntax form.
func (s Sensitive) GoString() string { return `canary.Sensitive("` + s.String() + `")` }

// Format implements fmt.Formatter so that no verb prints the secret.
func (s Sensitive) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue implements slog.LogValuer.
func (s Sensitive) LogValue() slog.Value { return slog.StringValue(s.String()) }
