package honeytoken

import (
	"encoding/base64"
	"strings"
)

// Scan limits.
const (
	// maxDecodeDepth is how many layers of base64/URL encoding Scan unwraps (gitleaks
	// uses 5 by default; decoys are rarely wrapped more than twice).
	maxDecodeDepth = 3
	// minBase64Run is the shortest base64 run Scan decodes (gitleaks: 16).
	minBase64Run = 16
)

// charset classes used while scanning.
const (
	clB64Std = 1 << iota // A-Za-z0-9+/
	clB64URL             // A-Za-z0-9-_
	clBase62             // A-Za-z0-9
	clJWT                // A-Za-z0-9-_.
	clDBURL              // what a generated database URL is made of: A-Za-z0-9:/@._-
)

var classes = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
		if alnum || b == '+' || b == '/' {
			t[c] |= clB64Std
		}
		if alnum || b == '-' || b == '_' {
			t[c] |= clB64URL
		}
		if alnum {
			t[c] |= clBase62
		}
		if alnum || b == '-' || b == '_' || b == '.' {
			t[c] |= clJWT
		}
		if alnum || strings.IndexByte(":/@._-", b) >= 0 {
			t[c] |= clDBURL
		}
	}
	return t
}()

// frame is one layer of text being scanned: the input, or a decoded part of it.
type frame struct {
	s     string
	enc   string  // encoding chain from the input to this text
	depth int     //
	offs  []int32 // for URL-decoded text: offset in the parent of each byte (nil: identity)
	start int     // for base64-decoded text: the run's extent in the input
	end   int
	root  bool
	// unescaped is set once a frame (or an ancestor) was URL/JSON-unescaped: one
	// unescape per chain keeps the work linear (a double-escaped token is rare).
	unescaped bool
}

// span maps [a, b) in f to offsets in the scanned input.
func (f *frame) span(a, b int) (int, int) {
	switch {
	case f.root:
		return a, b
	case f.offs != nil && f.depth == 1:
		end := len(f.offs)
		if b < end {
			return int(f.offs[a]), int(f.offs[b])
		}
		return int(f.offs[a]), f.end
	default:
		return f.start, f.end
	}
}

type scanner struct {
	g    *Generator
	out  []Match
	seen map[seenKey]bool
	// spans of value matches per id: a database password inside its own matched
	// URL is not reported twice.
	spans map[string][][2]int
	// work counts bytes examined (and candidate checks), so tests can assert that
	// Scan stays linear on adversarial input.
	work int
}

type seenKey struct {
	start int
	part  Part
	id    string
}

// Scan returns every honeytoken of this generator (current or retired key) found
// in text: an HTTP header or body, a log line, a file. It looks at plain text and,
// up to three layers deep, at base64 (standard or URL-safe) runs of 16 or more
// characters, percent-encoding and JSON's escaped slashes. Work is linear in the
// length of text. Matches are in order of discovery: plain text first.
func (g *Generator) Scan(text string) []Match {
	ms, _ := g.scanWork(text)
	return ms
}

func (g *Generator) scanWork(text string) ([]Match, int) {
	sc := &scanner{g: g, seen: map[seenKey]bool{}, spans: map[string][][2]int{}}
	sc.scan(&frame{s: text, root: true, end: len(text)})
	return sc.out, sc.work
}

func (sc *scanner) add(f *frame, a, b int, m Match, value string) {
	m.Start, m.End = f.span(a, b)
	m.Encoding = f.enc
	m.Value = value
	key := seenKey{m.Start, m.Part, m.ID}
	if sc.seen[key] {
		return
	}
	for _, sp := range sc.spans[m.ID] {
		if m.Part == PartSecret && m.Format == DatabaseURL && sp[0] <= m.Start && m.End <= sp[1] {
			return
		}
	}
	if m.Part == PartValue {
		sc.spans[m.ID] = append(sc.spans[m.ID], [2]int{m.Start, m.End})
	}
	sc.seen[key] = true
	sc.out = append(sc.out, m)
}

func (sc *scanner) scan(f *frame) {
	s := f.s
	g := sc.g
	sc.work += len(s)
	var cs candState
	b64Start, b62Start, urlStart := -1, -1, -1
	hasPct, hasEsc := false, false
	for i := 0; i <= len(s); i++ {
		var c byte
		var cl uint8
		if i < len(s) {
			c = s[i]
			cl = classes[c]
		}
		// Close runs that end here.
		if cl&(clB64Std|clB64URL) == 0 || c == '=' {
			if urlStart >= 0 {
				sc.base64Run(f, urlStart, i)
			}
			urlStart = -1
		}
		if cl&clB64Std == 0 && b64Start >= 0 {
			if i-b64Start == 40 {
				sc.try(f, b64Start, i, g.byLen[40]...)
			}
			b64Start = -1
		}
		if cl&clBase62 == 0 && b62Start >= 0 {
			if i-b62Start == dbPasswordLen {
				sc.try(f, b62Start, i, g.byLen[dbPasswordLen]...)
			}
			b62Start = -1
		}
		if i == len(s) {
			break
		}
		if cl&clB64Std != 0 && b64Start < 0 {
			b64Start = i
		}
		if cl&clBase62 != 0 && b62Start < 0 {
			b62Start = i
		}
		if cl&(clB64Std|clB64URL) != 0 && urlStart < 0 {
			urlStart = i
		}
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			hasPct = true
		}
		if c == '\\' && i+1 < len(s) && s[i+1] == '/' {
			hasEsc = true
		}
		for _, sp := range g.dispatch[c] {
			for _, p := range sp.prefixes {
				if len(s)-i >= len(p) && s[i:i+len(p)] == p {
					sc.candidate(f, &cs, i, sp)
					break
				}
			}
		}
	}
	if f.depth >= maxDecodeDepth {
		return
	}
	if (hasPct || hasEsc) && !f.unescaped {
		sc.unescape(f, unescapeName(hasPct, hasEsc), func(s string, i int) (byte, int) {
			switch {
			case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
				return unhex(s[i+1])<<4 | unhex(s[i+2]), 3
			case s[i] == '\\' && i+1 < len(s) && s[i+1] == '/':
				return '/', 2
			}
			return s[i], 1
		})
	}
}

