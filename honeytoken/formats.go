package honeytoken

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
)

// Format names a credential shape. The built-in formats are the constants below;
// [WithCustomFormat] adds a team's own.
type Format string

// The built-in formats. Each is shaped exactly as its issuer shapes it
// (prefix, length, alphabet, public checksum), as the issuers document them
// and gitleaks' config/gitleaks.toml (v8.30.1) matches them.
const (
	// AWSAccessKey is an AWS access key id (AKIA + 16 base32 characters that encode
	// the generator's AWS account id) with its 40-character secret access key in
	// Token.Secret. The account is chosen per generator key, never a known canary
	// account (TruffleHog's Thinkst and "off brand" lists) nor an AWS documentation
	// account (123456789012, 111122223333, ...), so no scanner calls the key a
	// canary. A key id alone identifies a honeytoken with 40 bits of evidence (the
	// generator's account and 39 free bits; Match.Strength 40); the secret carries
	// the full 64-bit tag.
	AWSAccessKey Format = "aws-access-key"
	// AWSTemporaryKey is an STS access key id (ASIA…) with its secret access key.
	AWSTemporaryKey Format = "aws-temporary-key"
	// GitHubClassic is a classic personal access token: ghp_ + 30 base62 + CRC32 (6).
	GitHubClassic Format = "github-classic"
	// GitHubOAuth is an OAuth access token: gho_ + 30 base62 + CRC32 (6).
	GitHubOAuth Format = "github-oauth"
	// GitHubApp is a GitHub App installation token: ghs_ + 30 base62 + CRC32 (6).
	GitHubApp Format = "github-app"
	// GitHubFineGrained is a fine-grained personal access token:
	// github_pat_ + 22 base62 (starting 11) + _ + 59 base62.
	GitHubFineGrained Format = "github-fine-grained"
	// GitLabPAT is a routable GitLab personal access token as gitlab.com issues it:
	// glpat- + 38 base64url characters (16 random bytes and the routing payload
	// "o:1", "u:<user id>") + ".01." (token version 1) + the base36 payload length
	// and the base36 CRC-32 of everything before it (57 characters).
	GitLabPAT Format = "gitlab-pat"
	// StripeSecret is a live secret key: sk_live_ + 99 base62.
	StripeSecret Format = "stripe-secret"
	// StripeRestricted is a live restricted key: rk_live_ + 99 base62.
	StripeRestricted Format = "stripe-restricted"
	// SlackBot is a bot token: xoxb-<team>-<bot id>-<24 base62>.
	SlackBot Format = "slack-bot"
	// SlackUser is a user token: xoxp-<team>-<user>-<id>-<32 hex>.
	SlackUser Format = "slack-user"
	// SlackWebhook is an incoming webhook URL: https://hooks.slack.com/services/T…/B…/<24 base62>.
	SlackWebhook Format = "slack-webhook"
	// GoogleAPIKey is a Google API key: AIzaSy + 33 base64url characters.
	GoogleAPIKey Format = "google-api-key"
	// OpenAI is a project key: sk-proj- + 74 + T3BlbkFJ + 74 base64url characters.
	OpenAI Format = "openai"
	// Anthropic is an API key: sk-ant-api03- + 93 base64url characters + AA.
	Anthropic Format = "anthropic"
	// NPM is an npm access token: npm_ + 30 base62 + CRC32 (6).
	NPM Format = "npm"
	// SendGrid is a SendGrid API key: SG. + 22 + . + 43 base64url characters.
	SendGrid Format = "sendgrid"
	// PrivateKey is an OpenSSH Ed25519 private key, as ssh-keygen writes to
	// ~/.ssh/id_ed25519 ("OPENSSH PRIVATE KEY", unencrypted, user@host comment); it
	// parses with golang.org/x/crypto/ssh and ssh-keygen and signs. PKCS #8 keys
	// issued by earlier versions are still recognised.
	PrivateKey Format = "private-key"
	// DatabaseURL is a PostgreSQL connection URL whose password carries the tag.
	DatabaseURL Format = "database-url"
	// JWT is an HS256 JSON Web Token with registered claims only (iss, sub, iat,
	// exp, a UUIDv4 jti; aud and scope when set with [WithJWTClaims]) signed with a
	// key derived from the generator key.
	JWT Format = "jwt"
)

var builtinFormats = []Format{
	AWSAccessKey, AWSTemporaryKey, GitHubClassic, GitHubOAuth, GitHubApp, GitHubFineGrained, GitLabPAT,
	StripeSecret, StripeRestricted, SlackBot, SlackUser, SlackWebhook, GoogleAPIKey, OpenAI, Anthropic,
	NPM, SendGrid, PrivateKey, DatabaseURL, JWT,
}

