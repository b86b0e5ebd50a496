package honeytoken

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Scan limits and shapes. The rules they express are the scan's contract; the
// reference scan in scan_ref_test.go applies them by brute force and the
// differential test holds Scan to it.
const (
	// maxDecodeDepth is how many layers of base64/URL encoding Scan unwraps (gitleaks
	// uses 5 by default; decoys are rarely wrapped more than twice).
	maxDecodeDepth = 3
	// minTokenLen is the length of the shortest text Scan can match (an AWS access
	// key id); TestScanShapes checks every format against it.
	minTokenLen = 20
	// minDecodeRun is the shortest base64 run worth decoding: one that decodes to
	// at least minTokenLen bytes. Shorter runs cannot hold a token.
	minDecodeRun = (minTokenLen*4 + 2) / 3
	// anchorRun and anchorWindow: every built-in token whose format has a literal
	// prefix (PEM keys aside) holds a run of at least anchorRun base64 or base64url
	// characters that starts at most anchorWindow bytes after the token's start.
	// Scan looks for such prefixes only near runs that long (TestScanShapes checks
	// the claim for every format).
	anchorRun    = 20
	anchorWindow = 64
	// maxJWTLen, maxDBURLLen and maxPEMSpan bound the candidates of the formats
	// without a fixed length.
	maxJWTLen   = 2048
	maxDBURLLen = 1024
	maxPEMSpan  = 8192
	// maxTriesPerRun bounds how many JWT candidates one run of JWT characters
	// yields: the last ones before its second-to-last dot (text packed with "eyJ"
	// cannot hide a token behind it).
	maxTriesPerRun = 4
	// awsSecretLen is the length of an AWS secret access key.
	awsSecretLen = 40
)

// charset classes used while scanning.
const (
	clB64Std = 1 << iota // A-Za-z0-9+/
	clB64URL             // A-Za-z0-9-_
	clBase62             // A-Za-z0-9
	clJWT                // A-Za-z0-9-_.
	clDBURL              // what a generated database URL is made of: A-Za-z0-9:/@._-
	clHex                // 0-9a-fA-F
	clText               // printable ASCII, tab, CR, LF: what a token and its encodings are made of
)

// clRun is a run of base64 (standard or URL-safe) characters.
const clRun = clB64Std | clB64URL

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
		if isHex(b) {
			t[c] |= clHex
		}
		if b >= ' ' && b <= '~' || b == '\t' || b == '\r' || b == '\n' {
			t[c] |= clText
		}
	}
	return t
}()

// runByte is classes[c]&clRun != 0, as a table of its own for the hottest loop.
var runByte = func() (t [256]bool) {
	for c := range t {
		t[c] = classes[c]&clRun != 0
	}
	return t
}()

// scanTables is how a generator's formats are found. Every built-in format with a
// literal prefix (PEM keys aside) holds a run of at least anchorRun base64 or
// base64url characters at a known place, so Scan looks for such prefixes only
// around runs that long:
//   - inRun: the prefix is made of run characters and starts the long run (or
//     lies inside it), e.g. ghp_, AKIA, eyJ;
//   - backAt: the prefix ends in a character that is not a run character and
//     the long run starts right after it (SG., the Slack webhook URL): the
//     prefix starts exactly at the run's start minus backAt;
//   - DatabaseURL: the password's run follows "postgres://<user>:", at most
//     dbMaxBack bytes after the prefix.
//
// The others (PEM keys, custom formats) are searched for by their prefixes.
// TestScanShapes checks these claims on generated tokens of every format.
type scanTables struct {
	inRun [256][]*spec // the inRun formats by the first byte of a prefix
	// The inRun prefixes by first byte, and a bit set of the byte pairs that
	// start at offsets 0 to stride-1 of one (a prefix's last byte pairs with any
	// byte): every stride-th position of a run is probed, and a prefix
	// starting at k holds the probe among k..k+stride-1.
	long    [256][]backSpec
	bigram  [1 << 16 / 8]uint8
	stride  int             // the shortest inRun prefix's length, at most maxStride
	pem     []indexedPrefix // PEM BEGIN lines: found by one search for pemMark
	back    []backSpec
	db      *spec
	indexed []indexedPrefix
}

type backSpec struct {
	sp     *spec
	prefix string
	at     int // the long run starts at the token's start + at (back only)
}

// maxStride bounds scanTables.stride: every third position of a run is probed
// for an inRun prefix (the shortest, eyJ, has three bytes). A longer stride
// would make the bit set of pairs fuller.
const maxStride = 3

