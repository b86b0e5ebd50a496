package canary

import (
	"errors"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/decoykit/decoykit/internal/lenient"
)

// This file is the byte scanner under the fast page decoders
// (decode_token.go, decode_incident.go), and the only JSON grammar in the
// SDK besides encoding/json's (the page path's cursorWatch scans with it
// too).
//
// Why it exists: a full deception audit reads every token and every
// incident, 140 MB of JSON for 10,000 tokens and 100,000 incidents, and
// issue #15 asks that audit.Full do it at least twice as fast as with
// encoding/json's reflection-driven decoding, and, with 20 ms per request,
// no slower than fetching the same pages and throwing them away.
// encoding/json needs a validating pass and a decoding pass, and allocates a
// RawMessage per event field; this scanner decodes in one pass and slices
// event fields out of the incident's Raw copy. The proof is in the
// benchmarks: BenchmarkDecodeIncidentFeedPage and BenchmarkDecodeTokenListPage
// (listing_bench_test.go, fast against encoding-json) for decoding, and
// BenchmarkAuditFull and BenchmarkAuditFullLatency (audit_bench_test.go) for
// the whole audit against a loopback Console.
//
// It reads the Console's JSON in one
// pass, straight into the SDK's types, and reproduces what encoding/json does
// with the lenient wire structs: the same syntax accepted and rejected (the
// same grammar and nesting limit as encoding/json's scanner), member names
// matched exactly first and then case-insensitively with encoding/json's
// folding, duplicate members resolved as encoding/json resolves them, strings
// unescaped as encoding/json unescapes them (invalid UTF-8 replaced, except
// where lenient.String keeps an unescaped string's bytes), and every scalar
// read with the lenient package's own parsers. Whatever it cannot decode it
// reports as errFast, and the callers then fall back to encoding/json, which
// produces the error (or, should the two ever disagree, the result): the
// fast path never makes an error of its own. The differential tests and
// fuzz targets in fuzz_test.go hold the two paths to identical results.

// errFast means the fast decoder gave up; the caller falls back to
// encoding/json. It is never returned to users.
var errFast = errors.New("canary: fast decoder gave up")

// maxNesting is encoding/json's nesting limit (its scanner's
// maxNestingDepth): deeper documents are a syntax error there.
const maxNesting = 10000

// scanner reads one JSON document held in memory.
type scanner struct {
	data  []byte
	pos   int
	depth int
	// buf is scratch space for unescaping member names.
	buf []byte
	// intern, set by the page decoders, shares the strings of fields that
	// take few distinct values (kinds, log types, flocks, device names), so
	// a page allocates each of them once instead of once per item.
	intern map[string]string
	// evSpans and evFields are scratch space for events, reused across a
	// page's incidents.
	evSpans  []eventSpan
	evFields []eventField
}

// Interning bounds: short strings only, and a bounded table per page.
const (
	maxInternLen     = 64
	maxInternEntries = 512
)

// internedString is lenientString for a low-cardinality field.
func (s *scanner) internedString() (string, error) {
	if s.intern == nil || s.peek() != '"' {
		return s.lenientString()
	}
	start := s.pos
	raw, esc, err := s.str()
	if err != nil {
		return "", err
	}
	if esc || len(raw) > maxInternLen {
		s.pos = start
		return s.lenientString()
	}
	if v, ok := s.intern[string(raw)]; ok {
		return v, nil
	}
	v := string(raw)
	if len(s.intern) < maxInternEntries {
		s.intern[v] = v
	}
	return v, nil
}

// strSafe marks the bytes a string can hold without a closer look: not '"',
// '\\' or a control character.
var strSafe = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// str reads the string at s.pos (which must be '"') and returns its raw
// contents (between the quotes) and whether it has escapes.
func (s *scanner) str() (raw []byte, esc bool, err error) {
	d := s.data
	start := s.pos + 1
	i := start
	for {
		for i < len(d) && strSafe[d[i]] {
			i++
		}
		if i >= len(d) {
			return nil, false, errFast
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return d[start:i], esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				return nil, false, errFast
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
					return nil, false, errFast
				}
				i += 6
			default:
				return nil, false, errFast
			}
		default: // a control character
			return nil, false, errFast
		}
	}
}

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

