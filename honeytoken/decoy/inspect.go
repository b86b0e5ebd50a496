package decoy

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"unsafe"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/honeytoken/internal/hook"
)

// credential header kinds.
const (
	credNone = iota
	credAuth
	credKey
	credCookie
)

// credentialKind classifies a canonical header name without allocating. One
// switch on the name's last four bytes (as an integer) rejects most names;
// each case then checks the exact name or credential suffix.
func credentialKind(name string) int {
	if len(name) < 6 { // the shortest credential names: Cookie, Apikey, X-Auth
		return credNone
	}
	t := name[len(name)-4:]
	var suf string
	switch uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24 {
	case last4("tion"):
		if name == "Authorization" || name == "Proxy-Authorization" {
			return credAuth
		}
		return credNone
	case last4("okie"):
		if name == "Cookie" {
			return credCookie
		}
		return credNone
	case last4("Auth"):
		if name == "X-Auth" {
			return credKey
		}
		return credNone
	case last4("-Key"):
		return credKey
	case last4("ikey"):
		if name == "Apikey" || name == "X-Apikey" {
			return credKey
		}
		suf = "-Apikey"
	// Names ending in a credential word: X-Api-Key, X-Goog-Api-Key,
	// X-Auth-Token, X-Amz-Security-Token, X-Client-Secret, Private-Token, ...
	case last4("oken"):
		suf = "-Token"
	case last4("cret"):
		suf = "-Secret"
	case last4("word"):
		suf = "-Password"
	case last4("tial"):
		suf = "-Credential"
	case last4("ials"):
		suf = "-Credentials"
	default:
		return credNone
	}
	if strings.HasSuffix(name, suf) && len(name) > len(suf) {
		return credKey
	}
	return credNone
}

// maybeCred is false for most header names that credentialKind rejects, in a
// few instructions: a hash of the name's last four bytes indexes credSuffixes,
// which has a bit set for each ending credentialKind accepts.
func maybeCred(name string) bool {
	if len(name) < 6 {
		return false
	}
	t := name[len(name)-4:]
	return credSuffixes>>(last4(t)*0x9E3779B1>>26)&1 != 0
}

var credSuffixes = func() (m uint64) {
	for _, w := range []string{"tion", "okie", "Auth", "-Key", "ikey", "oken", "cret", "word", "tial", "ials"} {
		m |= 1 << (last4(w) * 0x9E3779B1 >> 26)
	}
	return m
}()

// last4 packs four bytes little-endian, as credentialKind reads a name's end.
func last4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func (c *config) credKind(name string) int {
	if k := credentialKind(name); k != credNone {
		return k
	}
	if len(c.extraCred) > 0 && c.extraCred[name] {
		return credKey
	}
	return credNone
}

// finding is one honeytoken found in a request.
type finding struct {
	m      honeytoken.Match
	value  string // the token text as used (owned)
	place  Place
	header string // the header it came from, for masking
}

// inspection collects findings for one request. It lives on the stack; the
// slice is only allocated when something is found.
type inspection struct {
	det Detector
	// min is the shortest candidate worth a Recognize call: minCandidate, or
	// honeytoken.MinTokenLen for a *honeytoken.Generator.
	min int
	// has, for a *honeytoken.Generator, reports whether Recognize would match
	// (without an AWS secret access key when auth is set); a candidate it
	// rejects costs no Recognize call and no Match copy.
	has func(s string, auth bool) bool
	// filter, for a *honeytoken.Generator, rejects inline (no call) almost
	// every candidate has would reject: most fields of real traffic neither
	// start like one of its prefixes nor have a prefix-less token's length.
	filter *hook.Filter
	fs     []finding
}

func (in *inspection) add(m honeytoken.Match, value string, p Place, header string, owned bool) {
	for i := range in.fs {
		if in.fs[i].m.ID == m.ID && in.fs[i].m.Part == m.Part {
			return
		}
	}
	if !owned {
		value = strings.Clone(value)
	}
	in.fs = append(in.fs, finding{m: m, value: value, place: p, header: header})
}

// try recognises one candidate string.
func (in *inspection) try(c string, p Place, header string, owned bool) {
	c = trimWrap(c)
	auth := secretless(p)
	if len(c) < in.min || in.filter != nil && !in.filter.May(c, auth) || in.has != nil && !in.has(c, auth) {
		return
	}
	if m, ok := in.det.Recognize(c); ok {
		in.add(m, c, p, header, owned)
	}
}

// tryIn recognises v[a:b]. With nameSep ('&' in a query, ';' in a Cookie
// header) a finding is named after the name=value pair of v it is in; the
// name is only looked up then, so the clean path never pays for it. auth is
// secretless(*p), computed once per header value.
func (in *inspection) tryIn(v string, a, b int, p *Place, auth bool, header string, nameSep byte) {
	c := trimWrap(v[a:b])
	if len(c) < in.min || in.filter != nil && !in.filter.May(c, auth) || in.has != nil && !in.has(c, auth) {
		return
	}
	in.recognizeIn(c, v, a, p, header, nameSep)
}

