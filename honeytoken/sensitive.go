package honeytoken

import (
	"fmt"
	"log/slog"
)

// The generator holds key material. These methods make every way of printing it
// (%v, %+v, %#v, %s, %q, %x, Println, slog) show a summary instead.

// String describes the generator without its keys. The fmt methods have
// value receivers so that printing a dereferenced Generator is safe too.
func (g Generator) String() string {
	return fmt.Sprintf("honeytoken.Generator{formats: %d, keys: %d current + %d retired, key: [REDACTED]}",
		len(g.order), 1, len(g.keys)-1)
}

// GoString is used by %#v.
func (g Generator) GoString() string { return g.String() }

// Format implements fmt.Formatter so that no verb or flag reaches the fields.
func (g Generator) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(g.String())) }

// LogValue implements slog.LogValuer.
func (g Generator) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("formats", len(g.order)), slog.Int("retired_keys", len(g.keys)-1),
		slog.String("key", "[REDACTED]"))
}

// String prints a placeholder: a keySet holds derived keys.
func (ks *keySet) String() string { return "[REDACTED]" }

// GoString prints a placeholder for %#v.
func (ks *keySet) GoString() string { return "[REDACTED]" }

// Format prints a placeholder for every verb.
func (ks *keySet) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte("[REDACTED]")) }

// LogValue logs a placeholder.
func (ks *keySet) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }
