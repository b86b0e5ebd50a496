package honeytoken

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTs are signed with golang-jwt (HS256) under a key derived from the generator
// key and carry only registered claims (RFC 7519 §4.1, plus RFC 8693's scope when
// asked for): iss, sub, aud, iat, exp, jti. jti is a random UUIDv4 (RFC 9562 §5.4),
// as real issuers write it; the token id is a keyed function of it, so it is
// unreadable without the key. Recognition verifies the signature (HMAC-SHA256
// under the derived key: nobody without the key can make one) and derives the id
// from jti. Expired decoys are still recognised: use is what matters.

// JWTLifetime is how long a JWT decoy is valid when Meta.ExpiresAt is zero.
const JWTLifetime = 365 * 24 * time.Hour

// JWTClaims are the claims a JWT decoy carries besides iat, exp and jti. Leave a
// field empty for the default; nothing in a default token is specific to
// decoykit.
type JWTClaims struct {
	// Issuer is the iss claim, e.g. "https://auth.example.com/". Default: a
	// per-generator https://<auth|login|sso|id|accounts>.<six letters>.internal.
	Issuer string
	// Subject is the sub claim. Default: a numeric user id of eight digits,
	// different in every token.
	Subject string
	// Audience is the aud claim (a string for one audience, an array for more);
	// omitted when empty.
	Audience []string
	// Scopes are written space-separated in the scope claim (RFC 8693 §4.2);
	// omitted when empty.
	Scopes []string
}

// WithJWTClaims sets the claims of the generator's JWT decoys, so that they look
// like the tokens of the service they imitate.
func WithJWTClaims(c JWTClaims) Option {
	return func(cfg *config) error {
		for _, v := range append([]string{c.Issuer, c.Subject}, append(c.Audience, c.Scopes...)...) {
			if strings.ContainsAny(v, "\x00\n\r") {
				return &ValidationError{Field: "WithJWTClaims", Reason: "claims must not contain NUL or line breaks"}
			}
		}
		for _, sc := range c.Scopes {
			if sc == "" || strings.ContainsAny(sc, " \t") {
				return &ValidationError{Field: "WithJWTClaims", Reason: "a scope must be one non-empty word"}
			}
		}
		check := []struct{ name, v string }{{"Issuer", c.Issuer}, {"Subject", c.Subject}, {"Scopes", strings.Join(c.Scopes, " ")}}
		for _, a := range c.Audience {
			check = append(check, struct{ name, v string }{"Audience", a})
		}
		for _, ch := range check {
			if ch.v != "" && !b64Clean(ch.v) {
				return &ValidationError{Field: "WithJWTClaims", Reason: "the " + ch.name + " claim, as base64 inside the token, " +
					"spells a word that secret scanners treat as a false positive, so they would skip every decoy; choose another value"}
			}
		}
		c.Audience, c.Scopes = slices.Clone(c.Audience), slices.Clone(c.Scopes)
		cfg.jwtClaims = c
		return nil
	}
}

// b64Clean reports whether the base64url of a claim value, at each of the three
// byte alignments it can have inside a token, passes the avoidance check in the
// characters it alone determines. Such characters are the same in every token
// of a generator, so a word there would sink them all.
func b64Clean(v string) bool {
	frag := "\"" + v + "\""
	for pad := range 3 {
		src := strings.Repeat("\x00", pad) + frag
		enc := base64.RawURLEncoding.EncodeToString([]byte(src))
		from := (8*pad + 5) / 6 // first character made only of frag's bits
		to := 8 * len(src) / 6  // characters before the last (partial) one
		if from < to && avoided(enc[from:to], nil) {
			return false
		}
	}
	return true
}

// The JOSE header names the signing key, as an issuer that rotates keys does:
// {"alg":"HS256","kid":<a UUID derived from the generator key>,"typ":"JWT"}. Its
// encoding is therefore a per-key constant, and Recognize compares it before
// anything else: every other JWT (a service's own, another generator's decoy) is
// rejected by one string comparison, without parsing or a signature check.

// jwtHeader returns the kid for generator key master and the base64url JOSE
// header golang-jwt writes for it. The kid is drawn again until the encoded
// header is alphanumeric, as gitleaks' jwt rule requires of a header
// (ey[a-zA-Z0-9]{17,}), and passes the avoidance check: it is in every token
// of the key.
func jwtHeader(master []byte) (kid, header string) {
	for i := 0; ; i++ {
		k := derive(master, "jwt/kid/"+strconv.Itoa(i))
		var u [16]byte
		copy(u[:], k[:16])
		uuidV4(&u)
		kid = formatUUID(&u)
		t := jwt.New(jwt.SigningMethodHS256)
		t.Header["kid"] = kid
		ss, err := t.SigningString()
		if err != nil { // a map of three strings always marshals
			panic("honeytoken: encoding the JWT header: " + err.Error())
		}
		header, _, _ = strings.Cut(ss, ".")
		if !strings.ContainsAny(header, "-_") && !avoided(header, nil) {
			return kid, header
		}
	}
}