// recognizeIn is tryIn's Recognize call and finding, out of line so that
// tryIn's frame, entered for every candidate, stays small.
//
//go:noinline
func (in *inspection) recognizeIn(c, v string, a int, p *Place, header string, nameSep byte) {
	if m, ok := in.det.Recognize(c); ok {
		q := *p
		if nameSep != 0 {
			q.Name = nameBefore(v, a, nameSep)
		}
		in.add(m, c, q, header, false)
	}
}

// secretless reports whether a candidate found at p cannot be an AWS secret
// access key: a field of an Authorization or Proxy-Authorization header as
// sent (not base64-decoded from Basic). No client sends a secret access key
// there: AWS SigV4 sends the key id (Credential=AKIA…, detected) and uses the
// secret only to sign. A secret in any other header, a cookie, the query, a
// Basic credential or the body is looked for.
func secretless(p Place) bool {
	return p.Kind == InAuthorization && p.Encoding == ""
}

// trimWrap drops quotes and brackets around a candidate.
func trimWrap(c string) string {
	for len(c) > 0 && isWrap(c[0]) {
		c = c[1:]
	}
	for len(c) > 0 && isWrap(c[len(c)-1]) {
		c = c[:len(c)-1]
	}
	return c
}

func isWrap(c byte) bool { return wrapTable[c] }

// wrapTable marks the quotes and brackets trimWrap drops (one load per end of
// every candidate; a switch on ten bytes took several compares).
var wrapTable = [256]bool{'"': true, '\'': true, '(': true, ')': true, '<': true, '>': true, '[': true, ']': true, '{': true, '}': true}

// sepTable marks the bytes that separate candidates inside a header value;
// querySep adds '&', which separates a raw query string's parameters.
var (
	sepTable = [256]bool{' ': true, '\t': true, ',': true, ';': true, '"': true, '\'': true, '\n': true, '\r': true}
	querySep = func() [256]bool { t := sepTable; t['&'] = true; return t }()
)

// minCandidate is the shortest string worth a Recognize call for any
// Detector; a *honeytoken.Generator issues nothing shorter than
// honeytoken.MinTokenLen, so for it shorter fields are skipped.
const minCandidate = 8

// fields tries every candidate in v in one pass: each field (split at the
// bytes sep marks), the part after its first '=' (cookie-like pairs,
// "Credential=AKIA…/…"), and that part up to its first '/' (an AWS SigV4
// credential scope). With nameSep (';' for a Cookie header, '&' for a raw
// query) v is a list of name=value pairs: a finding is named after its pair,
// and a value with percent-escapes or '+' is also tried decoded. Fields
// shorter than in.min (a theme, a page number) cost nothing beyond the scan.
func (in *inspection) fields(v string, sep *[256]bool, p Place, header string, nameSep byte) {
	auth := secretless(p)
	// The first field is read forward to its end without a call: a value
	// that is one token (a bearer, an API key, a JWT) is then read once.
	start, end := 0, fieldEnd(v, 0, sep)
	for {
		if end-start < in.min {
			if start, end = nextField(v, end, in.min, sep); start < 0 {
				return
			}
		}
		f := v[start:end]
		in.tryIn(v, start, end, &p, auth, header, nameSep)
		val := start
		if eq := strings.IndexByte(f, '='); eq >= 0 {
			val = start + eq + 1
			if end-val >= in.min {
				in.tryIn(v, val, end, &p, auth, header, nameSep)
				if s := strings.IndexByte(v[val:end], '/'); s > 0 {
					in.tryIn(v, val, val+s, &p, auth, header, nameSep)
				}
			}
		}
		// Decoding never lengthens a value.
		if nameSep != 0 && end-val >= in.min &&
			(strings.IndexByte(v[val:end], '%') >= 0 || strings.IndexByte(v[val:end], '+') >= 0) {
			q := p
			q.Name = nameBefore(v, val, nameSep)
			in.unescaped(v[val:end], q, header)
		}
		start = end // a separator or the end: no field is long enough from here
	}
}

// nextField returns the first field of v at or after i (i is 0, follows a
// separator or is one) that is at least min bytes long, or -1, -1. Each field
// is read forward by fieldEnd (up to 32 bytes per step on amd64), and the
// search stops when fewer than min bytes are left.
func nextField(v string, i, min int, sep *[256]bool) (start, end int) {
	if min < 1 {
		min = 1
	}
	for i+min <= len(v) {
		if sep[v[i]] {
			i++
			continue
		}
		e := fieldEnd(v, i, sep)
		if e-i >= min {
			return i, e
		}
		i = e + 1
	}
	return -1, -1
}

