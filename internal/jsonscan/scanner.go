// Package jsonscan is the JSON scanner under canary's fast page decoders:
// a byte scanner over one document in memory that accepts and rejects
// exactly what encoding/json does (the same grammar and nesting limit),
// unescapes strings and folds member names as encoding/json does, and reads
// scalars with the lenient package's parsers. It builds nothing itself:
// decoders step through a document with its methods (ObjectStart, Name,
// ObjectNext, ArrayStart, ArrayNext, Skip and the Lenient readers) and
// fall back to encoding/json whenever a method returns ErrGiveUp, so the
// error a user sees is always encoding/json's.
package jsonscan

import (
	"encoding/binary"
	"errors"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/decoykit/decoykit/internal/lenient"
)

// ErrGiveUp means the scanner gave up: the input is not JSON it reads the
// way encoding/json would (bad syntax, or a value the lenient readers
// refuse). Decoders built on it fall back to encoding/json, which then
// reports the error; it is never returned to users.
var ErrGiveUp = errors.New("jsonscan: gave up")

// MaxNesting is encoding/json's nesting limit (its scanner's
// maxNestingDepth): deeper documents are a syntax error there.
const MaxNesting = 10000

// Scanner reads one JSON document held in memory, from Data[Pos:]. Depth
// counts the objects and arrays entered (Enter; the caller decrements it on
// the way out).
type Scanner struct {
	Data  []byte
	Pos   int
	Depth int
	// buf is scratch space for unescaping member names.
	buf []byte
}