type indexedPrefix struct {
	sp     *spec
	prefix string
	rare   int    // index in prefix of the byte searched for with IndexByte
	end    string // for a PEM BEGIN line, its END line
}

// dbMaxBack bounds how far a database password starts after its URL's start
// (postgres:// + user + ':').
const dbMaxBack = 32

func newScanTables(g *Generator) scanTables {
	var t scanTables
	for _, f := range g.order {
		sp := g.specs[f]
		if len(sp.prefixes) == 0 {
			continue
		}
		builtin := builtinSpecs[f] == sp
		switch {
		case builtin && f == DatabaseURL:
			t.db = sp
		case builtin && !isPEMPrefix(sp.prefixes[0]) && (sp.maxLen > 0 || f == JWT):
			for _, p := range sp.prefixes {
				last := -1
				for i := 0; i < len(p); i++ {
					if !runByte[p[i]] {
						last = i
					}
				}
				if last >= 0 {
					t.back = append(t.back, backSpec{sp: sp, prefix: p, at: last + 1})
				} else {
					if !slices.Contains(t.inRun[p[0]], sp) {
						t.inRun[p[0]] = append(t.inRun[p[0]], sp)
					}
					t.long[p[0]] = append(t.long[p[0]], backSpec{sp: sp, prefix: p})
				}
			}
		default:
			for _, p := range sp.prefixes {
				ip := indexedPrefix{sp: sp, prefix: p, rare: rareByte(p)}
				if sp.maxLen == 0 {
					if !isPEMPrefix(p) {
						continue // a shape Scan does not know
					}
					ip.end = pemEndFor(p)
					t.pem = append(t.pem, ip)
					continue
				}
				t.indexed = append(t.indexed, ip)
			}
		}
	}
	t.stride = maxStride
	for _, l := range t.long {
		for _, b := range l {
			t.stride = min(t.stride, len(b.prefix))
		}
	}
	for _, l := range t.long {
		for _, b := range l {
			for o := range t.stride {
				if o+1 < len(b.prefix) {
					t.setPair(b.prefix[o], b.prefix[o+1])
					continue
				}
				for c := range 256 { // the prefix's last byte: any byte follows
					t.setPair(b.prefix[o], byte(c))
				}
			}
		}
	}
	return t
}

// setPair adds the byte pair x, y to the bit set of pairs.
func (t *scanTables) setPair(x, y byte) {
	b := uint16(x)<<8 | uint16(y)
	t.bigram[b>>3] |= 1 << (b & 7)
}

// rareByte returns the index of the byte of p least likely in logs and base64,
// by a fixed ranking, so that searching for it stops rarely in vain.
func rareByte(p string) int {
	const rank = "QXZJVKYWGBFPMHUCDLRNOSITEA_qxzjkvbpygfwmucldrhsnioate9876543210"
	best, bestRank := 0, len(rank)+1
	for i := 0; i < len(p); i++ {
		r := strings.IndexByte(rank, p[i])
		if r < 0 {
			r = len(rank) // punctuation: '-' and '.' are common
			if p[i] != '-' && p[i] != '.' && p[i] != '/' && p[i] != ':' {
				r = 0
			}
		}
		if r < bestRank {
			best, bestRank = i, r
		}
	}
	return best
}

// bigramAt returns s[k:k+2] as one number.
func bigramAt(s string, k int) uint16 { return uint16(s[k])<<8 | uint16(s[k+1]) }

func isPEMPrefix(p string) bool { return strings.HasPrefix(p, pemMark) }

// pemMark starts every PEM BEGIN line.
const pemMark = "-----BEGIN"

// pemAt[c] is, for a byte of pemMark, its index there (-1 for a dash, which is
// at several); 0 for the others.
var pemAt = func() (t [256]int8) {
	for i := len(pemMark) - 1; i >= 0; i-- {
		t[pemMark[i]] = int8(i)
	}
	t['-'] = -1
	return t
}()

// pemEndFor returns the END line that closes a PEM BEGIN line.
func pemEndFor(begin string) string { return strings.Replace(begin, "BEGIN", "END", 1) }

// frame is one layer of text being scanned: the input, or a decoded part of it.
type frame struct {
	s     string
	enc   string  // encoding chain from the input to this text
	depth int     //
	offs  []int32 // for text unescaped from the input: offset in the input of each byte (nil: identity)
	start int     // for decoded text: its extent in the input
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
	case f.offs != nil:
		if b < len(f.offs) {
			return int(f.offs[a]), int(f.offs[b])
		}
		return int(f.offs[a]), f.end
	default:
		return f.start, f.end
	}
}

