package lenient

import (
	"bytes"
	"encoding/json"
	"errors"
)

// SoftInt is an Int that never fails: a value that is not an integer (an
// object, "N/A", "12.5") decodes as 0 without an error. Use it for fields
// such as ports and counts in data the caller must not lose because one
// number drifted, like incident pages and webhook payloads; the original
// text stays reachable through the enclosing object's raw JSON.
type SoftInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *SoftInt) UnmarshalJSON(data []byte) error {
	var v Int
	if v.UnmarshalJSON(data) != nil {
		*n = 0
		return nil
	}
	*n = SoftInt(v)
	return nil
}

// Text is any JSON value as text: a string's contents, a number's or
// boolean's literal, "" for null, and an object's or array's compact JSON.
// It suits free-form values such as a webhook's AdditionalDetails, which
// mix strings and numbers.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(data []byte) error {
	d := bytes.TrimSpace(data)
	if len(d) > 0 && (d[0] == '{' || d[0] == '[') {
		var buf bytes.Buffer
		if err := json.Compact(&buf, d); err != nil {
			*t = ""
			return err
		}
		*t = Text(buf.String())
		return nil
	}
	s, _, _, err := unquote(d)
	*t = Text(s)
	return err
}

// ErrNotPair is returned by Pair for a value that is not a JSON array.
var ErrNotPair = errors.New("lenient: want a [name, value] array")

// Pair is a [name, value] array as the Console's webhooks send in
// AdditionalDetails. The value may be a string, a number, null or missing
// (a one-element array); extra elements are ignored. HasValue tells a
// missing value from an empty one.
type Pair struct {
	Name     string
	Value    string
	HasValue bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *Pair) UnmarshalJSON(data []byte) error {
	*p = Pair{}
	d := bytes.TrimSpace(data)
	if string(d) == "null" {
		return nil
	}
	if len(d) == 0 || d[0] != '[' {
		return ErrNotPair
	}
	var items []Text
	if err := json.Unmarshal(d, &items); err != nil {
		return err
	}
	if len(items) > 0 {
		p.Name = string(items[0])
	}
	if len(items) > 1 {
		p.Value, p.HasValue = string(items[1]), true
	}
	return nil
}
