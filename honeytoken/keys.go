package honeytoken

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// MinKeySize is the minimum length of a generator key in bytes.
const MinKeySize = 32

// derive returns HMAC-SHA256(master, "decoykit/honeytoken/v1/" + label): one
// independent sub-key per purpose, so that no two uses share key material.
func derive(master []byte, label string) [32]byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("decoykit/honeytoken/v1/"))
	m.Write([]byte(label))
	var out [32]byte
	m.Sum(out[:0])
	return out
}

// keySet holds the sub-keys derived from one generator key (current or retired)
// and the per-generator constants that make its tokens look like one installation.
// It never prints its contents (see sensitive.go).
type keySet struct {
	enc        cipher.Block // AES-128: id‖tag <-> carried ciphertext
	fill       cipher.Block // AES-128: characters derived from the ciphertext
	awsIDBlock cipher.Block // AES-128: AWS key id free bits -> token id
	awsSecret  cipher.Block // AES-128: the derived half of an AWS secret access key
	mac        cipher.Block // AES-128: the tag's CMAC key
	macK1      [16]byte     // CMAC subkey K1 for a complete one-block message
	jwtIDBlock cipher.Block // AES-128: JWT jti -> token id
	jwt        []byte       // HS256 signing key
	jwtKid     string       // the kid header of this key's JWTs
	jwtHeader  string       // the encoded JOSE header of this key's JWTs (see jwt.go)
	jwtFixed   []bool       // the header's characters, exempt from the avoidance check
	// gitlabLegacyOrg is the organisation of this key's pre-version GitLab decoys.
	gitlabLegacyOrg string
	// legacySite is this key set with the Slack workspace earlier versions
	// derived, when that one failed the avoidance check and was replaced (nil
	// otherwise): layout recognition falls back to it.
	legacySite *keySet
	site       siteConsts
}

func newKeySet(master []byte) *keySet {
	ks := &keySet{}
	enc := derive(master, "tag/enc")
	fill := derive(master, "tag/fill")
	aid := derive(master, "aws/id")
	mac := derive(master, "tag/mac")
	jw := derive(master, "jwt/hs256")
	ks.enc, _ = aes.NewCipher(enc[:16]) // a 16-byte key never fails
	ks.fill, _ = aes.NewCipher(fill[:16])
	ks.awsIDBlock, _ = aes.NewCipher(aid[:16])
	asec := derive(master, "aws/secret")
	ks.awsSecret, _ = aes.NewCipher(asec[:16])
	ks.mac, _ = aes.NewCipher(mac[:16])
	ks.macK1 = cmacSubkey(ks.mac)
	ks.jwt = append([]byte(nil), jw[:]...)
	jid := derive(master, "jwt/id")
	ks.jwtIDBlock, _ = aes.NewCipher(jid[:16])
	ks.site = newSiteConsts(master)
	ks.jwtKid, ks.jwtHeader = jwtHeader(master)
	ks.jwtFixed = allFixed(len(ks.jwtHeader) + 1) // the header and its dot: every token of the key has them
	ks.site.sshFixed = sshFixed(ks)
	ks.gitlabLegacyOrg = gitlabLegacyOrg(master)
	if k := derive(master, "site/slack"); digitsFrom(k[:], 11, true) != ks.site.slackTeam {
		old := *ks
		old.site.slackTeam = digitsFrom(k[:], 11, true)
		old.site.slackTeamID = "T" + charsFrom(k[16:], &upperDigits, 10)
		old.legacySite = nil
		ks.legacySite = &old
	}
	return ks
}