type scanner struct {
	g   *Generator
	out []Match
	// work counts bytes examined (and candidate checks), so tests can assert that
	// Scan stays linear on adversarial input.
	work int
	// decoded text per depth (base64 and unescaped), reused from run to run: a
	// match's Value is cloned out of them.
	b64, esc [maxDecodeDepth + 1][]byte
	offs     []int32
}

// frameState is what a frame's scan remembers so that no byte is looked at twice
// for the same purpose.
type frameState struct {
	jwtDone int // end of the last JWT run handled
	dbDone  int // end of the last database URL run handled
}

// Scan returns every honeytoken of this generator (current or retired key) found
// in text: an HTTP header or body, a log line, a file. It looks at plain text and,
// up to three layers deep, at base64 (standard or URL-safe) runs that can hold a
// token, percent-encoding and JSON's escaped slashes (each line or quoted string
// that holds an escape is unescaped once). Work is linear in the length of text.
//
// Matches are ordered by Start (then End, Part and ID). A token found more than
// once at the same Start (in plain text and in a decoding of it) is reported once,
// in its shortest encoding; a database password inside its own matched URL is not
// reported apart from the URL.
func (g *Generator) Scan(text string) []Match {
	ms, _ := g.scanWork(text)
	return ms
}

func (g *Generator) scanWork(text string) ([]Match, int) {
	sc := scannerPool.Get().(*scanner)
	sc.g, sc.out, sc.work = g, nil, 0
	sc.scan(&frame{s: text, root: true, end: len(text)})
	out, work := finishMatches(sc.out), sc.work
	sc.g, sc.out = nil, nil
	for d := range sc.b64 { // keep buffers for the next scan, unless huge
		if cap(sc.b64[d]) > maxPooledBuffer {
			sc.b64[d] = nil
		}
		if cap(sc.esc[d]) > maxPooledBuffer {
			sc.esc[d] = nil
		}
	}
	if cap(sc.offs) > maxPooledBuffer/4 {
		sc.offs = nil
	}
	scannerPool.Put(sc)
	return out, work
}

// scannerPool keeps scanners and their decode buffers between scans: decoding a
// megabyte of base64 need not allocate a megabyte.
var scannerPool = sync.Pool{New: func() any { return new(scanner) }}

// maxPooledBuffer is the largest decode buffer a pooled scanner keeps.
const maxPooledBuffer = 4 << 20

// add records a match of s[a:b] in f.
func (sc *scanner) add(f *frame, a, b int, m Match) {
	m.Start, m.End = f.span(a, b)
	m.Encoding = f.enc
	m.Value = f.s[a:b]
	if !f.root {
		m.Value = strings.Clone(m.Value) // decoded text lives in a reused buffer
	}
	sc.out = append(sc.out, m)
}

// finishMatches orders ms, drops repeats of a token at the same Start (keeping
// the shortest encoding) and database passwords inside their own matched URL.
func finishMatches(ms []Match) []Match {
	if len(ms) == 0 {
		return nil
	}
	slices.SortFunc(ms, func(x, y Match) int {
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.Part, y.Part), strings.Compare(x.ID, y.ID),
			cmp.Compare(len(x.Encoding), len(y.Encoding)), strings.Compare(x.Encoding, y.Encoding),
			cmp.Compare(x.End, y.End), strings.Compare(x.Value, y.Value))
	})
	out := ms[:1]
	for _, m := range ms[1:] {
		if p := &out[len(out)-1]; p.Start == m.Start && p.Part == m.Part && p.ID == m.ID {
			continue
		}
		out = append(out, m)
	}
	var urls map[string][][2]int
	for _, m := range out {
		if m.Format == DatabaseURL && m.Part == PartValue {
			if urls == nil {
				urls = map[string][][2]int{}
			}
			urls[m.ID] = append(urls[m.ID], [2]int{m.Start, m.End})
		}
	}
	if urls != nil {
		out = slices.DeleteFunc(out, func(m Match) bool {
			if m.Format != DatabaseURL || m.Part != PartSecret {
				return false
			}
			for _, sp := range urls[m.ID] {
				if sp[0] <= m.Start && m.End <= sp[1] {
					return true
				}
			}
			return false
		})
	}
	slices.SortStableFunc(out, func(x, y Match) int {
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End))
	})
	return out
}

func (sc *scanner) scan(f *frame) {
	sc.work += len(f.s)
	var st frameState
	sc.runs(f, &st)
	for i := range sc.g.scan.indexed {
		sc.indexed(f, &sc.g.scan.indexed[i])
	}
	if len(sc.g.scan.pem) > 0 {
		sc.pemBlocks(f)
	}
	if f.depth < maxDecodeDepth && !f.unescaped {
		sc.unescapePieces(f)
	}
}

