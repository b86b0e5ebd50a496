package honeytoken

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Meta describes where a token was placed and why. It is recorded with the token,
// never embedded in it.
type Meta struct {
	// Location is where the token is planted, e.g. "infra/.env" or "wiki: Deploy".
	Location string `json:"location,omitempty"`
	// Memo is a note for whoever handles an alert.
	Memo string `json:"memo,omitempty"`
	// Labels are free-form key/value pairs (team, environment, ticket).
	Labels map[string]string `json:"labels,omitempty"`
	// ExpiresAt is when the token should be rotated; for a JWT it is also the exp
	// claim. Zero means no expiry.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Token is a generated honeytoken.
type Token struct {
	// ID identifies the token; it is carried, encrypted, inside Value.
	ID string `json:"id"`
	// Format is the credential shape.
	Format Format `json:"format"`
	// Value is the credential (for AWS, the access key id).
	Value string `json:"value"`
	// Secret is the second half of a pair (the AWS secret access key), else empty.
	Secret string `json:"secret,omitempty"`
	// CreatedAt is when the token was generated.
	CreatedAt time.Time `json:"created_at"`
	// Meta is the placement metadata given to Generate.
	Meta Meta `json:"meta"`
}

// Generator mints and recognises honeytokens under a secret key. It is safe for
// concurrent use. Its key never appears in fmt or slog output.
type Generator struct {
	keys      []*keySet // [0] is current; the rest are retired
	specs     map[Format]*spec
	order     []Format
	dispatch  [256][]dispatchEntry    // specs with a prefix, by the prefix's first byte
	byLen     [maxBareLen + 1][]*spec // prefix-less candidates by length (AWS secrets, database passwords)
	scan      scanTables              // how Scan finds each format (scan.go)
	now       func() time.Time
	rand      io.Reader
	jwtClaims JWTClaims
}

type config struct {
	retired   [][]byte
	customs   []CustomFormat
	now       func() time.Time
	rand      io.Reader
	jwtClaims JWTClaims
}

// Option configures a [Generator].
type Option func(*config) error

// WithRetiredKeys adds keys that are no longer used to generate but whose tokens
// Recognize and Scan still match (Match.Retired is true), so that tokens stay
// recognisable after a key rotation. Each key must satisfy the same rules as the
// current key.
func WithRetiredKeys(keys ...[]byte) Option {
	return func(c *config) error {
		for _, k := range keys {
			c.retired = append(c.retired, slices.Clone(k))
		}
		return nil
	}
}

// WithClock sets the clock used for Token.CreatedAt and JWT iat/exp (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return &ValidationError{Field: "WithClock", Reason: "clock must not be nil"}
		}
		c.now = now
		return nil
	}
}

// WithRandom sets the source of randomness for token ids (default crypto/rand).
// Only tests that need reproducible output should set it.
func WithRandom(r io.Reader) Option {
	return func(c *config) error {
		if r == nil {
			return &ValidationError{Field: "WithRandom", Reason: "reader must not be nil"}
		}
		c.rand = r
		return nil
	}
}