// fieldEnd returns the index of the first byte sep marks at or after i, or
// len(v). sepIndex finds the next byte that may be a separator (every
// separator is below 0x28, as are '%' and '&', or is ',' or ';'); one that sep
// does not mark (a '%' in a cookie, a '!') costs one table look-up and the
// search goes on after it. A long field (a 700-byte JWT) is read thirty-two
// bytes per step to its end on amd64.
func fieldEnd(v string, i int, sep *[256]bool) int {
	for i < len(v) {
		k := i + sepIndex(v[i:])
		if k >= len(v) || sep[v[k]] {
			return k
		}
		i = k + 1
	}
	return len(v)
}

// sepCand flags (high bit of the byte) the bytes of x, eight bytes of text
// read little-endian, that are below 0x28, ',' or ';': every byte sepTable or
// querySep marks is one. Bytes above the lowest flagged one may be flagged
// falsely; the lowest never is.
func sepCand(x uint64) uint64 {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	// A byte of x at or above 0x80 is one of comma and semi at or above 0x80
	// too, so one &^x drops it from all three tests.
	comma, semi := x^(ones*','), x^(ones*';')
	return ((x - ones*0x28) | (comma - ones) | (semi - ones)) &^ x & highs
}

// le64s reads eight bytes of s (len(s) == 8) little-endian; the compiler
// makes it one load.
func le64s(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// bufPool holds scratch buffers for decoded values on the fast path.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxDecoded is the longest value decoded on the fast path (Recognize rejects
// anything longer than 4096 bytes).
const maxDecoded = 4096

// auth checks an Authorization-style value: "Bearer x", "token x", "Basic
// base64(user:pass)", an AWS SigV4 header, or a bare key.
func (in *inspection) auth(v string, p Place, header string) {
	// The scheme word of "Bearer x", "Basic x" or "token x" is shorter than
	// any candidate: the split starts after it, which spares the search for
	// the first long field. The candidates are the same (fields of an
	// Authorization-style value are not named, so offsets do not matter).
	in.fields(v[schemeLen(v):], &sepTable, p, header, 0)
	const basic = "basic "
	if len(v) > len(basic) && v[0]|0x20 == 'b' && v[1]|0x20 == 'a' && strings.EqualFold(v[:len(basic)], basic) {
		enc := strings.TrimSpace(v[len(basic):])
		if len(enc) == 0 || base64.StdEncoding.DecodedLen(len(enc)) > maxDecoded {
			return
		}
		bp := bufPool.Get().(*[]byte)
		buf := (*bp)[:base64.StdEncoding.DecodedLen(len(enc))]
		n, err := base64.StdEncoding.Decode(buf, unsafe.Slice(unsafe.StringData(enc), len(enc)))
		if err == nil && n > 0 {
			s := unsafe.String(&buf[0], n)
			bp2 := p
			bp2.Encoding = "base64"
			in.try(s, bp2, header, false)
			if k := strings.IndexByte(s, ':'); k >= 0 {
				in.try(s[:k], bp2, header, false)
				in.try(s[k+1:], bp2, header, false)
			}
		}
		bufPool.Put(bp)
	}
}

// schemeLen returns the length of a leading "Bearer ", "Basic " or "token "
// of v (the letters in any case), or 0: one compare of the first eight bytes
// with the letters' case bit set, which folds only A-Z onto a-z.
func schemeLen(v string) int {
	if len(v) < 8 {
		return 0
	}
	x := le64s(v[:8])
	switch {
	case (x|0x202020202020)&0xffffffffffffff == schemeBearer:
		return 7
	case (x|0x2020202020)&0xffffffffffff == schemeBasic, (x|0x2020202020)&0xffffffffffff == schemeToken:
		return 6
	}
	return 0
}

// The scheme words as schemeLen compares them.
var (
	schemeBearer = le7("bearer ")
	schemeBasic  = le7("basic \x00")
	schemeToken  = le7("token \x00")
)

// le7 packs the first seven bytes of s little-endian.
func le7(s string) uint64 {
	var x uint64
	for i := 6; i >= 0; i-- {
		x = x<<8 | uint64(s[i])
	}
	return x
}

// unescaped tries v after percent-decoding ('+' as space); fields calls it
// for a value that has escapes.
func (in *inspection) unescaped(v string, p Place, header string) {
	if len(v) > maxDecoded {
		return
	}
	bp := bufPool.Get().(*[]byte)
	buf := (*bp)[:0]
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(v) && ishex(v[i+1]) && ishex(v[i+2]):
			c = unhex(v[i+1])<<4 | unhex(v[i+2])
			i += 2
		}
		buf = append(buf, c)
	}
	if len(buf) > 0 {
		p.Encoding = "url"
		in.fields(unsafe.String(&buf[0], len(buf)), &sepTable, p, header, 0)
	}
	*bp = buf[:0]
	bufPool.Put(bp)
}