// runs finds every maximal run of base64 characters of at least anchorRun bytes
// without looking at most bytes of text that has none: it probes the last byte
// of the next anchorRun-byte window, and only a run byte there makes it look
// around: back to where that run starts, then at the byte where a long run
// starting there would have to go on to, and backwards from it (where a run
// byte is least likely) until a byte breaks it or the run is long.
func (sc *scanner) runs(f *frame, st *frameState) {
	s := f.s
	i := 0 // s[i-1] is not a run byte: no long run starts before i
	for {
		p := i + anchorRun - 1
		if p >= len(s) {
			return
		}
		if !runByte[s[p]] {
			i = p + 1
			continue
		}
		j := p
		for j > i && runByte[s[j-1]] {
			j--
		}
		// A long run holding s[p] starts at j and holds s[j:j+anchorRun].
		q := j + anchorRun - 1
		if q >= len(s) {
			return
		}
		for q > p && runByte[s[q]] {
			q--
		}
		if q > p { // s[q] is not a run byte: no long run starts in [j, q]
			i = q + 1
			continue
		}
		e := j + anchorRun
		// Most runs in logs are short: byte by byte first, then runEnd.
		for n := min(len(s), e+runEndAfter); e < n && runByte[s[e]]; {
			e++
		}
		if e == j+anchorRun+runEndAfter {
			e = runEnd(s, e)
		}
		sc.longRun(f, st, j, e)
		i = e + 1
	}
}

// runTab is runByte as 0/1, for runEnd's unrolled loop.
var runTab = func() (t [256]uint8) {
	for c := range t {
		if runByte[c] {
			t[c] = 1
		}
	}
	return t
}()

// runEndAfter is how many bytes runs looks at one by one before runEnd.
const runEndAfter = 16

// runEnd returns the end of the run of base64 characters that goes on at s[i]:
// eight bytes at a time while they all are run bytes, then byte by byte.
func runEnd(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		q := s[i : i+8]
		if runTab[q[0]]&runTab[q[1]]&runTab[q[2]]&runTab[q[3]]&runTab[q[4]]&runTab[q[5]]&runTab[q[6]]&runTab[q[7]] == 0 {
			break
		}
	}
	for i < len(s) && runByte[s[i]] {
		i++
	}
	return i
}

// longRun handles the maximal run s[a:e]: the prefixed formats that start in or
// just before it, the prefix-less shapes inside it, and its base64 decoding.
func (sc *scanner) longRun(f *frame, st *frameState, a, e int) {
	s := f.s
	t := &sc.g.scan
	// An inRun prefix starts a run of anchorRun characters at least: only the
	// positions up to e-anchorRun can start one.
	sc.inRunPrefixes(f, st, a, e-anchorRun)
	for _, b := range t.back {
		if k := a - b.at; k >= 0 && len(s)-k >= len(b.prefix) && s[k:k+len(b.prefix)] == b.prefix {
			sc.prefixed(f, st, k, b.sp)
		}
	}
	if t.db != nil && a > 0 && s[a-1] == ':' {
		lo := max(0, a-dbMaxBack)
		for _, p := range t.db.prefixes {
			if k := strings.LastIndex(s[lo:a], p); k >= 0 {
				sc.prefixed(f, st, lo+k, t.db)
			}
		}
	}
	if e-a < minDecodeRun {
		return
	}
	all := sc.shapes(f, a, e)
	if f.depth < maxDecodeDepth {
		sc.base64Run(f, a, e, all)
	}
}

// inRunPrefixes tries the inRun prefixes that start at a position in [a, hi]
// (inside a run that goes on to hi+anchorRun at least): it probes the bit set
// of pairs at every stride-th position and compares prefixes only at the
// positions a hit allows, in order.
func (sc *scanner) inRunPrefixes(f *frame, st *frameState, a, hi int) {
	s, t := f.s, &sc.g.scan
	step := t.stride
	if step == 0 {
		return // no inRun format
	}
	for p := a; p < hi+step; p += step { // s[p+1] is in the run
		if b := bigramAt(s, p); t.bigram[b>>3]&(1<<(b&7)) != 0 {
			for k := max(a, p-step+1); k <= min(p, hi); k++ {
				sc.longPrefix(f, st, k)
			}
		}
	}
}