// strSafe marks the bytes a string can hold without a closer look: not '"',
// '\\' or a control character.
var strSafe = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// WS steps over whitespace.
func (s *Scanner) WS() {
	for s.Pos < len(s.Data) && s.Data[s.Pos] <= ' ' {
		switch s.Data[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek returns the next byte after whitespace, or 0 at the end.
func (s *Scanner) Peek() byte {
	s.WS()
	if s.Pos < len(s.Data) {
		return s.Data[s.Pos]
	}
	return 0
}

// Str reads the string at s.Pos (which must be '"') and returns its raw
// contents (between the quotes) and whether it has escapes.
func (s *Scanner) Str() (raw []byte, esc bool, err error) {
	d := s.Data
	start := s.Pos + 1
	i := start
	for {
		// Eight bytes at a time while none of them needs a closer look.
		for i+8 <= len(d) && !strSpecial(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && strSafe[d[i]] {
			i++
		}
		if i >= len(d) {
			return nil, false, ErrGiveUp
		}
		switch c := d[i]; {
		case c == '"':
			s.Pos = i + 1
			return d[start:i], esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				return nil, false, ErrGiveUp
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
					return nil, false, ErrGiveUp
				}
				i += 6
			default:
				return nil, false, ErrGiveUp
			}
		default: // a control character
			return nil, false, ErrGiveUp
		}
	}
}

// strSpecial reports whether any of the eight bytes in w is '"', '\\' or a
// control character (below 0x20): the classic has-zero-byte and
// has-less-than tests, exact as to whether there is one.
func strSpecial(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	quote, bslash := w^(lo*'"'), w^(lo*'\\')
	return ((w-lo*0x20)&^w|(quote-lo)&^quote|(bslash-lo)&^bslash)&hi != 0
}

// Key reads a member name and its ':' and returns the name as
// encoding/json sees it: Name and MemberName in one step, with a fast path
// for a plain ASCII name. The result may alias the input or s.buf.
func (s *Scanner) Key() ([]byte, error) {
	if s.Peek() != '"' {
		return nil, ErrGiveUp
	}
	d := s.Data
	start := s.Pos + 1
	i := start
	for i < len(d) && namePlain[d[i]] {
		i++
	}
	if i < len(d) && d[i] == '"' && i+1 < len(d) && d[i+1] == ':' {
		s.Pos = i + 2
		s.WS()
		return d[start:i], nil
	}
	raw, esc, err := s.Name()
	if err != nil {
		return nil, err
	}
	return s.MemberName(raw, esc), nil
}

// namePlain marks the bytes of a name that needs no unescaping or UTF-8
// check: printable ASCII other than '"' and '\\'.
var namePlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// Num reads the number at s.Pos with encoding/json's grammar.
func (s *Scanner) Num() ([]byte, error) {
	d := s.Data
	start := s.Pos
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		return nil, ErrGiveUp
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, ErrGiveUp
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, ErrGiveUp
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.Pos = i
	return d[start:i], nil
}

// Lit reads the literal word (true, false or null) at s.Pos.
func (s *Scanner) Lit(word string) error {
	if len(s.Data)-s.Pos < len(word) || string(s.Data[s.Pos:s.Pos+len(word)]) != word {
		return ErrGiveUp
	}
	s.Pos += len(word)
	return nil
}

// Skip validates and steps over the value at s.Pos (after whitespace).
func (s *Scanner) Skip() error {
	switch s.Peek() {
	case '"':
		_, _, err := s.Str()
		return err
	case '{':
		if err := s.Enter(); err != nil {
			return err
		}
		more, err := s.ObjectStart()
		for more && err == nil {
			if _, _, err = s.Name(); err != nil {
				return err
			}
			if err = s.Skip(); err != nil {
				return err
			}
			more, err = s.ObjectNext()
		}
		s.Depth--
		return err
	case '[':
		if err := s.Enter(); err != nil {
			return err
		}
		more, err := s.ArrayStart()
		for more && err == nil {
			if err = s.Skip(); err != nil {
				return err
			}
			more, err = s.ArrayNext()
		}
		s.Depth--
		return err
	case 't':
		return s.Lit("true")
	case 'f':
		return s.Lit("false")
	case 'n':
		return s.Lit("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		_, err := s.Num()
		return err
	}
	return ErrGiveUp
}

// Enter counts one level of nesting; callers decrement s.Depth on the way
// out.
func (s *Scanner) Enter() error {
	s.Depth++
	if s.Depth > MaxNesting {
		return ErrGiveUp
	}
	return nil
}

// ObjectStart consumes '{' and reports whether a member follows.
func (s *Scanner) ObjectStart() (bool, error) {
	if s.Peek() != '{' {
		return false, ErrGiveUp
	}
	s.Pos++
	switch s.Peek() {
	case '}':
		s.Pos++
		return false, nil
	case '"':
		return true, nil
	}
	return false, ErrGiveUp
}

// Name reads a member name and its ':' and returns the raw name.
func (s *Scanner) Name() (raw []byte, esc bool, err error) {
	if s.Peek() != '"' {
		return nil, false, ErrGiveUp
	}
	if raw, esc, err = s.Str(); err != nil {
		return nil, false, err
	}
	if s.Peek() != ':' {
		return nil, false, ErrGiveUp
	}
	s.Pos++
	s.WS()
	return raw, esc, nil
}

// ObjectNext consumes ',' (another member follows) or '}'.
func (s *Scanner) ObjectNext() (bool, error) {
	switch s.Peek() {
	case ',':
		s.Pos++
		if s.Peek() != '"' {
			return false, ErrGiveUp
		}
		return true, nil
	case '}':
		s.Pos++
		return false, nil
	}
	return false, ErrGiveUp
}

// ArrayStart consumes '[' and reports whether an element follows.
func (s *Scanner) ArrayStart() (bool, error) {
	if s.Peek() != '[' {
		return false, ErrGiveUp
	}
	s.Pos++
	if s.Peek() == ']' {
		s.Pos++
		return false, nil
	}
	return true, nil
}

// ArrayNext consumes ',' (another element follows) or ']'.
func (s *Scanner) ArrayNext() (bool, error) {
	switch s.Peek() {
	case ',':
		s.Pos++
		return true, nil
	case ']':
		s.Pos++
		return false, nil
	}
	return false, ErrGiveUp
}

// End checks that only whitespace follows the top-level value.
func (s *Scanner) End() error {
	s.WS()
	if s.Pos != len(s.Data) {
		return ErrGiveUp
	}
	return nil
}

// MemberName returns a member name as encoding/json sees it (unescaped,
// invalid UTF-8 replaced); it may alias the input or s.buf.
func (s *Scanner) MemberName(raw []byte, esc bool) []byte {
	if !esc && (isASCII(raw) || utf8.Valid(raw)) {
		return raw
	}
	s.buf = unquoteInto(s.buf[:0], raw)
	return s.buf
}

// isASCII reports whether b is all ASCII: member names nearly always are,
// and this loop is cheaper than utf8.Valid's on short names.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FoldLookup finds a member name that did not match a field exactly among
// the fields' folded names, as encoding/json does; -1 when none matches.
func FoldLookup(key []byte, folded map[string]int) int {
	// A name of lower-case ASCII only folds to a match only if it matches
	// exactly, which it did not.
	plain := true
	for _, c := range key {
		if 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return -1
	}
	var arr [64]byte
	if f, ok := folded[string(FoldName(arr[:0], key))]; ok {
		return f
	}
	return -1
}

// FoldedNames maps the upper-cased (folded) form of each name to its index.
func FoldedNames(names ...string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[string(FoldName(nil, []byte(n)))] = i
	}
	return m
}

// FoldName is encoding/json's appendFoldedName: ASCII letters upper-cased,
// other runes mapped to the smallest rune of their fold orbit.
func FoldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// unquoteInto appends the unescaped contents of a validated JSON string to
// out, as encoding/json's unquoteBytes does: invalid UTF-8 and unpaired
// surrogates become U+FFFD.
func unquoteInto(out, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := hex4(s[r+1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:])); dec != unicode.ReplacementChar {
							out = utf8.AppendRune(out, dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, rr)
				continue
			default: // '"', '\\', '/'
				out = append(out, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			out = append(out, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			out = utf8.AppendRune(out, rr)
		}
	}
	return out
}

// String is a string as encoding/json decodes it into a Go string.
func String(raw []byte, esc bool) string {
	if !esc && utf8.Valid(raw) {
		return string(raw)
	}
	return string(unquoteInto(make([]byte, 0, len(raw)), raw))
}

// scalar is a JSON scalar as the lenient package reads it: a string's text
// (unescaped only if it had escapes, as lenient keeps an unescaped string's
// bytes as they are), a number's or boolean's literal, null as !ok.
type scalar struct {
	text []byte
	ok   bool // false for null
}

// lenientScalar reads the value at s.Pos as lenient's unquote does. An
// object or array is validated, stepped over and reported as nonScalar: the
// lenient types refuse them, except SoftInt, which reads them as 0.
func (s *Scanner) lenientScalar(scratch []byte) (v scalar, nonScalar bool, err error) {
	switch s.Peek() {
	case '"':
		raw, esc, err := s.Str()
		if err != nil {
			return scalar{}, false, err
		}
		if esc {
			raw = unquoteInto(scratch[:0], raw)
		}
		return scalar{text: raw, ok: true}, false, nil
	case 'n':
		return scalar{}, false, s.Lit("null")
	case 't':
		if err := s.Lit("true"); err != nil {
			return scalar{}, false, err
		}
		return scalar{text: litTrue, ok: true}, false, nil
	case 'f':
		if err := s.Lit("false"); err != nil {
			return scalar{}, false, err
		}
		return scalar{text: litFalse, ok: true}, false, nil
	case '{', '[':
		return scalar{}, true, s.Skip()
	}
	raw, err := s.Num()
	return scalar{text: raw, ok: true}, false, err
}

var (
	litTrue  = []byte("true")
	litFalse = []byte("false")
)

// The readers below decode the value at s.Pos exactly as the lenient types'
// UnmarshalJSON methods do; an error is ErrGiveUp.

// LenientString reads a lenient.String.
func (s *Scanner) LenientString() (string, error) {
	switch s.Peek() {
	case '"':
		raw, esc, err := s.Str()
		if err != nil {
			return "", err
		}
		if !esc {
			return string(raw), nil // lenient keeps unescaped bytes as sent
		}
		return string(unquoteInto(make([]byte, 0, len(raw)), raw)), nil
	case 'n':
		return "", s.Lit("null")
	case 't':
		return "true", s.Lit("true")
	case 'f':
		return "false", s.Lit("false")
	case '{', '[':
		return "", ErrGiveUp
	}
	raw, err := s.Num()
	return string(raw), err
}

// SkipLenientString steps over a lenient.String as LenientString reads it,
// failing where it fails, without making the string.
func (s *Scanner) SkipLenientString() error {
	switch s.Peek() {
	case '"':
		_, _, err := s.Str()
		return err
	case 'n':
		return s.Lit("null")
	case 't':
		return s.Lit("true")
	case 'f':
		return s.Lit("false")
	case '{', '[':
		return ErrGiveUp
	}
	_, err := s.Num()
	return err
}

// LenientBool reads a lenient.Bool.
func (s *Scanner) LenientBool() (bool, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil || nonScalar {
		return false, ErrGiveUp
	}
	if !v.ok {
		return false, nil
	}
	switch string(v.text) {
	case "True", "true", "1":
		return true, nil
	case "False", "false", "0", "":
		return false, nil
	}
	b, err := lenient.ParseBool(string(v.text))
	if err != nil {
		return false, ErrGiveUp
	}
	return b, nil
}

// LenientInt reads a lenient.Int; with soft set it reads a lenient.SoftInt,
// which turns anything unreadable into 0.
func (s *Scanner) LenientInt(soft bool) (int64, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil {
		return 0, err
	}
	if nonScalar {
		if soft {
			return 0, nil
		}
		return 0, ErrGiveUp
	}
	if !v.ok {
		return 0, nil
	}
	n, ok := fastInt(v.text)
	if !ok {
		var perr error
		if n, perr = lenient.ParseInt(string(v.text)); perr != nil {
			if soft {
				return 0, nil
			}
			return 0, ErrGiveUp
		}
	}
	return n, nil
}

// fastInt reads a plain decimal integer of at most 18 digits, which
// strconv.ParseInt (and so lenient.ParseInt) would read the same way.
func fastInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, len(b) == 0 && !neg
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// LenientTime reads a lenient.Time.
func (s *Scanner) LenientTime() (time.Time, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil || nonScalar {
		return time.Time{}, ErrGiveUp
	}
	if !v.ok {
		return time.Time{}, nil
	}
	t, ok := epochTime(v.text)
	if !ok {
		return time.Time{}, ErrGiveUp
	}
	return t, nil
}

// pow10 are the powers of ten lenient.ParseEpoch scales fractions by.
var pow10 = [10]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// epochTime is lenient.ParseEpoch, with a fast path for the Console's usual
// "1586249510" and "1586249510.069870".
func epochTime(b []byte) (time.Time, bool) {
	// Fast path: digits, optionally '.' and digits; no sign, no spaces.
	dot := -1
	fast := len(b) > 0 && len(b) <= 40
	for i, c := range b {
		if c == '.' && dot < 0 && i > 0 {
			dot = i
			continue
		}
		if c < '0' || c > '9' {
			fast = false
			break
		}
	}
	sec := b
	var frac []byte
	if dot >= 0 {
		sec, frac = b[:dot], b[dot+1:]
	}
	if !fast || len(sec) > 18 {
		t, err := lenient.ParseEpoch(string(b))
		return t, err == nil
	}
	if string(b) == "0" {
		return time.Time{}, true
	}
	n, _ := fastInt(sec)
	var nanos int64
	if len(frac) > 0 {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		f, _ := fastInt(frac)
		nanos = f * pow10[9-len(frac)]
	}
	if n > 1e11 { // milliseconds, as lenient.ParseEpoch reads them
		return time.UnixMilli(n).Add(time.Duration(nanos / 1000)).UTC(), true
	}
	return time.Unix(n, nanos).UTC(), true
}
