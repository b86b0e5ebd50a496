package honeytoken

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/decoykit/decoykit/honeytoken/internal/hook"
)

// Match is a recognised honeytoken.
type Match struct {
	// ID is the token's id, as in Token.ID.
	ID string `json:"id"`
	// Format is the token's format.
	Format Format `json:"format"`
	// Part says whether the matched text is the token's Value or its Secret.
	Part Part `json:"part"`
	// Strength is the keyed evidence in bits: 64 for a tag match (a random string
	// matches with probability 2^-64), 40 for an AWS access key id alone (its
	// account id; see AWSAccessKey).
	Strength int `json:"strength"`
	// Retired is true when the token was issued under a retired key.
	Retired bool `json:"retired,omitempty"`

	// The fields below are set by Scan only.

	// Start and End are the byte offsets in the scanned text of the text the token
	// was found in: the token itself, or the encoded run that decoded to it.
	Start int `json:"start"`
	// End is the offset just past that text.
	End int `json:"end"`
	// Encoding is how the token was written there: "" for plain text, else
	// "base64", "url" or a chain such as "url+base64" (outermost first).
	Encoding string `json:"encoding,omitempty"`
	// Value is the token text that matched (after decoding).
	Value string `json:"value,omitempty"`
}

// MinTokenLen is the length of the shortest token a Generator issues (an AWS
// access key id; a custom format's prefix and body are longer). Recognize
// rejects a shorter string at once, and a caller that looks for tokens in text
// (an HTTP middleware splitting headers into fields) can skip shorter fields.
const MinTokenLen = 20

// Recognize reports whether s is exactly a token this generator (or one of its
// retired keys) issued, with its id and format. It needs no database and does
// not allocate unless it matches. A string with no known prefix or shape is
// rejected at once; one of a format's exact shape (another generator's token, a
// random string of the right length and alphabet) costs one keyed filter per
// key, usually a single AES block, before the full check (decryption and the
// 64-bit tag) that only the generator's own tokens reach.
func (g *Generator) Recognize(s string) (Match, bool) {
	var m Match
	ok := g.recognize(s, true, &m)
	return m, ok
}

// init gives package decoy, through package hook, a check that reports
// whether Recognize(s) would match without building the Match, and with auth
// set (s is from an HTTP Authorization header) does not try s as an AWS secret
// access key. decoy calls it on every candidate and Recognize only on a match.
func init() {
	hook.Has = func(det any) func(string, bool) bool {
		if g, ok := det.(*Generator); ok {
			return func(s string, auth bool) bool {
				var m Match
				return g.recognize(s, !auth, &m)
			}
		}
		return nil
	}
	hook.NewFilter = func(det any) *hook.Filter {
		if g, ok := det.(*Generator); ok {
			return g.filter()
		}
		return nil
	}
}

// filter builds the hook.Filter of g from its dispatch table and its
// prefix-less shapes (byLen): every prefix's first three bytes (a two-byte
// custom prefix followed by any byte), and the lengths of the AWS secret access key
// (skipped with auth, as recognize skips a secretOnly spec) and the database
// password.
func (g *Generator) filter() *hook.Filter {
	f := new(hook.Filter)
	set := func(s string) {
		h := hook.Start3(s)
		f.Start[h>>6] |= 1 << (h & 63)
	}
	for _, sp := range g.specs {
		for _, p := range sp.prefixes {
			switch {
			case len(p) >= 3:
				set(p)
			case len(p) == 2: // a custom format's
				for c := range 256 {
					set(p + string([]byte{byte(c)}))
				}
			default: // CustomFormat refuses a shorter prefix; were there one, pass all
				for i := range f.Start {
					f.Start[i] = ^uint64(0)
				}
			}
		}
	}
	for n, sps := range g.byLen {
		for _, sp := range sps {
			f.Bare |= 1 << n
			if !sp.secretOnly {
				f.BareAuth |= 1 << n
			}
		}
	}
	return f
}

// recognize is Recognize, writing the match into m; with secrets false it
// skips the specs that only recognise a secret half (an AWS secret access key,
// which a client never sends in an Authorization header: SigV4 sends the key
// id, the secret only signs).
func (g *Generator) recognize(s string, secrets bool, m *Match) bool {
	if len(s) < MinTokenLen || len(s) > 4096 {
		return false
	}
	x := le64(s)
	es := g.dispatch[s[0]]
	for i := range es {
		if !es[i].hasPrefix(x, s) {
			continue
		}
		if sp := es[i].sp; sp.layout != nil && g.tryLayout(sp, sp.layout, s, m, PartValue) || sp.layout == nil && g.try(sp, s, m) {
			return true
		}
		if es[i].last {
			return false
		}
	}
	if len(s) > maxBareLen {
		return false
	}
	for _, sp := range g.byLen[len(s)] {
		if sp.secretOnly && !secrets {
			continue
		}
		if l := sp.bareLayout; l != nil {
			// The layout's check rejects any byte outside its alphabet
			// (the carrier's decoding, then the derived characters), so
			// of bare only the hex test comes first.
			if !hexOnly(s) && g.tryLayout(sp, l, s, m, PartSecret) {
				return true
			}
			continue
		}
		if !sp.bare(s) {
			continue
		}
		if g.try(sp, s, m) {
			return true
		}
	}
	return false
}