// longPrefix tries the inRun prefixes that start at k.
func (sc *scanner) longPrefix(f *frame, st *frameState, k int) {
	s := f.s
	for _, l := range sc.g.scan.long[s[k]] {
		p := l.prefix // its second byte first: most candidates differ there
		if len(s)-k >= len(p) && (len(p) < 2 || s[k+1] == p[1]) && s[k:k+len(p)] == p {
			sc.prefixed(f, st, k, l.sp)
		}
	}
}

// shapes tries the prefix-less shapes in the maximal run s[a:e] (its maximal
// runs of exactly 40 standard base64 characters and of exactly 32 base62
// characters) and returns the classes all its bytes share. Only the run's
// punctuation (+ / - _) ends such a shape: shapes looks for it eight bytes at a
// time.
func (sc *scanner) shapes(f *frame, a, e int) uint8 {
	s := f.s
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	st := shapeState{all: clRun, std: a, b62: a}
	k := a
	for ; k+8 <= e; k += 8 {
		for m := runPunct(binary.LittleEndian.Uint64(b[k:])); m != 0; m &= m - 1 {
			sc.punct(f, &st, k+bits.TrailingZeros64(m)>>3)
		}
	}
	for ; k < e; k++ {
		if classes[s[k]]&clBase62 == 0 {
			sc.punct(f, &st, k)
		}
	}
	if e-st.std == awsSecretLen {
		sc.awsSecret(f, st.std, e)
	}
	if e-st.b62 == dbPasswordLen {
		sc.dbPassword(f, st.b62, e)
	}
	return st.all
}

// shapeState is where shapes stands: the classes the run's bytes share so far
// and where its current standard base64 and base62 runs started.
type shapeState struct {
	all      uint8
	std, b62 int
}

// punct handles s[k], a run byte that is not base62, for shapes.
func (sc *scanner) punct(f *frame, st *shapeState, k int) {
	cl := classes[f.s[k]]
	st.all &= cl
	if k-st.b62 == dbPasswordLen {
		sc.dbPassword(f, st.b62, k)
	}
	st.b62 = k + 1
	if cl&clB64Std == 0 {
		if k-st.std == awsSecretLen {
			sc.awsSecret(f, st.std, k)
		}
		st.std = k + 1
	}
}

// runPunct returns, for eight run bytes in w (little-endian), the high bit of
// each byte that is + / - or _ (below '0', or '_'). It is exact: run bytes are
// below 0x80 and each byte's high bit is set before a subtraction, so no borrow
// crosses bytes.
func runPunct(w uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	below0 := ^((w | hi) - '0'*lo)
	u := w ^ '_'*lo // zero where '_'
	under := ^((u | hi) - lo)
	return (below0 | under) & hi
}

// awsSecret tries s[a:b], a maximal run of 40 standard base64 characters, as an
// AWS secret access key when the generator could have issued it.
func (sc *scanner) awsSecret(f *frame, a, b int) {
	if awsSecretShape(f.s[a:b]) {
		sc.try(f, a, b, sc.g.byLen[awsSecretLen]...)
	}
}

// dbPassword tries s[a:b], a maximal run of 32 base62 characters, as a database
// password when the generator could have issued it (not all hex: a trace id).
func (sc *scanner) dbPassword(f *frame, a, b int) {
	if !base62Hex(f.s[a:b]) {
		sc.try(f, a, b, sc.g.byLen[dbPasswordLen]...)
	}
}

// prefixed tries the text at k, where a prefix of sp starts.
func (sc *scanner) prefixed(f *frame, st *frameState, k int, sp *spec) {
	s := f.s
	switch {
	case sp.maxLen > 0:
		if k+sp.maxLen <= len(s) {
			sc.try(f, k, k+sp.maxLen, sp)
		}
	case sp.format == JWT:
		if k < st.jwtDone {
			return
		}
		a, e := sc.classRun(s, k, clJWT)
		st.jwtDone = e
		starts, n := jwtStarts(s, a, e)
		for _, p := range starts[:n] {
			sc.try(f, p, e, sp)
		}
	case sp.format == DatabaseURL:
		if k < st.dbDone {
			return
		}
		a, e := sc.classRun(s, k, clDBURL)
		st.dbDone = e
		for _, pre := range sp.prefixes {
			if p := strings.LastIndex(s[a:e], pre); p >= 0 && e-(a+p) <= maxDBURLLen {
				sc.try(f, a+p, e, sp)
			}
		}
	}
}

// classRun returns the maximal run of class cl around k.
func (sc *scanner) classRun(s string, k int, cl uint8) (int, int) {
	a, e := k, k
	for a > 0 && classes[s[a-1]]&cl != 0 {
		a--
	}
	for e < len(s) && classes[s[e]]&cl != 0 {
		e++
	}
	sc.work += e - a
	return a, e
}

