package canary

import "github.com/decoykit/decoykit/internal/jsonscan"

// The fast page decoders (decode_token.go, decode_incident.go) are built on
// internal/jsonscan's Scanner, the only JSON grammar in the SDK besides
// encoding/json's (the page path's cursorWatch scans with it too).
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
// The decoders read the Console's JSON in one pass, straight into the SDK's
// types, and reproduce what encoding/json does
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
var errFast = jsonscan.ErrGiveUp

// scanner is jsonscan's Scanner with the page decoders' scratch space.
type scanner struct {
	jsonscan.Scanner
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
	if s.intern == nil || s.Peek() != '"' {
		return s.LenientString()
	}
	start := s.Pos
	raw, esc, err := s.Str()
	if err != nil {
		return "", err
	}
	if esc || len(raw) > maxInternLen {
		s.Pos = start
		return s.LenientString()
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

// fieldTable finds a decoder's member by name as encoding/json finds a
// struct field: the exact name first, then the case-insensitive match. Each
// decoder names its wire struct's members once, in its table, in the order
// of its member constants; TestFastDecodersNameEveryWireField holds every
// table to its wire struct's json tags.
//
// The exact match is a small open-addressing table keyed by a hash of the
// name's length and three of its bytes, compared byte for byte: member
// lookup runs once per member of every item of every page, and this costs a
// fraction of a map[string]int lookup (no string hashing).
type fieldTable struct {
	names  []string
	slots  [fieldSlots]int8 // index+1 of the name hashed here; 0: empty
	folded map[string]int
}

const fieldSlots = 128 // a power of two, well over the largest table's size

func newFieldTable(names ...string) *fieldTable {
	if len(names) > fieldSlots/2 {
		panic("canary: field table too large") // a programming error, at init
	}
	t := &fieldTable{names: names, folded: jsonscan.FoldedNames(names...)}
	for i, n := range names {
		h := fieldHash([]byte(n))
		for t.slots[h] != 0 {
			h = (h + 1) & (fieldSlots - 1)
		}
		t.slots[h] = int8(i + 1)
	}
	return t
}

func fieldHash(k []byte) uint {
	n := uint(len(k))
	if n == 0 {
		return 0
	}
	return (n*131 + uint(k[0])*31 + uint(k[n/2])*17 + uint(k[n-1])) & (fieldSlots - 1)
}

// lookup returns the index of key's member, or -1.
func (t *fieldTable) lookup(key []byte) int {
	for h := fieldHash(key); ; h = (h + 1) & (fieldSlots - 1) {
		i := t.slots[h]
		if i == 0 {
			break
		}
		if t.names[i-1] == string(key) {
			return int(i - 1)
		}
	}
	return jsonscan.FoldLookup(key, t.folded)
}