// NewGenerator returns a generator for key, which must be at least [MinKeySize]
// random bytes (e.g. from crypto/rand). The key is copied; sub-keys for tagging,
// JWT signing and AWS secrets are derived from it.
func NewGenerator(key []byte, opts ...Option) (*Generator, error) {
	c := config{now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		if o == nil { // skipped, as in every package's options
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if err := checkKey("key", key); err != nil {
		return nil, err
	}
	g := &Generator{specs: maps.Clone(builtinSpecs), order: Formats(), now: c.now, rand: c.rand, jwtClaims: c.jwtClaims}
	g.keys = append(g.keys, newKeySet(key))
	for i, k := range c.retired {
		if err := checkKey(fmt.Sprintf("retired key #%d", i+1), k); err != nil {
			return nil, err
		}
		g.keys = append(g.keys, newKeySet(k))
	}
	for _, cf := range c.customs {
		sp, err := cf.spec()
		if err != nil {
			return nil, err
		}
		if _, dup := g.specs[cf.Name]; dup {
			return nil, &FormatError{Format: cf.Name, Reason: "name is already used by another format; choose another Name"}
		}
		g.specs[cf.Name] = sp
		g.order = append(g.order, cf.Name)
	}
	for _, f := range g.order {
		sp := g.specs[f]
		for _, p := range sp.prefixes {
			g.dispatch[p[0]] = append(g.dispatch[p[0]], newDispatchEntry(sp, p))
		}
	}
	// Longest prefix first, so github_pat_ is tried before a shorter custom "g…" prefix.
	for i := range g.dispatch {
		slices.SortStableFunc(g.dispatch[i], func(a, b dispatchEntry) int { return maxPrefix(b.sp) - maxPrefix(a.sp) })
	}
	// Secret access keys: the AKIA spec recognises the secrets of both AKIA and
	// ASIA keys with one keyed filter (see awsSpec).
	g.byLen[40] = []*spec{g.specs[AWSAccessKey]}
	g.byLen[dbPasswordLen] = []*spec{g.specs[DatabaseURL]}
	for _, es := range g.dispatch {
		for i := range es {
			es[i].last = g.lastEntry(es, i)
		}
	}
	g.scan = newScanTables(g)
	return g, nil
}

// maxBareLen is the longest prefix-less shape (an AWS secret access key); an
// array indexed by length is a cheaper lookup than a map on Recognize's path.
const maxBareLen = 40

// dispatchEntry is one prefix of a spec: its first (up to) eight bytes
// little-endian, the mask of the bytes it has, and the rest of the prefix.
// Recognize compares a candidate's first eight bytes with one integer
// comparison per prefix instead of a string comparison.
type dispatchEntry struct {
	w, mask    uint64
	rest       string
	len0, len1 int // the candidate lengths sp allows (sp.lens), -1 for any
	sp         *spec
	prefix     string
	// last is set when no string with this prefix can be a token of a spec
	// tried after it (see lastEntry): Recognize stops when its try fails.
	last bool
}

// lastEntry reports whether a candidate that es[i] dispatches cannot be a
// token of any spec Recognize would try after it: no later entry's prefix
// is a prefix of es[i]'s or the other way round, and no prefix-less spec of
// a length es[i] allows accepts a string that starts with es[i]'s prefix
// (a byte of the prefix is outside the spec's bareAlpha).
func (g *Generator) lastEntry(es []dispatchEntry, i int) bool {
	p := es[i].prefix
	for _, e := range es[i+1:] {
		if strings.HasPrefix(p, e.prefix) || strings.HasPrefix(e.prefix, p) {
			return false
		}
	}
	for n, sps := range g.byLen {
		if es[i].len0 >= 0 && n != es[i].len0 && n != es[i].len1 {
			continue
		}
		for _, sp := range sps {
			if sp.bareAlpha == nil || sp.bareAlpha.valid(p) {
				return false
			}
		}
	}
	return true
}

func newDispatchEntry(sp *spec, p string) dispatchEntry {
	e := dispatchEntry{sp: sp, len0: -1, len1: -1, prefix: p}
	switch len(sp.lens) {
	case 0:
	case 1:
		e.len0, e.len1 = sp.lens[0], sp.lens[0]
	case 2:
		e.len0, e.len1 = sp.lens[0], sp.lens[1]
	default:
		panic("honeytoken: a spec allows at most two lengths") // built-in specs only
	}
	for i := 0; i < len(p) && i < 8; i++ {
		e.w |= uint64(p[i]) << (8 * i)
		e.mask |= 0xff << (8 * i)
	}
	if len(p) > 8 {
		e.rest = p[8:]
	}
	return e
}

// hasPrefix reports whether s, whose first eight bytes are x (s is at least
// MinTokenLen long), starts with e's prefix and has a length e's spec allows.
func (e *dispatchEntry) hasPrefix(x uint64, s string) bool {
	return x&e.mask == e.w && (e.len0 < 0 || len(s) == e.len0 || len(s) == e.len1) &&
		(e.rest == "" || len(s)-8 >= len(e.rest) && s[8:8+len(e.rest)] == e.rest)
}

func maxPrefix(sp *spec) int {
	n := 0
	for _, p := range sp.prefixes {
		n = max(n, len(p))
	}
	return n
}

func checkKey(which string, key []byte) error {
	if len(key) < MinKeySize {
		return &KeyError{Which: which, Len: len(key), Reason: "is too short"}
	}
	same := true
	for _, b := range key[1:] {
		if b != key[0] {
			same = false
			break
		}
	}
	if same {
		return &KeyError{Which: which, Len: len(key), Reason: "repeats a single byte and cannot be random"}
	}
	return nil
}

// Formats lists the formats this generator can generate: the built-in ones, then
// its custom formats.
func (g *Generator) Formats() []Format { return slices.Clone(g.order) }

type genInput struct {
	now  time.Time
	meta Meta
	jwt  JWTClaims
}

// maxAttempts bounds re-rolls; a value passes the quality gates with probability
// above 0.5 for every format, so reaching it means the random source is broken.
const maxAttempts = 200

// ErrRandom is returned when the random source fails or keeps producing values
// that do not pass the quality gates.
var ErrRandom = errors.New("honeytoken: random source failed")

// Generate mints a token of format f carrying a fresh id, with meta attached.
func (g *Generator) Generate(f Format, meta Meta) (Token, error) {
	sp := g.specs[f]
	if sp == nil {
		return Token{}, unknownFormat(f)
	}
	in := genInput{now: g.now(), meta: meta, jwt: g.jwtClaims}
	ks := g.keys[0]
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	var rnd [16]byte
	for range maxAttempts {
		if _, err := io.ReadFull(g.rand, rnd[:]); err != nil {
			return Token{}, fmt.Errorf("%w: %v", ErrRandom, err)
		}
		id, value, secret, ok := sp.generate(ks, sc, &rnd, &in)
		if !ok {
			continue
		}
		if meta.Labels != nil {
			meta.Labels = maps.Clone(meta.Labels)
		}
		return Token{ID: hex.EncodeToString(id[:]), Format: f, Value: value, Secret: secret,
			CreatedAt: in.now, Meta: meta}, nil
	}
	return Token{}, fmt.Errorf("%w: no value passed the scanner filters in %d attempts", ErrRandom, maxAttempts)
}