// jwtStarts returns where JWT candidates start in the maximal run s[a:e] of JWT
// characters: at "eyJ", with exactly two dots after it, 41 to maxJWTLen bytes
// before e; the last maxTriesPerRun such positions, in order.
func jwtStarts(s string, a, e int) (starts [maxTriesPerRun]int, n int) {
	d1 := strings.LastIndexByte(s[a:e], '.')
	if d1 < 0 {
		return starts, 0
	}
	d2 := strings.LastIndexByte(s[a:a+d1], '.')
	if d2 < 0 {
		return starts, 0
	}
	d2 += a
	d3 := strings.LastIndexByte(s[a:d2], '.') + a // a-1 when there is none
	lo := max(d3+1, e-maxJWTLen)
	hi := min(d2, e-40) // p < hi
	var rev [maxTriesPerRun]int
	for hi > lo && n < maxTriesPerRun {
		k := strings.LastIndex(s[lo:hi+2], "eyJ")
		if k < 0 {
			break
		}
		rev[n] = lo + k
		n++
		hi = lo + k
	}
	for i := range n {
		starts[i] = rev[n-1-i]
	}
	return starts, n
}

// indexed finds the candidates of a fixed-length format Scan searches for by
// its prefix: IndexByte on the prefix's rarest byte, then a comparison.
func (sc *scanner) indexed(f *frame, ip *indexedPrefix) {
	s, pre, sp := f.s, ip.prefix, ip.sp
	for off := ip.rare; off < len(s); {
		x := strings.IndexByte(s[off:], pre[ip.rare])
		if x < 0 {
			return
		}
		k := off + x - ip.rare
		off += x + 1
		if len(s)-k < len(pre) || s[k:k+len(pre)] != pre {
			continue
		}
		sc.work += tryCost
		if k+sp.maxLen <= len(s) {
			sc.try(f, k, k+sp.maxLen, sp)
		}
	}
}

// pemBlocks finds PEM blocks: each BEGIN line of a PEM format, up to the first
// matching END line that ends within maxPEMSpan. BEGIN lines are found by
// looking at every tenth byte: "-----BEGIN" holds one, and when it is a letter
// of BEGIN, where "-----BEGIN" would start is known; when a dash, the run of
// dashes is followed to its end.
func (sc *scanner) pemBlocks(f *frame) {
	s := f.s
	pems := sc.g.scan.pem
	// Per PEM prefix, the first END line at or after searched (-1: none before
	// searched), so that text packed with BEGIN lines is searched once.
	var next, searched [8]int
	for i := range next {
		next[i] = -1
	}
	last := -1 // the last "-----BEGIN" handled
	for p := len(pemMark) - 1; p < len(s); p += len(pemMark) {
		at := pemAt[s[p]]
		if at == 0 {
			continue
		}
		var k int // where "-----BEGIN" would start
		if at < 0 {
			a, e := p, p+1
			for a > 0 && s[a-1] == '-' {
				a--
			}
			for e < len(s) && s[e] == '-' {
				e++
			}
			p += (e - 1 - p) / len(pemMark) * len(pemMark) // the last probe inside this run of dashes
			if e-a < 5 {
				continue
			}
			k = e - 5
		} else {
			k = p - int(at)
		}
		if k < 0 || k == last || len(s)-k < len(pemMark) || s[k:k+len(pemMark)] != pemMark {
			continue
		}
		last = k
		for i := range pems {
			ip := &pems[i]
			if len(s)-k < len(ip.prefix) || s[k:k+len(ip.prefix)] != ip.prefix {
				continue
			}
			sc.work += tryCost
			end := ip.end
			lim := min(len(s), k+maxPEMSpan)
			if i >= len(next) { // more PEM formats than slots: search each time
				if x := strings.Index(s[k:lim], end); x > 0 {
					sc.try(f, k, k+x+len(end), ip.sp)
				}
				continue
			}
			if next[i] <= k {
				from := max(k, searched[i])
				next[i] = -1
				if from < lim {
					sc.work += lim - from
					if x := strings.Index(s[from:lim], end); x >= 0 {
						next[i] = from + x
					}
					searched[i] = max(from, lim-len(end)+1)
					if next[i] >= 0 {
						searched[i] = next[i] + 1
					}
				}
			}
			if n := next[i]; n > k && n+len(end) <= lim {
				sc.try(f, k, n+len(end), ip.sp)
			}
		}
	}
}

func (sc *scanner) try(f *frame, a, b int, specs ...*spec) {
	v := f.s[a:b]
	sc.work += tryCost
	for _, sp := range specs {
		var m Match
		if sc.g.try(sp, v, &m) {
			sc.add(f, a, b, m)
			return
		}
	}
}