// try is the keyed check of s as a token of sp under every key (current first,
// then retired), the one entry point for Recognize and Scan. s must already
// have sp's prefix or, for a prefix-less spec, its bare shape; try checks the
// rest. It allocates only on a match (the id's hex), takes one pooled scratch
// whatever the number of keys and costs, on a string that is not a token of
// this generator, a keyed filter per key (see alphabet.carrierFilter and layout.derivedRest). On a match
// it writes m and reports true; m is left alone otherwise.
func (g *Generator) try(sp *spec, s string, m *Match) bool {
	if l := sp.layout; l != nil {
		return g.tryLayout(sp, l, s, m, PartValue)
	}
	if sp.prefilter != nil && !g.prefilter(sp, s) {
		return false
	}
	sc := getScratch()
	for i, ks := range g.keys {
		sc.format = ""
		id, part, strength, ok := sp.recognize(ks, sc, s)
		if ok {
			f := sp.format
			if sc.format != "" {
				f = sc.format
			}
			putScratch(sc)
			*m = Match{ID: hex.EncodeToString(id[:]), Format: f, Part: part, Strength: strength, Retired: i > 0}
			return true
		}
	}
	putScratch(sc)
	return false
}

// tryLayout is try for a layout spec, written out for the common case, a
// string of the layout's exact shape that another generator issued: the
// checks no key enters (length, literal segments) come first, then, for a
// layout with per-generator segments (Slack), whether any key has them; the
// carrier is decoded once, the scratch taken once, and each key costs one
// AES block and the offset check (layout.check is the same sequence for one
// key). Only a string that passes goes on to the derived characters and the
// tag (layout.finish). A match is reported as part of sp's format.
func (g *Generator) tryLayout(sp *spec, l *layout, s string, m *Match, part Part) bool {
	if len(s) != l.length {
		return false
	}
	if l.litWords == nil {
		if !l.fixedMatchSegs(nil, s) {
			return false
		}
	} else {
		for _, lw := range l.litWords { // litMatch, written out
			if binary.LittleEndian.Uint64([]byte(s[lw.at:lw.at+8]))&lw.mask != lw.w {
				return false
			}
		}
	}
	if len(l.siteSegs) != 0 && !g.anySite(l, s) {
		return false
	}
	a := l.carrier.alpha
	w0, w1, hi, ok := a.readCarrierWords(s[l.carrierAt:])
	if !ok {
		return false
	}
	sc := getScratch()
	for i, ks := range g.keys {
		if len(l.siteSegs) != 0 {
			if ks = l.siteKey(ks, s); ks == nil {
				continue
			}
		}
		binary.BigEndian.PutUint64(sc.in[:8], w0)
		binary.BigEndian.PutUint64(sc.in[8:], w1^1) // the stream of domain 0: counter 1 in bytes 12-15
		ks.fill.Encrypt(sc.out[:], sc.in[:])
		// The offset check, hi == o0 % a.r.
		if !a.offsetIs(binary.BigEndian.Uint64(sc.out[:8]), hi) {
			continue
		}
		var id [8]byte
		if l.finish(sp.code, ks, sc, s, w0, w1, binary.BigEndian.Uint64(sc.out[8:]), &id) {
			putScratch(sc)
			*m = Match{ID: hex.EncodeToString(id[:]), Format: sp.format, Part: part, Strength: 64, Retired: i > 0}
			return true
		}
	}
	putScratch(sc)
	return false
}

// prefilter reports whether sp.prefilter holds for s under one of g's keys.
func (g *Generator) prefilter(sp *spec, s string) bool {
	for _, ks := range g.keys {
		if sp.prefilter(ks, s) {
			return true
		}
	}
	return false
}

// anySite reports whether one of g's keys (or its legacy Slack workspace)
// has the per-generator segments of s (see layout.siteKey).
func (g *Generator) anySite(l *layout, s string) bool {
	for _, ks := range g.keys {
		if l.siteKey(ks, s) != nil {
			return true
		}
	}
	return false
}

// le64 returns the first eight bytes of s (len(s) >= 8) little-endian; the
// compiler makes it one load.
func le64(s string) uint64 {
	return binary.LittleEndian.Uint64([]byte(s[:8]))
}

// hexOnly reports whether s is all lower-case or all upper-case hex digits: a
// session id, a request id, a SHA-1 or MD5 digest. Generate never issues a
// database password (32 base62) or AWS secret access key (40 base64) of that
// shape (their quality gates re-roll any all-hex value, p < 2^-62), so
// Recognize rejects it without a keyed check, and the hex ids real traffic is
// full of cost nothing.
func hexOnly(s string) bool {
	acc := byte(3)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		acc &= hexClass[w[0]] & hexClass[w[1]] & hexClass[w[2]] & hexClass[w[3]] &
			hexClass[w[4]] & hexClass[w[5]] & hexClass[w[6]] & hexClass[w[7]]
		if acc == 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		acc &= hexClass[s[i]]
	}
	return acc != 0
}

// hexClass is 3 for a digit, 1 for a-f, 2 for A-F and 0 otherwise: the AND of
// a string's classes is non-zero exactly when it is all lower-case or all
// upper-case hex.
var hexClass = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 3
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = 1
	}
	for c := 'A'; c <= 'F'; c++ {
		t[c] = 2
	}
	return t
}()
