package honeytoken

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
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
	jwt        []byte       // HS256 signing key
	jwtKid     string       // the kid header of this key's JWTs
	jwtHeader  string       // the encoded JOSE header of this key's JWTs (see jwt.go)
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
	ks.site = newSiteConsts(master)
	ks.jwtKid, ks.jwtHeader = jwtHeader(master)
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

func (s *stream) next() byte {
	if s.pos == 16 {
		s.sc.in = s.ct
		s.ctr++
		s.sc.in[12] ^= byte(s.ctr >> 24)
		s.sc.in[13] ^= byte(s.ctr >> 16)
		s.sc.in[14] ^= byte(s.ctr >> 8)
		s.sc.in[15] ^= byte(s.ctr)
		s.blk.Encrypt(s.sc.out[:], s.sc.in[:])
		s.pos = 0
	}
	b := s.sc.out[s.pos]
	s.pos++
	return b
}

func (s *stream) uint64() uint64 {
	var v uint64
	for range 8 {
		v = v<<8 | uint64(s.next())
	}
	return v
}

// char returns a uniformly chosen character of a (rejection sampling).
func (s *stream) char(a *alphabet) byte {
	for {
		x := s.next()
		if a.lim == 0 || x < a.lim {
			return a.chars[int(x)%len(a.chars)]
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
	gitlabOrg   string // 6 base36 chars
	dbHost      string
	dbUser      string
	jwtIssuer   string
}

// knownCanaryAccounts are AWS account ids that scanners (trufflehog) flag as
// Thinkst canary accounts; a generator never uses them.
var knownCanaryAccounts = map[uint64]bool{
	52310077262: true, 171436882533: true, 534261010715: true, 595918472158: true, 717712589309: true,
	819147034852: true, 992382622183: true, 730335385048: true, 266735846894: true, 893192397702: true,
}

func newSiteConsts(master []byte) siteConsts {
	var c siteConsts
	for i := 0; ; i++ {
		k := derive(master, "site/aws-account/"+string(rune('a'+i)))
		c.awsAccount = binary.BigEndian.Uint64(k[:8]) % 1_000_000_000_000
		// Real account ids are spread over the whole range; skip tiny ones and known canaries.
		if c.awsAccount >= 10_000_000_000 && !knownCanaryAccounts[c.awsAccount] {
			break
		}
	}
	k := derive(master, "site/slack")
	c.slackTeam = digitsFrom(k[:], 11, true)
	c.slackTeamID = "T" + charsFrom(k[16:], &upperDigits, 10)
	k = derive(master, "site/gitlab")
	c.gitlabOrg = charsFrom(k[:], &base36Lower, 6)
	k = derive(master, "site/db")
	regions := []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	names := []string{"prod", "main", "app", "core", "primary"}
	c.dbHost = names[int(k[0])%len(names)] + "-db.cluster-" + charsFrom(k[1:], &base36Lower, 12) + "." +
		regions[int(k[20])%len(regions)] + ".rds.amazonaws.com"
	users := []string{"app", "api", "service", "backend", "webapp"}
	c.dbUser = users[int(k[21])%len(users)]
	k = derive(master, "site/jwt")
	hosts := []string{"auth", "login", "sso", "id", "accounts"}
	c.jwtIssuer = "https://" + hosts[int(k[0])%len(hosts)] + "." + charsFrom(k[1:], &lowerAlpha, 6) + ".internal"
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