// tryCost is what one candidate check counts for in scanner.work: it decodes a
// bounded prefix and runs a few AES blocks, whatever the candidate's length.
const tryCost = 64

// base64Run decodes the run s[a:b] (standard or URL-safe, padded or not) and
// scans the result when it can hold a token: at least minTokenLen bytes of text
// in a row.
func (sc *scanner) base64Run(f *frame, a, b int, all uint8) {
	s := f.s
	run := s[a:b]
	end := b
	for end < len(s) && end-b < 2 && s[end] == '=' {
		end++
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if all&clB64Std == 0 { // a '-' or '_'
		if all&clB64URL == 0 { // and a '+' or '/'
			return
		}
		enc = base64.RawURLEncoding
	}
	if !mayHoldText(enc, run) {
		sc.work += len(run) / 4
		return
	}
	d := f.depth + 1
	buf := slices.Grow(sc.b64[d][:0], enc.DecodedLen(len(run)))[:enc.DecodedLen(len(run))]
	sc.b64[d] = buf
	n, err := enc.Decode(buf, unsafe.Slice(unsafe.StringData(run), len(run)))
	sc.work += len(run)
	if err != nil || !hasTextRun(buf[:n], minTokenLen) {
		return
	}
	st, en := f.span(a, end)
	sc.scan(&frame{s: unsafe.String(&buf[0], n), enc: chain(f.enc, "base64"), depth: d, start: st, end: en,
		unescaped: f.unescaped})
}

// b64Low tells, for a base64 character (standard or URL-safe) at place p of a
// 4-character group, whether the decoded byte p has its high bit clear (bit p
// set): byte 0 takes its high bit from bit 5 of character 0, byte 1 from bit 3
// of character 1, byte 2 from bit 1 of character 2. Text has no high bit.
var b64Low = func() (t [256]uint8) {
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for v := range 64 {
		var bits uint8
		if v&32 == 0 {
			bits |= 1
		}
		if v&8 == 0 {
			bits |= 2
		}
		if v&2 == 0 {
			bits |= 4
		}
		t[std[v]] = bits
	}
	t['-'], t['_'] = t['+'], t['/'] // URL-safe: the same values
	return t
}()

// textGroups is how many groups of 4 base64 characters in a row decode to text
// bytes only (each byte's high bit clear) in a run whose decoding holds
// minTokenLen bytes of text in a row: at most 2 bytes at each end of those lie
// in groups of which they are only part.
const textGroups = (minTokenLen - 4 + 2) / 3

// maxCheckGroups is how many such groups mayHoldText decodes to see whether
// they hold text; a longer stretch of them is not random, and the whole run is
// decoded.
const maxCheckGroups = 64

// mayHoldText reports whether the decoding of run (a base64 run of enc) can
// hold minTokenLen bytes of text in a row, looking mostly at the characters:
// it is false only when it cannot. Such bytes lie in textGroups groups in a row
// whose bytes all have a clear high bit; mayHoldText looks for those as
// hasTextRun looks for text (probing every textGroups-th group) and decodes the
// few it finds to check them. On random base64 it decodes almost nothing.
func mayHoldText(enc *base64.Encoding, run string) bool {
	groups := len(run) / 4
	low := func(g int) bool {
		q := run[4*g : 4*g+3]
		return b64Low[q[0]]&1|b64Low[q[1]]&2|b64Low[q[2]]&4 == 7
	}
	i := 0 // group i-1 is not low
	for {
		p := i + textGroups - 1
		if p >= groups {
			return false
		}
		if !low(p) {
			i = p + 1
			continue
		}
		j := p
		for j > i && low(j-1) {
			j--
		}
		e := p + 1
		for e < groups && e-j < maxCheckGroups && low(e) {
			e++
		}
		if e-j >= maxCheckGroups {
			return true
		}
		if e-j >= textGroups {
			// Decode the stretch with the groups around it (text may end or
			// start inside them).
			lo, hi := 4*max(0, j-1), min(len(run), 4*(e+1))
			var buf [(maxCheckGroups + 2) * 3]byte
			n, err := enc.Decode(buf[:], unsafe.Slice(unsafe.StringData(run[lo:]), hi-lo))
			if err != nil || hasTextRun(buf[:n], minTokenLen) {
				return true
			}
		}
		i = e + 1
	}
}

// hasTextRun reports whether b holds n bytes of text (printable ASCII or line
// space) in a row. Like runs, it probes the last byte of the next n-byte
// window and looks around only when that byte is text.
func hasTextRun(b []byte, n int) bool {
	i := 0 // b[i-1] is not text
	for {
		p := i + n - 1
		if p >= len(b) {
			return false
		}
		if classes[b[p]]&clText == 0 {
			i = p + 1
			continue
		}
		j := p
		for j > i && classes[b[j-1]]&clText != 0 {
			j--
		}
		e := p + 1
		for e < len(b) && e-j < n && classes[b[e]]&clText != 0 {
			e++
		}
		if e-j >= n {
			return true
		}
		i = e + 1
	}
}

// isPieceEnd reports whether c ends a piece of text that Scan unescapes as a
// whole: a line or a quoted string. No token, escape or base64 run spans one.
func isPieceEnd(c byte) bool { return c == '\n' || c == '"' }

// unescapePieces finds each piece of f (a line, or a quoted string) that holds a
// percent-escape or a JSON escaped slash, and scans it unescaped.
func (sc *scanner) unescapePieces(f *frame) {
	s := f.s
	pct, esc := -2, -2 // next escape of each kind at or after pos (-1: none, -2: not searched)
	for pos := 0; pos < len(s); {
		if pct != -1 && pct < pos {
			pct = nextPercentEscape(s, pos)
		}
		if esc != -1 && esc < pos {
			if esc = strings.Index(s[pos:], `\/`); esc >= 0 {
				esc += pos
			}
		}
		k := pct
		if k < 0 || esc >= 0 && esc < k {
			k = esc
		}
		if k < 0 {
			return
		}
		ps := k
		for ps > pos && !isPieceEnd(s[ps-1]) {
			ps--
		}
		pe := k
		for pe < len(s) && !isPieceEnd(s[pe]) {
			pe++
		}
		sc.work += pe - ps
		sc.unescape(f, ps, pe)
		pos = pe + 1
	}
}

// nextPercentEscape returns the position of the next %XX at or after i, or -1.
func nextPercentEscape(s string, i int) int {
	for i < len(s) {
		k := strings.IndexByte(s[i:], '%')
		if k < 0 {
			return -1
		}
		i += k
		if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			return i
		}
		i++
	}
	return -1
}

