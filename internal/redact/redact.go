// Package redact removes secrets from strings and URLs before they reach an
// error message or a log line.
package redact

import (
	"net/url"
	"sort"
	"strings"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// sensitiveParams are query and form keys whose values are always masked.
var sensitiveParams = []string{
	"auth_token", "factory_auth", "token", "access_token", "api_key", "apikey",
	"key", "secret", "secret_key", "password", "signature", "aws_secret_key",
	"aws_session_token", "client_secret",
}

// IsSensitiveParam reports whether a query or form key names a secret.
func IsSensitiveParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range sensitiveParams {
		if n == s {
			return true
		}
	}
	return strings.HasSuffix(n, "_secret") || strings.HasSuffix(n, "_token") || strings.HasSuffix(n, "password")
}

// URL returns u as a string with user info dropped and every sensitive query
// value masked. It never returns the secrets it was given.
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = Mask
		} else {
			keys := make([]string, 0, len(q))
			for k := range q {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if IsSensitiveParam(k) {
					for i := range q[k] {
						q[k][i] = "REDACTED"
					}
				}
			}
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// Secrets masks every occurrence of each secret in s, in plain,
// query-escaped and path-escaped form. Secrets shorter than MinSecretLen are
// skipped: masking every "t" of a message helps nobody, and real API secrets
// are far longer.
type Secrets []string

// MinSecretLen is the shortest secret Secrets masks.
const MinSecretLen = 6

// String masks the secrets in s.
func (ss Secrets) String(s string) string {
	for _, sec := range ss {
		if len(sec) < MinSecretLen {
			continue
		}
		for _, form := range [...]string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			if strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, Mask)
			}
		}
	}
	return s
}

// Bytes masks the secrets in b. It returns b itself when nothing matched.
func (ss Secrets) Bytes(b []byte) []byte {
	s := string(b)
	r := ss.String(s)
	if r == s {
		return b
	}
	return []byte(r)
}
