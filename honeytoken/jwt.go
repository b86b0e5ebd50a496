package honeytoken

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTs are signed with golang-jwt (HS256) under a key derived from the generator
// key. The claims follow the usual shape of an access token: iss (a per-generator
// issuer), sub, iat, exp, jti — the carried ciphertext written as a UUID, so the id
// is unreadable without the key — and a tracking claim, "metadata", derived from the
// ciphertext. Recognition verifies the signature, decrypts jti and checks the tag and
// the tracking claim. Expired decoys are still recognised: use is what matters.

// JWTLifetime is how long a JWT decoy is valid when Meta.ExpiresAt is zero.
const JWTLifetime = 365 * 24 * time.Hour

// The JOSE header names the signing key, as an issuer that rotates keys does:
// {"alg":"HS256","kid":<a UUID derived from the generator key>,"typ":"JWT"}. Its
// encoding is therefore a per-key constant, and Recognize compares it before
// anything else: every other JWT (a service's own, another generator's decoy) is
// rejected by one string comparison, without parsing or a signature check.

// jwtHeader returns the kid for generator key master and the base64url JOSE
// header golang-jwt writes for it. The kid is drawn again until the encoded
// header is alphanumeric, as gitleaks' jwt rule requires of a header
// (ey[a-zA-Z0-9]{17,}).
func jwtHeader(master []byte) (kid, header string) {
	for i := 0; ; i++ {
		k := derive(master, "jwt/kid/"+strconv.Itoa(i))
		var u [16]byte
		copy(u[:], k[:16])
		u[6] = u[6]&0x0f | 0x40 // version 4
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		kid = formatUUID(&u)
		t := jwt.New(jwt.SigningMethodHS256)
		t.Header["kid"] = kid
		ss, err := t.SigningString()
		if err != nil { // a map of three strings always marshals
			panic("honeytoken: encoding the JWT header: " + err.Error())
		}
		header, _, _ = strings.Cut(ss, ".")
		if !strings.ContainsAny(header, "-_") {
			return kid, header
		}
	}
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
	_, err := hex.Decode(ct[:], h[:])
	return err == nil
}

func jwtTracking(ks *keySet, sc *scratch, ct *[16]byte) (tracking string, sub string) {
	s := newStream(ks, sc, ct, 5)
	var t [16]byte
	for i := range t {
		t[i] = s.next()
	}
	d := s.appendChars(sc.aux[:0], &decimal, 8)
	if d[0] == '0' {
		d[0] = '1'
	}
	return hex.EncodeToString(t[:]), string(d)
}

func jwtSpec() *spec {
	sp := &spec{format: JWT, code: formatCode(JWT), prefixes: []string{"eyJ"}}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, in *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		tracking, sub := jwtTracking(ks, sc, &ct)
		exp := in.meta.ExpiresAt
		if exp.IsZero() {
			exp = in.now.Add(JWTLifetime)
		}
		claims := jwt.MapClaims{
			"iss":      ks.site.jwtIssuer,
			"sub":      sub,
			"iat":      in.now.Unix(),
			"exp":      exp.Unix(),
			"jti":      formatUUID(&ct),
			"metadata": tracking,
		}
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		t.Header["kid"] = ks.jwtKid
		v, err := t.SignedString(ks.jwt)
		if err != nil || shannon(v) <= 3 {
			return id, "", "", false
		}
		return id, v, "", true
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
		got, _ := claims["metadata"].(string)
		var ct [16]byte
		if !parseUUID(jti, &ct) || !ks.open(sc, sp.code, &ct, &id) {
			return id, 0, 0, false
		}
		if want, _ := jwtTracking(ks, sc, &ct); !constEq([]byte(want), got) {
			return id, 0, 0, false
		}
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