// num reads the number at s.pos with encoding/json's grammar.
func (s *scanner) num() ([]byte, error) {
	d := s.data
	start := s.pos
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
		return nil, errFast
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, errFast
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
			return nil, errFast
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return d[start:i], nil
}

func (s *scanner) lit(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return errFast
	}
	s.pos += len(word)
	return nil
}

// skip validates and steps over the value at s.pos (after whitespace).
func (s *scanner) skip() error {
	switch s.peek() {
	case '"':
		_, _, err := s.str()
		return err
	case '{':
		if err := s.enter(); err != nil {
			return err
		}
		more, err := s.objectStart()
		for more && err == nil {
			if _, _, err = s.name(); err != nil {
				return err
			}
			if err = s.skip(); err != nil {
				return err
			}
			more, err = s.objectNext()
		}
		s.depth--
		return err
	case '[':
		if err := s.enter(); err != nil {
			return err
		}
		more, err := s.arrayStart()
		for more && err == nil {
			if err = s.skip(); err != nil {
				return err
			}
			more, err = s.arrayNext()
		}
		s.depth--
		return err
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		_, err := s.num()
		return err
	}
	return errFast
}

// enter counts one level of nesting; callers decrement s.depth on the way
// out.
func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxNesting {
		return errFast
	}
	return nil
}

// objectStart consumes '{' and reports whether a member follows.
func (s *scanner) objectStart() (bool, error) {
	if s.peek() != '{' {
		return false, errFast
	}
	s.pos++
	switch s.peek() {
	case '}':
		s.pos++
		return false, nil
	case '"':
		return true, nil
	}
	return false, errFast
}

// name reads a member name and its ':' and returns the raw name.
func (s *scanner) name() (raw []byte, esc bool, err error) {
	if s.peek() != '"' {
		return nil, false, errFast
	}
	if raw, esc, err = s.str(); err != nil {
		return nil, false, err
	}
	if s.peek() != ':' {
		return nil, false, errFast
	}
	s.pos++
	s.ws()
	return raw, esc, nil
}

// objectNext consumes ',' (another member follows) or '}'.
func (s *scanner) objectNext() (bool, error) {
	switch s.peek() {
	case ',':
		s.pos++
		if s.peek() != '"' {
			return false, errFast
		}
		return true, nil
	case '}':
		s.pos++
		return false, nil
	}
	return false, errFast
}

func (s *scanner) arrayStart() (bool, error) {
	if s.peek() != '[' {
		return false, errFast
	}
	s.pos++
	if s.peek() == ']' {
		s.pos++
		return false, nil
	}
	return true, nil
}

func (s *scanner) arrayNext() (bool, error) {
	switch s.peek() {
	case ',':
		s.pos++
		return true, nil
	case ']':
		s.pos++
		return false, nil
	}
	return false, errFast
}

// end checks that only whitespace follows the top-level value.
func (s *scanner) end() error {
	s.ws()
	if s.pos != len(s.data) {
		return errFast
	}
	return nil
}

// memberName returns a member name as encoding/json sees it (unescaped,
// invalid UTF-8 replaced); it may alias the input or s.buf.
func (s *scanner) memberName(raw []byte, esc bool) []byte {
	if !esc && utf8.Valid(raw) {
		return raw
	}
	s.buf = unquoteInto(s.buf[:0], raw)
	return s.buf
}

// foldLookup finds a member name that did not match a field exactly among
// the fields' folded names, as encoding/json does; -1 when none matches.
func foldLookup(key []byte, folded map[string]int) int {
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
	if f, ok := folded[string(foldName(arr[:0], key))]; ok {
		return f
	}
	return -1
}