// allFixed returns a mask of n fixed characters.
func allFixed(n int) []bool {
	m := make([]bool, n)
	for i := range m {
		m[i] = true
	}
	return m
}

// uuidV4 turns 16 random bytes into a version 4, variant 10 UUID.
func uuidV4(b *[16]byte) {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
}

func formatUUID(ct *[16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], ct[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], ct[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], ct[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], ct[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], ct[10:16])
	return string(b[:])
}

// parseUUID reads a lower-case hex UUID.
func parseUUID(s string, ct *[16]byte) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	var h [32]byte
	copy(h[0:8], s[0:8])
	copy(h[8:12], s[9:13])
	copy(h[12:16], s[14:18])
	copy(h[16:20], s[19:23])
	copy(h[20:32], s[24:36])
	for _, c := range h {
		if c >= 'A' && c <= 'F' {
			return false
		}
	}
	_, err := hex.Decode(ct[:], h[:])
	return err == nil
}

// jwtID derives the token id (first 8 bytes) and the default subject (last 8)
// from jti under the generator key, domain-separated by the format code.
func (ks *keySet) jwtID(sc *scratch, code uint32, jti *[16]byte) (id [8]byte, sub string) {
	sc.in = *jti
	binary.BigEndian.PutUint32(sc.out[:4], code)
	for i := range 4 {
		sc.in[i] ^= sc.out[i]
	}
	ks.jwtIDBlock.Encrypt(sc.out[:], sc.in[:])
	copy(id[:], sc.out[:8])
	n := binary.BigEndian.Uint64(sc.out[8:])%90_000_000 + 10_000_000
	return id, strconv.FormatUint(n, 10)
}

func jwtSpec() *spec {
	sp := &spec{format: JWT, code: formatCode(JWT), prefixes: []string{"eyJ"}}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, in *genInput) (id [8]byte, value, secret string, ok bool) {
		jti := *rnd
		uuidV4(&jti)
		id, sub := ks.jwtID(sc, sp.code, &jti)
		c := in.jwt
		if c.Subject != "" {
			sub = c.Subject
		}
		iss := c.Issuer
		if iss == "" {
			iss = ks.site.jwtIssuer
		}
		// Issued up to ten minutes before it was generated, as a token copied
		// from a running service would be; this also varies the digits of iat and
		// exp between attempts.
		iat := in.now.Add(-time.Duration(binary.BigEndian.Uint16(rnd[14:])%600) * time.Second)
		exp := in.meta.ExpiresAt
		if exp.IsZero() {
			exp = iat.Add(JWTLifetime)
		}
		claims := jwt.MapClaims{
			"iss": iss,
			"sub": sub,
			"iat": iat.Unix(),
			"exp": exp.Unix(),
			"jti": formatUUID(&jti),
		}
		switch len(c.Audience) {
		case 0:
		case 1:
			claims["aud"] = c.Audience[0]
		default:
			claims["aud"] = c.Audience
		}
		if len(c.Scopes) > 0 {
			claims["scope"] = strings.Join(c.Scopes, " ")
		}
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		t.Header["kid"] = ks.jwtKid
		v, err := t.SignedString(ks.jwt)
		if err != nil || shannon(v) <= 3 || avoided(v, ks.jwtFixed) {
			return id, "", "", false
		}
		return id, v, "", true
	}
	// A JWT that does not start with one of the keys' headers (another
	// service's token, another generator's) is rejected before try takes a
	// scratch: the same test recognize starts with.
	sp.prefilter = func(ks *keySet, s string) bool {
		h := ks.jwtHeader
		return len(s) > len(h) && s[len(h)] == '.' && s[:len(h)] == h
	}
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		h := ks.jwtHeader
		if len(s) < 40 || len(s) > 2048 || len(s) <= len(h) || s[len(h)] != '.' || s[:len(h)] != h ||
			strings.Count(s, ".") != 2 {
			return id, 0, 0, false
		}
		tok, err := jwt.Parse(s, func(*jwt.Token) (any, error) { return ks.jwt, nil },
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation(),
			jwt.WithStrictDecoding())
		if err != nil || !tok.Valid {
			return id, 0, 0, false
		}
		claims, _ := tok.Claims.(jwt.MapClaims)
		jti, _ := claims["jti"].(string)
		var b [16]byte
		if !parseUUID(jti, &b) || b[6]>>4 != 4 || b[8]>>6 != 2 {
			return id, 0, 0, false
		}
		id, _ = ks.jwtID(sc, sp.code, &b)
		return id, PartValue, 64, true
	}
	return sp
}

// JWTKeyfunc returns a jwt.Keyfunc that verifies this generator's JWT decoys (under
// the current and every retired key), for a decoy API that wants to accept them
// with golang-jwt. The keys themselves stay unexported.
func (g *Generator) JWTKeyfunc() jwt.Keyfunc {
	set := jwt.VerificationKeySet{}
	for _, ks := range g.keys {
		set.Keys = append(set.Keys, ks.jwt)
	}
	return func(*jwt.Token) (any, error) { return set, nil }
}