func unescapeName(pct, esc bool) string {
	switch {
	case pct && esc:
		return "url+json"
	case pct:
		return "url"
	}
	return "json"
}

// candState remembers, within one frame, where the current JWT-shaped and
// URL-shaped runs end and where the next PEM END line is, so that text packed with
// prefixes ("eyJeyJ…", repeated BEGIN lines) is still scanned in linear time.
type candState struct {
	jwtEnd, jwtTries int
	dbEnd, dbTries   int
	pemEnd           [4]int // position of the next END line (see pemEndFor)
	pemSearched      [4]int // searched for it up to here
}

// maxTriesPerRun bounds how many candidates one run of JWT or URL characters
// yields (a JWT's payload also starts with eyJ).
const maxTriesPerRun = 4

// candidate tries the text at i as a token of sp.
func (sc *scanner) candidate(f *frame, st *candState, i int, sp *spec) {
	s := f.s
	switch {
	case sp.maxLen > 0: // fixed-length formats
		if i+sp.maxLen <= len(s) {
			sc.try(f, i, i+sp.maxLen, sp)
		}
	case sp.format == JWT:
		if i >= st.jwtEnd {
			st.jwtEnd, st.jwtTries = sc.runEnd(s, i, clJWT, 2048), 0
		}
		if st.jwtTries < maxTriesPerRun && st.jwtEnd-i > 40 {
			st.jwtTries++
			sc.try(f, i, st.jwtEnd, sp)
		}
	case sp.format == DatabaseURL:
		if i >= st.dbEnd {
			st.dbEnd, st.dbTries = sc.runEnd(s, i, clDBURL, 1024), 0
		}
		if st.dbTries < maxTriesPerRun {
			st.dbTries++
			sc.try(f, i, st.dbEnd, sp)
		}
	case sp.format == PrivateKey:
		v, end := pemEndFor(s[i:])
		lim := min(len(s), i+1024)
		if st.pemEnd[v] <= i { // no END known after i: search the part not searched yet
			from := max(i, st.pemSearched[v])
			st.pemEnd[v] = -1
			if from < lim {
				sc.work += lim - from
				if k := strings.Index(s[from:lim], end); k >= 0 {
					st.pemEnd[v] = from + k
				}
				st.pemSearched[v] = max(from, lim-len(end)+1)
				if st.pemEnd[v] >= 0 {
					st.pemSearched[v] = st.pemEnd[v] + 1
				}
			}
		}
		if e := st.pemEnd[v]; e > i && e < lim {
			sc.try(f, i, e+len(end), sp)
		}
	}
}

// runEnd returns where the run of class cl that contains i ends, looking at most
// limit bytes ahead.
func (sc *scanner) runEnd(s string, i int, cl uint8, limit int) int {
	j := i
	for j < len(s) && j-i < limit && classes[s[j]]&cl != 0 {
		j++
	}
	sc.work += j - i
	return j
}

func (sc *scanner) try(f *frame, a, b int, specs ...*spec) {
	v := f.s[a:b]
	sc.work += tryCost
	for _, sp := range specs {
		if m, ok := sc.g.try(sp, v); ok {
			sc.add(f, a, b, m, v)
			return
		}
	}
}

// tryCost is what one candidate check counts for in scanner.work: it decodes a
// bounded prefix and runs a few AES blocks, whatever the candidate's length.
const tryCost = 64

// base64Run decodes s[a:b] (standard or URL-safe, padded or not) and scans the result.
func (sc *scanner) base64Run(f *frame, a, b int) {
	if b-a < minBase64Run || f.depth >= maxDecodeDepth {
		return
	}
	run := f.s[a:b]
	end := b
	for end < len(f.s) && end-b < 2 && f.s[end] == '=' {
		end++
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(run, "-_") {
		if strings.ContainsAny(run, "+/") {
			return
		}
		enc = base64.RawURLEncoding
	}
	dec, err := enc.DecodeString(run)
	if err != nil || len(dec) < 8 {
		return
	}
	st, en := f.span(a, end)
	sc.scan(&frame{s: string(dec), enc: chain(f.enc, "base64"), depth: f.depth + 1, start: st, end: en,
		unescaped: f.unescaped})
}

// unescape decodes the whole frame with next and scans the result if it changed.
func (sc *scanner) unescape(f *frame, name string, next func(string, int) (byte, int)) {
	s := f.s
	var b strings.Builder
	b.Grow(len(s))
	var offs []int32
	if f.root {
		offs = make([]int32, 0, len(s))
	}
	for i := 0; i < len(s); {
		c, n := next(s, i)
		b.WriteByte(c)
		if offs != nil {
			offs = append(offs, int32(i))
		}
		i += n
	}
	st, en := f.span(0, len(s))
	sc.scan(&frame{s: b.String(), enc: chain(f.enc, name), depth: f.depth + 1, offs: offs, start: st, end: en,
		unescaped: true})
}

func chain(a, b string) string {
	if a == "" {
		return b
	}
	return a + "+" + b
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
