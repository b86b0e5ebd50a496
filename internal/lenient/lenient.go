// Package lenient decodes the JSON scalars that the Canary Console sends with
// drifting types: booleans as "True"/"false"/1, numbers as "80" or 80, epoch
// times as "1586249623" or "1586249510.069870" or 1586249623, and null for
// anything. Each type decodes leniently and never panics; a value that cannot
// be read as its type is an error naming what was seen.
package lenient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// unquote returns the text of a JSON scalar: the contents of a string (with
// escapes resolved) or the literal itself. null gives ok=false.
func unquote(b []byte) (s string, wasString bool, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", false, false, nil
	}
	if b[0] == '"' {
		if bytes.IndexByte(b[1:], '\\') < 0 && len(b) >= 2 && b[len(b)-1] == '"' {
			return string(b[1 : len(b)-1]), true, true, nil
		}
		if err := json.Unmarshal(b, &s); err != nil {
			return "", true, false, err
		}
		return s, true, true, nil
	}
	if b[0] == '{' || b[0] == '[' {
		return "", false, false, fmt.Errorf("lenient: want a scalar, got %s", kindOf(b[0]))
	}
	return string(b), false, true, nil
}

func kindOf(c byte) string {
	if c == '{' {
		return "an object"
	}
	return "an array"
}

// ParseBool reads "True", "true", "1", "yes", "on" (and their opposites) and
// JSON true/false. Case is ignored.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "y", "on", "t":
		return true, nil
	case "false", "0", "no", "n", "off", "f", "":
		return false, nil
	}
	return false, fmt.Errorf("lenient: %q is not a boolean", clip(s))
}

// ParseInt reads an integer from a decimal string; "12.0" is accepted, "12.5"
// is not.
func ParseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<62 {
		return 0, fmt.Errorf("lenient: %q is not an integer", clip(s))
	}
	return int64(f), nil
}

// ParseEpoch reads Unix seconds with an optional fraction ("1586249510.069870")
// into a UTC time. Values above 1e11 are taken as milliseconds, as the
// Console's search results send them. Empty or zero gives the zero time.
func ParseEpoch(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return time.Time{}, nil
	}
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n < 0 {
		if t, ok := parseLayouts(s); ok {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("lenient: %q is not an epoch time", clip(s))
	}
	var nanos int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		f, err := strconv.ParseUint(frac, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("lenient: %q is not an epoch time", clip(s))
		}
		nanos = int64(f) * int64(math.Pow10(9-len(frac)))
	}
	if n > 1e11 { // milliseconds
		return time.UnixMilli(n).Add(time.Duration(nanos / 1000)).UTC(), nil
	}
	return time.Unix(n, nanos).UTC(), nil
}

// layouts the Console uses for human-readable times.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 (MST)",
	// The Console's *_std fields: "2020-04-26 20:34:02 UTC+0000", and with
	// tz=Asia/Tokyo "... UTC+0900". Go's MST element would swallow
	// "UTC+0900" as a zone name and drop the offset, so the literal UTC
	// comes first.
	"2006-01-02 15:04:05 UTC-0700",
	"2006-01-02 15:04:05 MST-0700",
	"Mon, 02 Jan 2006 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02-15:04:05",
}

func parseLayouts(s string) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Bool is a bool that decodes from true/false, "True"/"False", 1/0 and null.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *Bool) UnmarshalJSON(data []byte) error {
	s, _, ok, err := unquote(data)
	if err != nil || !ok {
		*b = false
		return err
	}
	v, err := ParseBool(s)
	*b = Bool(v)
	return err
}

// Int is an int64 that decodes from 80, "80", "80.0" and null (as 0).
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(data []byte) error {
	s, _, ok, err := unquote(data)
	if err != nil || !ok {
		*n = 0
		return err
	}
	v, err := ParseInt(s)
	*n = Int(v)
	return err
}

// Time is a time that decodes from epoch seconds (string or number, with an
// optional fraction), epoch milliseconds, the Console's printable layouts and
// null (as the zero time).
type Time time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(data []byte) error {
	s, _, ok, err := unquote(data)
	if err != nil || !ok {
		*t = Time{}
		return err
	}
	v, err := ParseEpoch(s)
	*t = Time(v)
	return err
}

// String is a string that also accepts a JSON number or boolean (kept as its
// literal text) and null (as "").
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(data []byte) error {
	v, _, _, err := unquote(data)
	*s = String(v)
	return err
}