// unescape decodes the piece s[a:b] of f (%XX and \/) and scans the result.
func (sc *scanner) unescape(f *frame, a, b int) {
	s := f.s[a:b]
	d := f.depth + 1
	buf := slices.Grow(sc.esc[d][:0], len(s))
	offs := sc.offs[:0]
	pct, esc := false, false
	for i := 0; i < len(s); {
		c, n := s[i], 1
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			c, n, pct = unhex(s[i+1])<<4|unhex(s[i+2]), 3, true
		case c == '\\' && i+1 < len(s) && s[i+1] == '/':
			c, n, esc = '/', 2, true
		}
		buf = append(buf, c)
		if f.root {
			offs = append(offs, int32(a+i))
		}
		i += n
	}
	sc.esc[d], sc.offs = buf, offs
	if len(buf) < minTokenLen || !pct && !esc {
		return
	}
	child := &frame{s: unsafe.String(&buf[0], len(buf)), enc: chain(f.enc, unescapeName(pct, esc)), depth: d,
		unescaped: true}
	if f.root {
		child.offs, child.start, child.end = offs, a, b
	} else {
		child.start, child.end = f.span(0, len(f.s))
	}
	sc.scan(child)
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

func chain(a, b string) string {
	if a == "" {
		return b
	}
	return a + "+" + b
}

// allHex reports whether s is made of hexadecimal digits only (a hash, a trace
// id): the generator never issues such a secret.
func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if classes[s[i]]&clHex == 0 {
			return false
		}
	}
	return true
}

// base62Hex is allHex for s made of letters and digits only: eight bytes at a
// time, a letter or digit c is hexadecimal when c|0x20 (the lower case of a
// letter; a digit is unchanged) is below 'g'.
func base62Hex(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	var over uint64 // high bit of each byte that is g or above
	i := 0
	for ; i+8 <= len(b); i += 8 {
		over |= (binary.LittleEndian.Uint64(b[i:]) | 0x20*lo | hi) - 'g'*lo
	}
	return over&hi == 0 && allHex(s[i:])
}

// awsSecretShape is the cheap part of awsSecretGate: a 40-character string that
// fails it was never issued as an AWS secret access key.
func awsSecretShape(s string) bool {
	c := s[0]
	if classes[c]&clBase62 == 0 || c == 'x' || c == 'X' || allHex(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'A' || c > 'Z' && c < 'a' || c > 'z' {
			return true // not letters only
		}
	}
	return false
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
