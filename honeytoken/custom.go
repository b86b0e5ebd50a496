package honeytoken

import (
	"fmt"
	"math"
	"strings"
)

// CustomFormat describes a team's own key shape: Prefix followed by Length
// characters of Alphabet. The whole body carries the tag, so Length must be large
// enough for 128 bits (e.g. 22 base62 or 32 hex characters).
type CustomFormat struct {
	// Name identifies the format; it must not be a built-in format name.
	Name Format
	// Prefix is the literal start of every key, e.g. "acme_live_" (at least 2 characters).
	Prefix string
	// Length is the number of characters after the prefix.
	Length int
	// Alphabet lists the allowed characters (16 to 128 distinct printable ASCII
	// characters, no quote, backslash or space); see [Base62] and friends.
	Alphabet string
}

// WithCustomFormat registers a custom format with the generator.
func WithCustomFormat(cf CustomFormat) Option {
	return func(c *config) error {
		c.customs = append(c.customs, cf)
		return nil
	}
}

func (cf CustomFormat) spec() (*spec, error) {
	bad := func(p string, a ...any) error { return &FormatError{Format: cf.Name, Reason: fmt.Sprintf(p, a...)} }
	if cf.Name == "" {
		return nil, &ValidationError{Field: "CustomFormat.Name", Reason: "must not be empty"}
	}
	if len(cf.Prefix) < 2 {
		return nil, bad("Prefix %q is too short: use at least 2 characters so the format can be recognised", cf.Prefix)
	}
	for i := 0; i < len(cf.Prefix); i++ {
		if c := cf.Prefix[i]; c <= ' ' || c > '~' || strings.IndexByte("\"'`\\", c) >= 0 {
			return nil, bad("Prefix must be printable ASCII without spaces, quotes or backslashes")
		}
	}
	b := len(cf.Alphabet)
	if b < 16 || b > 128 {
		return nil, bad("Alphabet has %d characters; use 16 to 128 (e.g. honeytoken.Base62)", b)
	}
	seen := [256]bool{}
	for i := 0; i < b; i++ {
		c := cf.Alphabet[i]
		if c <= ' ' || c > '~' || strings.IndexByte("\"'`\\", c) >= 0 {
			return nil, bad("Alphabet must be printable ASCII without spaces, quotes or backslashes")
		}
		if seen[c] {
			return nil, bad("Alphabet repeats %q", c)
		}
		seen[c] = true
	}
	need := int(math.Ceil(128 / math.Log2(float64(b))))
	if cf.Length < need+2 || cf.Length > 512 {
		return nil, bad("Length %d is out of range: this alphabet needs %d to 512 characters to carry the 128-bit tag", cf.Length, need+2)
	}
	a := newAlphabet(cf.Alphabet)
	l := newLayout(entropyGeneric, 0, lit(cf.Prefix), carrier(&a, cf.Length))
	return l.spec(cf.Name), nil
}