// Formats lists the built-in formats.
func Formats() []Format { return slices.Clone(builtinFormats) }

// String returns the format name.
func (f Format) String() string { return string(f) }

// Part says which half of a token a match is.
type Part int

const (
	// PartValue is Token.Value.
	PartValue Part = iota
	// PartSecret is Token.Secret (the AWS secret access key).
	PartSecret
)

// String returns "value" or "secret".
func (p Part) String() string {
	if p == PartSecret {
		return "secret"
	}
	return "value"
}

// MarshalText encodes the part as "value" or "secret".
func (p Part) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes "value" or "secret".
func (p *Part) UnmarshalText(b []byte) error {
	switch string(b) {
	case "value":
		*p = PartValue
	case "secret":
		*p = PartSecret
	default:
		return &ValidationError{Field: "Part", Reason: fmt.Sprintf("unknown part %q; use \"value\" or \"secret\"", b)}
	}
	return nil
}

func formatCode(f Format) uint32 {
	h := sha256.Sum256([]byte("decoykit/honeytoken/format/" + string(f)))
	return binary.BigEndian.Uint32(h[:4])
}

// spec is everything the package knows about one format.
type spec struct {
	format   Format
	code     uint32
	prefixes []string // literal prefixes used to dispatch a candidate (nil: none)
	// lens are the lengths a candidate with one of prefixes can have (nil:
	// any); Recognize tries no other.
	lens []int
	// generate derives a token from 16 random bytes. ok is false when the value
	// must be re-rolled (quality gate).
	generate func(ks *keySet, sc *scratch, rnd *[16]byte, in *genInput) (id [8]byte, value, secret string, ok bool)
	// recognize checks s under ks.
	recognize func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool)
	// maxLen bounds a candidate's length (Scan), 0 for formats Scan handles itself.
	maxLen int
	// bare, for a prefix-less candidate (an AWS secret, a database password),
	// reports whether s has the right alphabet before any key is tried.
	bare func(s string) bool
	// bareAlpha, for a prefix-less spec, is an alphabet that holds every
	// byte of a string bare accepts (nil: unknown); Recognize uses it to
	// know that a prefixed candidate cannot also be a bare one.
	bareAlpha *alphabet
	// bareLayout, for a prefix-less spec whose bare shape is a layout (a
	// database password alone), is that layout: Recognize checks a bare
	// candidate with tryLayout, after !hexOnly(s) but without the rest of
	// bare (the alphabet, which the layout's check verifies), and reports
	// it as PartSecret.
	bareLayout *layout
	// prefilter, when set, reports whether s can be a token of the spec
	// under ks, without a scratch or AES (an AWS key id's account): try
	// takes a scratch only when it holds for one of the keys.
	prefilter func(ks *keySet, s string) bool
	// secretOnly marks a prefix-less spec whose bare shape is only ever a
	// Token.Secret (an AWS secret access key): see Generator.has.
	secretOnly bool
	// layout is the layout the spec was built from (nil for the other formats).
	layout *layout
}

// segment kinds of a layout.
type segKind uint8

const (
	segLit     segKind = iota // fixed text
	segSite                   // per-generator constant of fixed length
	segFill                   // characters derived from the ciphertext
	segCarrier                // the ciphertext (m digits) then fill up to n
	segCRC62                  // GitHub/npm checksum over the text since crcFrom
)

type segment struct {
	kind  segKind
	lit   string
	site  func(*siteConsts) string
	alpha *alphabet
	n     int
}

func lit(s string) segment { return segment{kind: segLit, lit: s, n: len(s)} }
func site(n int, f func(*siteConsts) string) segment {
	return segment{kind: segSite, site: f, n: n}
}
func fill(a *alphabet, n int) segment { return segment{kind: segFill, alpha: a, n: n} }
func carrier(a *alphabet, n int) segment {
	c := a.withLimit(n)
	return segment{kind: segCarrier, alpha: &c, n: n}
}
func crc62() segment { return segment{kind: segCRC62, n: 6} }

// layout is a format made of segments: the common case.
type layout struct {
	segs      []segment
	length    int
	carrierAt int // offset of the carrier segment
	carrier   *segment
	crcFrom   int     // where the checksummed text starts
	entropy   float64 // scanner threshold the whole value must exceed
	noDash    bool    // the last character must be a word character (\b in the rule)
	fixed     []bool  // characters of literal segments, exempt from the avoidance check
	fixedSegs []int   // indexes of the literal and per-generator segments
	segAt     []int   // offset of each segment
	// litWords are the literal segments in pieces of up to eight bytes, each
	// compared as one masked word (nil when the layout is shorter than eight
	// bytes: fixedMatch then compares them as strings); siteSegs are the
	// indexes of the per-generator segments.
	litWords []litWord
	siteSegs []int
}