func ishex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// cookies checks each cookie of a Cookie header (named after the cookie).
func (in *inspection) cookies(v string) {
	in.fields(v, &sepTable, Place{Kind: InCookie}, "Cookie", ';')
}

// query checks each parameter of a raw query string (named after the
// parameter), also percent-decoded.
func (in *inspection) query(raw string) {
	in.fields(raw, &querySep, Place{Kind: InQuery}, "", '&')
}

// fast checks the credential headers, cookies and query string with Recognize
// on candidate substrings. It allocates nothing unless it finds a token.
func (c *config) fast(in *inspection, r *http.Request) {
	extra := len(c.extraCred) > 0
	for name, vals := range r.Header {
		if extra || maybeCred(name) {
			c.checkHeader(in, name, vals)
		}
	}
	if r.URL != nil && r.URL.RawQuery != "" {
		in.query(r.URL.RawQuery)
	}
}

func (c *config) checkHeader(in *inspection, name string, vals []string) {
	if len(vals) == 0 {
		return
	}
	switch c.credKind(name) {
	case credAuth:
		for _, v := range vals {
			in.auth(v, Place{Kind: InAuthorization, Name: name}, name)
		}
	case credKey:
		for _, v := range vals {
			in.auth(v, Place{Kind: InHeader, Name: name}, name)
		}
	case credCookie:
		for _, v := range vals {
			in.cookies(v)
		}
	}
}

// thoroughScan runs Scan over every header value, the raw query string and
// the URL path.
func (c *config) thoroughScan(in *inspection, r *http.Request) {
	for name, vals := range r.Header {
		kind := InHeader
		switch c.credKind(name) {
		case credAuth:
			kind = InAuthorization
		case credCookie:
			kind = InCookie
		}
		for _, v := range vals {
			for _, m := range in.det.Scan(v) {
				p := Place{Kind: kind, Name: name, Encoding: m.Encoding}
				if kind == InCookie {
					p.Name = nameBefore(v, m.Start, ';')
				}
				in.add(m, m.Value, p, name, false)
			}
		}
	}
	if r.URL == nil {
		return
	}
	if q := r.URL.RawQuery; q != "" {
		for _, m := range in.det.Scan(q) {
			in.add(m, m.Value, Place{Kind: InQuery, Name: nameBefore(q, m.Start, '&'), Encoding: m.Encoding}, "", false)
		}
	}
	if p := r.URL.EscapedPath(); len(p) > minCandidate {
		for _, m := range in.det.Scan(p) {
			in.add(m, m.Value, Place{Kind: InPath, Encoding: m.Encoding, Offset: m.Start}, "", false)
		}
	}
}

// nameBefore returns the name of the name=value pair (separated by sep) that
// holds offset at.
func nameBefore(s string, at int, sep byte) string {
	if at > len(s) {
		return ""
	}
	start := strings.LastIndexByte(s[:at], sep) + 1
	pair := s[start:]
	if i := strings.IndexByte(pair, sep); i >= 0 {
		pair = pair[:i]
	}
	name, _, ok := strings.Cut(pair, "=")
	if !ok || start+len(name) > at {
		return ""
	}
	return strings.TrimSpace(name)
}

// readBody reads up to c.bodyMax leading bytes of r's body. When keep is set,
// r.Body is replaced by a reader that yields exactly the original bytes.
func (c *config) readBody(r *http.Request, keep bool) ([]byte, error) {
	if c.bodyMax <= 0 || r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, nil
	}
	size := c.bodyMax
	if r.ContentLength > 0 && r.ContentLength < size {
		size = r.ContentLength
	}
	buf := make([]byte, size)
	n, err := io.ReadFull(r.Body, buf)
	buf = buf[:n]
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	if keep {
		rest := io.MultiReader(bytes.NewReader(buf), r.Body)
		if err != nil {
			rest = bytes.NewReader(buf) // the body failed: give back what was read, then the error
		}
		r.Body = &replayBody{Reader: rest, orig: r.Body, err: err}
	}
	return buf, err
}

// replayBody gives back the bytes read for the scan, then the rest.
type replayBody struct {
	io.Reader
	orig io.ReadCloser
	err  error // a read error met while scanning, returned after the bytes read
}

func (b *replayBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (b *replayBody) Close() error { return b.orig.Close() }

// body scans the leading body bytes.
func (in *inspection) body(b []byte) {
	if len(b) == 0 {
		return
	}
	for _, m := range in.det.Scan(unsafe.String(&b[0], len(b))) {
		in.add(m, m.Value, Place{Kind: InBody, Encoding: m.Encoding, Offset: m.Start}, "", false)
	}
}
