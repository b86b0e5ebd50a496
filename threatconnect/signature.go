package threatconnect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names used by ThreatConnect authentication.
const (
	headerAuthorization = "Authorization"
	headerTimestamp     = "Timestamp"
)

// signingString is the message ThreatConnect signs:
// "<path>[?<query>]:<METHOD>:<unix seconds>", with the path and query exactly
// as they go on the wire (percent-encoded). With no query there is no "?".
func signingString(escapedPath, rawQuery, method string, unix int64) string {
	var b strings.Builder
	b.Grow(len(escapedPath) + len(rawQuery) + len(method) + 24)
	b.WriteString(escapedPath)
	if rawQuery != "" {
		b.WriteByte('?')
		b.WriteString(rawQuery)
	}
	b.WriteByte(':')
	b.WriteString(strings.ToUpper(method))
	b.WriteByte(':')
	b.WriteString(strconv.FormatInt(unix, 10))
	return b.String()
}

// signMessage returns base64(HMAC-SHA256(key, msg)) in standard encoding.
func signMessage(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// authorizer returns the sender's Authorize hook for the configured
// credentials. For HMAC it signs the path and query as they will be sent,
// with one timestamp for both the signature and the Timestamp header.
func (c *config) authorizer() func(*http.Request) error {
	now := c.now
	if now == nil {
		now = time.Now
	}
	if c.hmacSet {
		sign, id := c.sign, c.accessID
		return func(r *http.Request) error {
			ts := now().Unix()
			msg := signingString(r.URL.EscapedPath(), r.URL.RawQuery, r.Method, ts)
			r.Header.Set(headerTimestamp, strconv.FormatInt(ts, 10))
			r.Header.Set(headerAuthorization, "TC "+id+":"+sign(msg))
			return nil
		}
	}
	token := c.token
	return func(r *http.Request) error {
		r.Header.Set(headerAuthorization, "TC-Token "+token())
		return nil
	}
}