// litWord is up to eight literal bytes of a layout: s[at:at+8] read
// little-endian, masked, equals w.
type litWord struct {
	at      int
	w, mask uint64
}

func newLayout(entropy float64, crcFrom int, segs ...segment) *layout {
	l := &layout{segs: segs, entropy: entropy, crcFrom: crcFrom}
	for i := range segs {
		if segs[i].kind == segCarrier {
			l.carrierAt = l.length
			l.carrier = &l.segs[i]
		}
		for range segs[i].n {
			l.fixed = append(l.fixed, segs[i].kind == segLit)
		}
		if segs[i].kind == segLit || segs[i].kind == segSite {
			l.fixedSegs = append(l.fixedSegs, i)
		}
		l.segAt = append(l.segAt, l.length)
		l.length += segs[i].n
	}
	if l.length >= 8 {
		for i, sg := range l.segs {
			switch sg.kind {
			case segSite:
				l.siteSegs = append(l.siteSegs, i)
			case segLit:
				for off := 0; off < sg.n; off += 8 {
					piece := sg.lit[off:min(off+8, sg.n)]
					at := l.segAt[i] + off
					lw := litWord{at: min(at, l.length-8)}
					for j := range len(piece) {
						sh := 8 * (at - lw.at + j)
						lw.w |= uint64(piece[j]) << sh
						lw.mask |= 0xff << sh
					}
					l.litWords = append(l.litWords, lw)
				}
			}
		}
	}
	return l
}

// render appends the token carried by ct.
func (l *layout) render(ks *keySet, sc *scratch, ct *[16]byte, dst []byte) []byte {
	s := newStream(ks, sc, ct, 0)
	r := s.uint64()
	start := len(dst)
	for i := range l.segs {
		sg := &l.segs[i]
		switch sg.kind {
		case segLit:
			dst = append(dst, sg.lit...)
		case segSite:
			dst = append(dst, sg.site(&ks.site)...)
		case segFill:
			dst = s.appendChars(dst, sg.alpha, sg.n)
		case segCarrier:
			dst = sg.alpha.appendCarrier(dst, ct, r)
			dst = s.appendChars(dst, sg.alpha, sg.n-sg.alpha.m)
		case segCRC62:
			dst = appendCRC62(dst, dst[start+l.crcFrom:])
		}
	}
	return dst
}

func (l *layout) spec(f Format) *spec {
	sp := &spec{format: f, code: formatCode(f), maxLen: l.length, layout: l}
	if l.segs[0].kind == segLit {
		sp.prefixes = []string{l.segs[0].lit}
		sp.lens = []int{l.length}
	}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		v := l.render(ks, sc, &ct, sc.buf[:0])
		if !l.gate(v) {
			return id, "", "", false
		}
		return id, string(v), "", true
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		w0, w1, hi, ok := l.shape(s)
		if !ok || !l.check(sp.code, ks, sc, s, w0, w1, hi, &id) {
			return id, 0, 0, false
		}
		return id, PartValue, 64, true
	}
	return sp
}

// carrierFilter decodes the carrier digits at the start of s and runs the
// first step of the keyed filter on them (see derivedRest): the offset the
// carrier's high word holds must be the stream's first eight bytes mod a.r
// (one AES block), which a foreign string of the right shape fails in all but
// about one case in a.r. It returns the ciphertext and the second half of the
// stream's first block, from which derivedRest goes on.
func (a *alphabet) carrierFilter(ks *keySet, sc *scratch, s string) (ct [16]byte, o1 uint64, ok bool) {
	w0, w1, hi, ok := a.readCarrierWords(s)
	if !ok {
		return ct, 0, false
	}
	o0, o1 := ks.firstBlock(ks.fill, sc, w0, w1^1) // the stream of domain 0: counter 1 in bytes 12-15
	// The offset check, hi == o0 % a.r.
	if !a.offsetIs(o0, hi) {
		return ct, 0, false
	}
	binary.BigEndian.PutUint64(ct[:8], w0)
	binary.BigEndian.PutUint64(ct[8:], w1)
	return ct, o1, true
}

// shape is the part of a layout's check that no key enters: s has the
// layout's length and literal segments, and its carrier digits decode (see
// readCarrierWords). It returns the carrier's words for check; try runs it
// once, before taking a scratch, whatever the number of keys.
func (l *layout) shape(s string) (w0, w1, hi uint64, ok bool) {
	if len(s) != l.length || !l.litMatch(s) {
		return 0, 0, 0, false
	}
	return l.carrier.alpha.readCarrierWords(s[l.carrierAt:])
}

