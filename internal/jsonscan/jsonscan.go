// Package jsonscan finds a top-level member of a JSON object without decoding
// the rest of it. The pagers use it to read a page's next cursor (and the
// Console's "result") before the page is decoded, so the next request can be
// in flight while the current page is decoded.
//
// The scanner skips values by structure only: it validates what it walks
// through (strings, nesting, literals) but does not build anything, and it
// stops as soon as the key is found.
package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrSyntax is returned for input that is not a JSON object.
var ErrSyntax = errors.New("jsonscan: not a JSON object")

// Lookup returns the raw value of the top-level member key of the object in
// data. found is false when the object has no such member.
func Lookup(data []byte, key string) (raw []byte, found bool, err error) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false, ErrSyntax
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, false, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false, fmt.Errorf("%w: want a member name at offset %d", ErrSyntax, i)
		}
		kStart := i
		kEnd, escaped, err := skipString(data, i)
		if err != nil {
			return nil, false, err
		}
		match := false
		if !escaped {
			match = string(data[kStart+1:kEnd-1]) == key
		} else {
			var k string
			if json.Unmarshal(data[kStart:kEnd], &k) == nil {
				match = k == key
			}
		}
		i = skipWS(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return nil, false, fmt.Errorf("%w: want ':' at offset %d", ErrSyntax, i)
		}
		i = skipWS(data, i+1)
		vStart := i
		vEnd, err := skipValue(data, i, 0)
		if err != nil {
			return nil, false, err
		}
		if match {
			return data[vStart:vEnd], true, nil
		}
		i = skipWS(data, vEnd)
		if i >= len(data) {
			return nil, false, fmt.Errorf("%w: unexpected end", ErrSyntax)
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return nil, false, nil
		default:
			return nil, false, fmt.Errorf("%w: want ',' or '}' at offset %d", ErrSyntax, i)
		}
	}
}

// String returns the top-level member key as a string: "" with found=true
// for null, an error for a non-string value.
func String(data []byte, key string) (s string, found bool, err error) {
	raw, found, err := Lookup(data, key)
	if err != nil || !found {
		return "", found, err
	}
	if string(raw) == "null" {
		return "", true, nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return "", true, fmt.Errorf("jsonscan: %q is not a string", key)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", true, err
	}
	return s, true, nil
}

const maxDepth = 512

func skipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset after the string starting at d[i] == '"'.
func skipString(d []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return 0, false, fmt.Errorf("%w: unterminated string", ErrSyntax)
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					return 0, false, fmt.Errorf("%w: bad \\u escape", ErrSyntax)
				}
				i += 6
			default:
				return 0, false, fmt.Errorf("%w: bad escape", ErrSyntax)
			}
		case c < 0x20:
			return 0, false, fmt.Errorf("%w: control character in string", ErrSyntax)
		default:
			i++
		}
	}
	return 0, false, fmt.Errorf("%w: unterminated string", ErrSyntax)
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// skipValue returns the offset after the value starting at d[i].
func skipValue(d []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nested too deep", ErrSyntax)
	}
	if i >= len(d) {
		return 0, fmt.Errorf("%w: unexpected end", ErrSyntax)
	}
	switch c := d[i]; {
	case c == '"':
		end, _, err := skipString(d, i)
		return end, err
	case c == '{':
		i = skipWS(d, i+1)
		if i < len(d) && d[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(d) || d[i] != '"' {
				return 0, fmt.Errorf("%w: want a member name at offset %d", ErrSyntax, i)
			}
			end, _, err := skipString(d, i)
			if err != nil {
				return 0, err
			}
			i = skipWS(d, end)
			if i >= len(d) || d[i] != ':' {
				return 0, fmt.Errorf("%w: want ':' at offset %d", ErrSyntax, i)
			}
			if i, err = skipValue(d, skipWS(d, i+1), depth+1); err != nil {
				return 0, err
			}
			i = skipWS(d, i)
			if i >= len(d) {
				return 0, fmt.Errorf("%w: unexpected end", ErrSyntax)
			}
			if d[i] == '}' {
				return i + 1, nil
			}
			if d[i] != ',' {
				return 0, fmt.Errorf("%w: want ',' or '}' at offset %d", ErrSyntax, i)
			}
			i = skipWS(d, i+1)
		}
	case c == '[':
		i = skipWS(d, i+1)
		if i < len(d) && d[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = skipValue(d, i, depth+1); err != nil {
				return 0, err
			}
			i = skipWS(d, i)
			if i >= len(d) {
				return 0, fmt.Errorf("%w: unexpected end", ErrSyntax)
			}
			if d[i] == ']' {
				return i + 1, nil
			}
			if d[i] != ',' {
				return 0, fmt.Errorf("%w: want ',' or ']' at offset %d", ErrSyntax, i)
			}
			i = skipWS(d, i+1)
		}
	case c == 't':
		return literal(d, i, "true")
	case c == 'f':
		return literal(d, i, "false")
	case c == 'n':
		return literal(d, i, "null")
	case c == '-' || ('0' <= c && c <= '9'):
		j := i + 1
		for j < len(d) {
			switch ch := d[j]; {
			case '0' <= ch && ch <= '9', ch == '.', ch == 'e', ch == 'E', ch == '+', ch == '-':
				j++
				continue
			}
			break
		}
		if !json.Valid(d[i:j]) {
			return 0, fmt.Errorf("%w: bad number at offset %d", ErrSyntax, i)
		}
		return j, nil
	}
	return 0, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, d[i], i)
}

func literal(d []byte, i int, lit string) (int, error) {
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return 0, fmt.Errorf("%w: bad literal at offset %d", ErrSyntax, i)
	}
	return i + len(lit), nil
}