// fieldTable finds a decoder's member by name as encoding/json finds a
// struct field: the exact name first, then the case-insensitive match. Each
// decoder names its wire struct's members once, in its table, in the order
// of its member constants; TestFastDecodersNameEveryWireField holds every
// table to its wire struct's json tags.
type fieldTable struct {
	names  []string
	exact  map[string]int
	folded map[string]int
}

func newFieldTable(names ...string) *fieldTable {
	t := &fieldTable{names: names, exact: make(map[string]int, len(names)), folded: foldedNames(names...)}
	for i, n := range names {
		t.exact[n] = i
	}
	return t
}

// lookup returns the index of key's member, or -1.
func (t *fieldTable) lookup(key []byte) int {
	if i, ok := t.exact[string(key)]; ok {
		return i
	}
	return foldLookup(key, t.folded)
}

// foldedNames maps the upper-cased (folded) form of each name to its index.
func foldedNames(names ...string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[string(foldName(nil, []byte(n)))] = i
	}
	return m
}

// foldName is encoding/json's appendFoldedName: ASCII letters upper-cased,
// other runes mapped to the smallest rune of their fold orbit.
func foldName(out, in []byte) []byte {
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

// jsonString is a string as encoding/json decodes it into a Go string.
func jsonString(raw []byte, esc bool) string {
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

// lenientScalar reads the value at s.pos as lenient's unquote does. An
// object or array is validated, stepped over and reported as nonScalar: the
// lenient types refuse them, except SoftInt, which reads them as 0.
func (s *scanner) lenientScalar(scratch []byte) (v scalar, nonScalar bool, err error) {
	switch s.peek() {
	case '"':
		raw, esc, err := s.str()
		if err != nil {
			return scalar{}, false, err
		}
		if esc {
			raw = unquoteInto(scratch[:0], raw)
		}
		return scalar{text: raw, ok: true}, false, nil
	case 'n':
		return scalar{}, false, s.lit("null")
	case 't':
		if err := s.lit("true"); err != nil {
			return scalar{}, false, err
		}
		return scalar{text: litTrue, ok: true}, false, nil
	case 'f':
		if err := s.lit("false"); err != nil {
			return scalar{}, false, err
		}
		return scalar{text: litFalse, ok: true}, false, nil
	case '{', '[':
		return scalar{}, true, s.skip()
	}
	raw, err := s.num()
	return scalar{text: raw, ok: true}, false, err
}

var (
	litTrue  = []byte("true")
	litFalse = []byte("false")
)

// The readers below decode the value at s.pos exactly as the lenient types'
// UnmarshalJSON methods do; an error is errFast.

func (s *scanner) lenientString() (string, error) {
	switch s.peek() {
	case '"':
		raw, esc, err := s.str()
		if err != nil {
			return "", err
		}
		if !esc {
			return string(raw), nil // lenient keeps unescaped bytes as sent
		}
		return string(unquoteInto(make([]byte, 0, len(raw)), raw)), nil
	case 'n':
		return "", s.lit("null")
	case 't':
		return "true", s.lit("true")
	case 'f':
		return "false", s.lit("false")
	case '{', '[':
		return "", errFast
	}
	raw, err := s.num()
	return string(raw), err
}

func (s *scanner) lenientBool() (bool, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil || nonScalar {
		return false, errFast
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
		return false, errFast
	}
	return b, nil
}

// lenientInt reads a lenient.Int; with soft set it reads a lenient.SoftInt,
// which turns anything unreadable into 0.
func (s *scanner) lenientInt(soft bool) (int64, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil {
		return 0, err
	}
	if nonScalar {
		if soft {
			return 0, nil
		}
		return 0, errFast
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
			return 0, errFast
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

func (s *scanner) lenientTime() (time.Time, error) {
	var arr [32]byte
	v, nonScalar, err := s.lenientScalar(arr[:])
	if err != nil || nonScalar {
		return time.Time{}, errFast
	}
	if !v.ok {
		return time.Time{}, nil
	}
	t, ok := epochTime(v.text)
	if !ok {
		return time.Time{}, errFast
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