// check is the keyed part of a layout's check of s under ks, given shape's
// words: the per-generator segments (siteKey), the carrier's offset
// (carrierFilter's test, one AES block), then finish. On a match it writes
// the token id into id. tryLayout runs the same steps for every key.
func (l *layout) check(code uint32, ks *keySet, sc *scratch, s string, w0, w1, hi uint64, id *[8]byte) bool {
	if ks = l.siteKey(ks, s); ks == nil {
		return false
	}
	o0, o1 := ks.firstBlock(ks.fill, sc, w0, w1^1) // the stream of domain 0: counter 1 in bytes 12-15
	// The offset check, hi == o0 % a.r.
	if !l.carrier.alpha.offsetIs(o0, hi) {
		return false
	}
	return l.finish(code, ks, sc, s, w0, w1, o1, id)
}

// siteKey returns ks when s has its per-generator segments (a Slack
// workspace), else ks's legacy key set when s has that one's (a key whose
// Slack workspace had to change, keys.go, still recognises the decoys it
// minted with the old one), else nil.
func (l *layout) siteKey(ks *keySet, s string) *keySet {
	if l.siteMatch(ks, s) {
		return ks
	}
	if ks.legacySite != nil && l.siteMatch(ks.legacySite, s) {
		return ks.legacySite
	}
	return nil
}

// finish is the rest of a layout's check for a string whose carrier (the
// words w0 and w1, the ciphertext) passed the offset check under ks, o1
// being the second half of the stream's first block: the derived characters
// (derivedRest) and the tag. On a match it writes the token id into id.
func (l *layout) finish(code uint32, ks *keySet, sc *scratch, s string, w0, w1, o1 uint64, id *[8]byte) bool {
	var ct [16]byte
	binary.BigEndian.PutUint64(ct[:8], w0)
	binary.BigEndian.PutUint64(ct[8:], w1)
	return l.derivedRest(ks, sc, &ct, o1, s) && ks.open(sc, code, &ct, id)
}

// litMatch reports whether s (of length l.length) has l's literal segments,
// compared as masked words (segment by segment for a layout shorter than
// eight bytes).
func (l *layout) litMatch(s string) bool {
	if l.litWords == nil || len(s) != l.length {
		return l.fixedMatchSegs(nil, s)
	}
	for _, lw := range l.litWords {
		if binary.LittleEndian.Uint64([]byte(s[lw.at:lw.at+8]))&lw.mask != lw.w {
			return false
		}
	}
	return true
}

// siteMatch reports whether s (of length l.length) has ks's per-generator
// segments (a Slack workspace).
func (l *layout) siteMatch(ks *keySet, s string) bool {
	for _, i := range l.siteSegs {
		sg, pos := &l.segs[i], l.segAt[i]
		if s[pos:pos+sg.n] != sg.site(&ks.site) {
			return false
		}
	}
	return true
}

// fixedMatch reports whether s (of length l.length) has l's literal and
// per-generator segments: a foreign token of the same format usually differs in
// its site constants (a Slack team), so it is rejected here without any AES.
func (l *layout) fixedMatch(ks *keySet, s string) bool {
	if l.litWords != nil && len(s) == l.length {
		// The per-generator segments first: a foreign Slack token differs
		// there (its workspace), and its literals are every Slack token's.
		return l.siteMatch(ks, s) && l.litMatch(s)
	}
	return l.fixedMatchSegs(ks, s)
}

// fixedMatchSegs is fixedMatch comparing segment by segment as strings;
// with ks nil it compares the literal segments only.
func (l *layout) fixedMatchSegs(ks *keySet, s string) bool {
	if len(s) != l.length {
		return false
	}
	for _, i := range l.fixedSegs {
		sg, pos := &l.segs[i], l.segAt[i]
		want := sg.lit
		if sg.kind == segSite {
			if ks == nil {
				continue
			}
			want = sg.site(&ks.site)
		}
		if s[pos:pos+sg.n] != want {
			return false
		}
	}
	return true
}