// scratch holds every buffer the hot paths pass to an interface method (AES),
// so that they live on the heap once (pooled) instead of escaping per call: one
// pool round trip per candidate, whatever the number of keys. Nothing in it
// depends on a key, so one pool serves every generator.
type scratch struct {
	in, out [16]byte // AES blocks
	pt      [16]byte
	msg     [16]byte   // the tag's input block
	sum     [16]byte   // the tag's output block
	buf     [4096]byte // rendered token
	aux     [1024]byte // decoded bytes
	// format, when a recognizer sets it, is the format of the token it matched
	// when that is not its spec's own (an ASIA key's secret, which has the shape
	// of an AKIA key's; see awsSpec).
	format Format
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func getScratch() *scratch   { return scratchPool.Get().(*scratch) }
func putScratch(sc *scratch) { scratchPool.Put(sc) }

func (ks *keySet) getScratch() *scratch   { return getScratch() }
func (ks *keySet) putScratch(sc *scratch) { putScratch(sc) }

// tagDomain fills the tag block's last four bytes, separating it from every
// other use of AES in the package.
var tagDomain = [4]byte{'t', 'a', 'g', '1'}

// tag computes AES-CMAC(K_mac, code ‖ id ‖ "tag1")[:8] into sc.sum[:8]; sc
// must come from ks.getScratch. CMAC (NIST SP 800-38B, RFC 4493) is a
// standard MAC: a forged 8-byte tag passes with probability 2^-64. The
// message is one complete block, so the MAC is one AES block where
// HMAC-SHA256 costs two SHA-256 compressions and its state handling, which
// keeps Recognize on a well-formed foreign token well under 200 ns.
func (ks *keySet) tag(sc *scratch, code uint32, id []byte) {
	binary.BigEndian.PutUint32(sc.msg[:4], code)
	copy(sc.msg[4:12], id[:8])
	copy(sc.msg[12:], tagDomain[:])
	subtle.XORBytes(sc.msg[:], sc.msg[:], ks.macK1[:])
	ks.mac.Encrypt(sc.sum[:], sc.msg[:])
}

// cmacSubkey returns CMAC's K1: L = AES_K(0^128), K1 = L·x in GF(2^128).
func cmacSubkey(b cipher.Block) [16]byte {
	var l, k1 [16]byte
	b.Encrypt(l[:], l[:])
	carry := l[0] >> 7
	for i := 0; i < 15; i++ {
		k1[i] = l[i]<<1 | l[i+1]>>7
	}
	k1[15] = l[15] << 1
	if carry == 1 {
		k1[15] ^= 0x87
	}
	return k1
}

// seal returns the 16-byte carried ciphertext for id under format code.
func (ks *keySet) seal(sc *scratch, code uint32, id *[8]byte, ct *[16]byte) {
	ks.tag(sc, code, id[:])
	copy(sc.in[:8], id[:])
	copy(sc.in[8:], sc.sum[:8])
	ks.enc.Encrypt(sc.out[:], sc.in[:])
	*ct = sc.out
}

// open decrypts ct and checks its tag for format code in constant time. It writes
// the id into id and reports whether the tag matched.
func (ks *keySet) open(sc *scratch, code uint32, ct *[16]byte, id *[8]byte) bool {
	sc.in = *ct
	ks.enc.Decrypt(sc.pt[:], sc.in[:])
	ks.tag(sc, code, sc.pt[:8])
	if subtle.ConstantTimeCompare(sc.sum[:8], sc.pt[8:16]) != 1 {
		return false
	}
	copy(id[:], sc.pt[:8])
	return true
}

// stream yields bytes derived from a carried ciphertext under the fill key:
// AES_fill(ct ⊕ counter), block after block. Everything in a token that the tag
// does not carry comes from here, so every character is bound to the tag.
type stream struct {
	blk cipher.Block
	sc  *scratch
	ct  [16]byte
	out [16]byte // the current block (a copy of sc.out, which Encrypt writes)
	ctr uint32
	pos int
}

func newStream(ks *keySet, sc *scratch, ct *[16]byte, domain uint32) stream {
	s := stream{blk: ks.fill, sc: sc, ct: *ct, pos: 16}
	s.ct[0] ^= byte(domain >> 24)
	s.ct[1] ^= byte(domain >> 16)
	s.ct[2] ^= byte(domain >> 8)
	s.ct[3] ^= byte(domain)
	return s
}

// blockByte returns byte j (0-15) of the block whose bytes 0-7 and 8-15 are
// o0 and o1 big-endian, as firstBlock returns it. (Shifting o0 for j >= 8
// would be a negative shift, which panics.)
func blockByte(o0, o1 uint64, j int) byte {
	if j < 8 {
		return byte(o0 >> (56 - 8*j))
	}
	return byte(o1 >> (120 - 8*j))
}

// firstBlock returns blk's encryption of the block whose bytes 0-7 and 8-15
// are w0 and w1 big-endian, as two words the same way.
func (ks *keySet) firstBlock(blk cipher.Block, sc *scratch, w0, w1 uint64) (o0, o1 uint64) {
	binary.BigEndian.PutUint64(sc.in[:8], w0)
	binary.BigEndian.PutUint64(sc.in[8:], w1)
	blk.Encrypt(sc.out[:], sc.in[:])
	return binary.BigEndian.Uint64(sc.out[:8]), binary.BigEndian.Uint64(sc.out[8:])
}

func (s *stream) next() byte {
	if s.pos == 16 {
		s.refill()
	}
	s.pos++
	return s.out[(s.pos-1)&15]
}

// refill computes the next block of the stream into s.sc.out. It is kept out
// of next so that next inlines into the recognizers' compare loops.
//
//go:noinline
func (s *stream) refill() {
	s.sc.in = s.ct
	s.ctr++
	s.sc.in[12] ^= byte(s.ctr >> 24)
	s.sc.in[13] ^= byte(s.ctr >> 16)
	s.sc.in[14] ^= byte(s.ctr >> 8)
	s.sc.in[15] ^= byte(s.ctr)
	s.blk.Encrypt(s.sc.out[:], s.sc.in[:])
	s.out = s.sc.out
	s.pos = 0
}

// uint64 returns the next eight bytes big-endian, read at once when they are
// in the current block (always for the first call on a stream).
func (s *stream) uint64() uint64 {
	if s.pos == 16 {
		s.refill()
	}
	if s.pos <= 8 {
		v := binary.BigEndian.Uint64(s.out[s.pos&15:])
		s.pos += 8
		return v
	}
	var v uint64
	for range 8 {
		v = v<<8 | uint64(s.next())
	}
	return v
}

// char returns a uniformly chosen character of a (rejection sampling).
func (s *stream) char(a *alphabet) byte {
	for {
		if c := a.draw[s.next()]; c != 0 {
			return c
		}
	}
}

// appendChars appends n characters of a.
func (s *stream) appendChars(dst []byte, a *alphabet, n int) []byte {
	for range n {
		dst = append(dst, s.char(a))
	}
	return dst
}

// siteConsts are per-generator constants: real credentials of one installation
// share them (an AWS account, a Slack workspace), and a random choice per key keeps
// them from being a fingerprint shared by every decoykit user.
type siteConsts struct {
	awsAccount  uint64 // 12 decimal digits
	slackTeam   string // 11 digits (bot and user tokens)
	slackTeamID string // T + 10 [A-Z0-9] (webhook URLs)
	// awsLegacyAccount is the account earlier versions chose for this key (the
	// same as awsAccount unless that one is now excluded); Recognize accepts
	// key ids of both.
	awsLegacyAccount uint64
	dbHost           string
	sshComment       string // user@host, as ssh-keygen writes it
	sshFixed         []bool // characters every private key of this generator shares
	dbUser           string
	jwtIssuer        string
}

// knownCanaryAccounts are AWS account ids that a scanner marks as canaries:
// TruffleHog v3 (pkg/detectors/aws/access_keys/canary.go) decodes the account of
// every AWS key id it finds and calls the key a canary when the account is one
// of Thinkst's ten canarytokens.org accounts or one of the sixteen "off brand"
// canary accounts it lists. A decoy must never decode to one of them.
var knownCanaryAccounts = map[uint64]bool{
	// Thinkst canarytokens.org.
	52310077262: true, 171436882533: true, 534261010715: true, 595918472158: true, 717712589309: true,
	819147034852: true, 992382622183: true, 730335385048: true, 266735846894: true, 893192397702: true,
	// "Off brand" canary accounts.
	44858866125: true, 251535659677: true, 344043088457: true, 351906852752: true, 390477818340: true,
	426127672474: true, 427150556519: true, 439872796651: true, 445142720921: true, 465867158099: true,
	637958123769: true, 693412236332: true, 732624840810: true, 735421457923: true, 959235150393: true,
	982842642351: true,
}

// documentationAccounts are the placeholder account ids of AWS's documentation
// and SDK examples (123456789012, 111122223333, ...): a key in one of them reads
// as a copied example. awsPlaceholder also rejects any id made of one repeated
// digit or of repeated four-digit groups.
var documentationAccounts = map[uint64]bool{
	123456789012: true, 111122223333: true, 444455556666: true, 777788889999: true, 210987654321: true,
	12345678901: true, 98765432109: true, 987654321098: true, 123412341234: true, 999988887777: true,
	555566667777: true, 222233334444: true, 333344445555: true, 666677778888: true, 888899990000: true,
}

// awsPlaceholder reports whether account reads as a documentation or test id.
func awsPlaceholder(account uint64) bool {
	if documentationAccounts[account] {
		return true
	}
	d := fmt.Sprintf("%012d", account)
	quads := d[0:4] == d[4:8] || d[4:8] == d[8:12] // 123412341234, 000011111111
	blocks := true                                 // 111122223333: three runs of one digit
	for _, q := range []string{d[0:4], d[4:8], d[8:12]} {
		if strings.Count(q, q[:1]) != 4 {
			blocks = false
		}
	}
	return quads || blocks || strings.Count(d, d[:1]) == 12
}

// awsAccountUsable reports whether a generator may encode account in its key
// ids: a realistic 12-digit id, no canary or documentation account, and a key id
// head (prefix and account characters) that passes the avoidance check.
func awsAccountUsable(account uint64) bool {
	if account < 10_000_000_000 || account >= 1_000_000_000_000 || knownCanaryAccounts[account] || awsPlaceholder(account) {
		return false
	}
	for _, prefix := range []string{"AKIA", "ASIA"} {
		head := appendB32([]byte(prefix), account>>1|1<<39, 8)
		if avoided(string(head), awsPrefixFixed) {
			return false
		}
	}
	return true
}

// awsPrefixFixed exempts the four-character prefix (AKIA, ASIA).
var awsPrefixFixed = []bool{true, true, true, true}

// slackFixed and webhookFixed exempt the fixed text around the Slack team in the
// site check.
var (
	slackFixed   = []bool{true, true, true, true, true}
	webhookFixed = []bool{true, true, true, true, true, true, true, true, true}
)

// pickAWSAccount returns the first usable account of the candidates next yields.
func pickAWSAccount(next func(i int) uint64) uint64 {
	for i := 0; ; i++ {
		if a := next(i) % 1_000_000_000_000; awsAccountUsable(a) {
			return a
		}
	}
}

func newSiteConsts(master []byte) siteConsts {
	var c siteConsts
	account := func(i int) uint64 {
		k := derive(master, "site/aws-account/"+string(rune('a'+i)))
		return binary.BigEndian.Uint64(k[:8])
	}
	c.awsAccount = pickAWSAccount(account)
	// Before v0.x the first candidate of at least 11 digits that was not a Thinkst
	// account was used; key ids issued then stay recognisable.
	for i := 0; ; i++ {
		if a := account(i) % 1_000_000_000_000; a >= 10_000_000_000 && !knownCanaryAccounts[a] {
			c.awsLegacyAccount = a
			break
		}
	}
	// The Slack workspace appears in every Slack token: it must pass the avoidance
	// check itself (a team number ending in a year before "-" would sink them all).
	for i := 0; ; i++ {
		label := "site/slack"
		if i > 0 {
			label += "/" + strconv.Itoa(i)
		}
		k := derive(master, label)
		c.slackTeam = digitsFrom(k[:], 11, true)
		c.slackTeamID = "T" + charsFrom(k[16:], &upperDigits, 10)
		if !avoided("xoxb-"+c.slackTeam+"-", slackFixed) && !avoided("services/"+c.slackTeamID+"/B", webhookFixed) {
			break
		}
	}
	k := derive(master, "site/db")
	regions := []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	names := []string{"prod", "main", "app", "core", "primary"}
	c.dbHost = names[int(k[0])%len(names)] + "-db.cluster-" + charsFrom(k[1:], &base36Lower, 12) + "." +
		regions[int(k[20])%len(regions)] + ".rds.amazonaws.com"
	users := []string{"app", "api", "service", "backend", "webapp"}
	c.dbUser = users[int(k[21])%len(users)]
	k = derive(master, "site/ssh")
	sshUsers := []string{"deploy", "ubuntu", "ec2-user", "jenkins", "gitlab-runner", "ci", "admin", "git"}
	switch host := int(k[1]) % 3; host {
	case 0: // an EC2 instance's default hostname
		c.sshComment = sshUsers[int(k[0])%len(sshUsers)] + "@ip-10-" + strconv.Itoa(int(k[2])) + "-" +
			strconv.Itoa(int(k[3])) + "-" + strconv.Itoa(int(k[4]))
	case 1:
		c.sshComment = sshUsers[int(k[0])%len(sshUsers)] + "@build-" + strconv.Itoa(1+int(k[2])%24)
	default:
		c.sshComment = sshUsers[int(k[0])%len(sshUsers)] + "@bastion-" + []string{"prod", "prd", "ops", "mgmt"}[int(k[2])%4]
	}
	// The issuer is in every JWT, at a fixed place: its base64 must pass the
	// avoidance check.
	for i := 0; ; i++ {
		label := "site/jwt"
		if i > 0 {
			label += "/" + strconv.Itoa(i)
		}
		k = derive(master, label)
		hosts := []string{"auth", "login", "sso", "id", "accounts"}
		c.jwtIssuer = "https://" + hosts[int(k[0])%len(hosts)] + "." + charsFrom(k[1:], &lowerAlpha, 6) + ".internal"
		if b64Clean(c.jwtIssuer) {
			break
		}
	}
	return c
}

// digitsFrom maps bytes to n decimal digits (first digit non-zero if nz).
func digitsFrom(b []byte, n int, nz bool) string {
	out := make([]byte, n)
	for i := range n {
		d := b[i%len(b)] ^ byte(i*37)
		out[i] = '0' + d%10
		if i == 0 && nz {
			out[i] = '1' + d%9
		}
	}
	return string(out)
}

func charsFrom(b []byte, a *alphabet, n int) string {
	out := make([]byte, n)
	for i := range n {
		out[i] = a.chars[int(b[i%len(b)]^byte(i*53))%len(a.chars)]
	}
	return string(out)
}

// constEq compares b and s in time that depends only on their lengths.
func constEq(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	var v byte
	for i := range b {
		v |= b[i] ^ s[i]
	}
	return v == 0
}
