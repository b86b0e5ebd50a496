package honeytoken

import (
	"strings"
)

// Database URLs: postgres://<user>:<password>@<host>:5432/<db>. The 32-character
// base62 password carries the tag; user and host are per-generator constants and the
// database name is derived from the ciphertext.

const dbPasswordLen = 32

var dbPassword = newLayout(entropyGeneric, 0, carrier(&base62, dbPasswordLen))

var dbNames = []string{"app", "production", "orders", "billing", "users", "analytics", "core", "payments"}

func appendDatabaseURL(dst []byte, ks *keySet, sc *scratch, ct *[16]byte) []byte {
	dst = append(dst, "postgres://"...)
	dst = append(dst, ks.site.dbUser...)
	dst = append(dst, ':')
	dst = dbPassword.render(ks, sc, ct, dst)
	dst = append(dst, '@')
	dst = append(dst, ks.site.dbHost...)
	dst = append(dst, ":5432/"...)
	s := newStream(ks, sc, ct, 4)
	return append(dst, dbNames[int(s.next())%len(dbNames)]...)
}

// splitDBURL returns the password of a postgres:// or postgresql:// URL.
func splitDBURL(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "postgres://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "postgresql://"); !ok {
			return "", false
		}
	}
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return "", false
	}
	colon := strings.IndexByte(rest[:at], ':')
	if colon < 0 {
		return "", false
	}
	return rest[colon+1 : at], true
}

func databaseURLSpec() *spec {
	sp := &spec{format: DatabaseURL, code: formatCode(DatabaseURL), prefixes: []string{"postgres://", "postgresql://"},
		bareAlpha: &base62, bareLayout: dbPassword,
		bare: func(s string) bool { return !hexOnly(s) && dbPassword.carrier.alpha.valid(s) }}
	sp.generate = func(ks *keySet, sc *scratch, rnd *[16]byte, _ *genInput) (id [8]byte, value, secret string, ok bool) {
		copy(id[:], rnd[:8])
		var ct [16]byte
		ks.seal(sc, sp.code, &id, &ct)
		pw := dbPassword.render(ks, sc, &ct, sc.buf[:0])
		// allHex: a 32-digit trace id or hash is never a decoy, so Scan skips them.
		if shannon(string(pw)) <= entropyGeneric || hasStopWord(string(pw)) || allHex(string(pw)) {
			return id, "", "", false
		}
		return id, string(appendDatabaseURL(sc.buf[:0], ks, sc, &ct)), "", true
	}
	// recognize accepts the exact URL (PartValue) or the password alone
	// (PartSecret), which is what a database sees at login. The URL's user and
	// host are per-generator constants, compared before any AES; the password's
	// derived characters (carrierFilter, dbPassword.derivedRest) are the keyed filter.
	sp.recognize = func(ks *keySet, sc *scratch, s string) (id [8]byte, part Part, strength int, ok bool) {
		// A URL is longer than a password, so a password-long string is
		// only ever the password alone.
		pw, isURL := s, false
		if len(s) != dbPasswordLen {
			if pw, isURL = splitDBURL(s); !isURL {
				pw = s
			}
		}
		if len(pw) != dbPasswordLen || hexOnly(pw) || isURL && !dbURLFixedMatch(ks, s) {
			return id, 0, 0, false
		}
		ct, o1, ok := dbPassword.carrier.alpha.carrierFilter(ks, sc, pw)
		if !ok || !dbPassword.derivedRest(ks, sc, &ct, o1, pw) || !ks.open(sc, sp.code, &ct, &id) {
			return id, 0, 0, false
		}
		if isURL {
			return id, PartValue, 64, constEq(appendDatabaseURL(sc.buf[:0], ks, sc, &ct), s)
		}
		return id, PartSecret, 64, true
	}
	return sp
}

// dbURLFixedMatch reports whether URL s has this generator's user and host.
func dbURLFixedMatch(ks *keySet, s string) bool {
	rest, ok := strings.CutPrefix(s, "postgres://")
	if !ok {
		return false // generated URLs use postgres://
	}
	u := ks.site.dbUser
	if len(rest) < len(u)+1+dbPasswordLen+1 || rest[:len(u)] != u || rest[len(u)] != ':' {
		return false
	}
	rest = rest[len(u)+1+dbPasswordLen:]
	h := ks.site.dbHost
	return len(rest) > len(h)+1 && rest[0] == '@' && rest[1:1+len(h)] == h
}