// derivedRest reports whether s is l rendered from ct, given that s's carrier
// digits decode to ct, that they passed carrierFilter (o1 is the second half
// of the stream's first block) and that fixedMatch holds. With carrierFilter
// it is the keyed filter of Recognize: it derives the stream in render's order
// and compares as it goes, so a foreign string of the right shape fails after
// one AES block (the carrier offset, then the first fill characters) in all
// but about one case in 2^8 or more. Only a string that passes is decrypted
// and has its tag checked. Early exit leaks only where a guess first differs
// from characters derived under the fill key, which is independent of the tag
// keys.
func (l *layout) derivedRest(ks *keySet, sc *scratch, ct *[16]byte, o1 uint64, s string) bool {
	st := stream{blk: ks.fill, sc: sc, ct: *ct, ctr: 1, pos: 8}
	binary.BigEndian.PutUint64(st.out[8:], o1)
	pos := 0
	for i := range l.segs {
		sg := &l.segs[i]
		switch sg.kind {
		case segFill:
			for j := range sg.n {
				if st.char(sg.alpha) != s[pos+j] {
					return false
				}
			}
		case segCarrier:
			for j := sg.alpha.m; j < sg.n; j++ {
				if st.char(sg.alpha) != s[pos+j] {
					return false
				}
			}
		case segCRC62:
			n := copy(sc.buf[:], s[l.crcFrom:pos])
			var sum [6]byte
			if string(appendCRC62(sum[:0], sc.buf[:n])) != s[pos:pos+sg.n] {
				return false
			}
		}
		pos += sg.n
	}
	return true
}

// gate reports whether a rendered value passes the scanners' filters: the rule's
// entropy threshold, the word boundary, the avoidance check over the whole value
// (literal segments, which every real token shares, exempt) and gitleaks' base64
// decoding.
func (l *layout) gate(v []byte) bool {
	s := string(v)
	if shannon(s) <= l.entropy {
		return false
	}
	if l.noDash && v[len(v)-1] == '-' {
		return false
	}
	return !avoided(s, l.fixed) && decodableInBase64(s)
}

// builtinSpecs is built once; every generator shares it.
var builtinSpecs = func() map[Format]*spec {
	m := map[Format]*spec{}
	gh := func(f Format, prefix string) {
		m[f] = newLayout(3, len(prefix), lit(prefix), carrier(&base62, 30), crc62()).spec(f)
	}
	gh(GitHubClassic, "ghp_")
	gh(GitHubOAuth, "gho_")
	gh(GitHubApp, "ghs_")
	gh(NPM, "npm_")
	m[GitHubFineGrained] = newLayout(3, 0, lit("github_pat_11"), fill(&base62, 20), lit("_"), carrier(&base62, 59)).spec(GitHubFineGrained)
	m[StripeSecret] = newLayout(2, 0, lit("sk_live_51"), carrier(&base62, 97)).spec(StripeSecret)
	m[StripeRestricted] = newLayout(2, 0, lit("rk_live_51"), carrier(&base62, 97)).spec(StripeRestricted)
	m[SlackBot] = newLayout(3, 0, lit("xoxb-"), site(11, func(c *siteConsts) string { return c.slackTeam }), lit("-"),
		fill(&decimal, 13), lit("-"), carrier(&base62, 24)).spec(SlackBot)
	m[SlackUser] = newLayout(2, 0, lit("xoxp-"), site(11, func(c *siteConsts) string { return c.slackTeam }), lit("-"),
		fill(&decimal, 10), lit("-"), fill(&decimal, 11), lit("-"), carrier(&hexLower, 32)).spec(SlackUser)
	m[SlackWebhook] = newLayout(0, 0, lit("https://hooks.slack.com/services/"),
		site(11, func(c *siteConsts) string { return c.slackTeamID }), lit("/B"), fill(&upperDigits, 10), lit("/"),
		carrier(&base62, 24)).spec(SlackWebhook)
	m[GoogleAPIKey] = newLayout(4, 0, lit("AIzaSy"), carrier(&base64url, 33)).spec(GoogleAPIKey)
	oa := newLayout(3, 0, lit("sk-proj-"), carrier(&base64url, 74), lit("T3BlbkFJ"), fill(&base64url, 74))
	oa.noDash = true
	m[OpenAI] = oa.spec(OpenAI)
	m[Anthropic] = newLayout(0, 0, lit("sk-ant-api03-"), carrier(&base64url, 93), lit("AA")).spec(Anthropic)
	m[SendGrid] = newLayout(2, 0, lit("SG."), carrier(&base64url, 22), lit("."), fill(&base64url, 43)).spec(SendGrid)
	m[AWSAccessKey] = awsSpec(AWSAccessKey, "AKIA")
	m[AWSTemporaryKey] = awsSpec(AWSTemporaryKey, "ASIA")
	m[GitLabPAT] = gitlabSpec()
	m[PrivateKey] = privateKeySpec()
	m[DatabaseURL] = databaseURLSpec()
	m[JWT] = jwtSpec()
	return m
}()
