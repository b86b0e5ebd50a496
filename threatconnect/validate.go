package threatconnect

import (
	"math"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxTagLength is the longest tag name the platform accepts.
const MaxTagLength = 128

// normalizeSummary checks summary as an indicator of type t and returns the
// form the platform stores (host names and URL hosts lower-cased, IPs in
// canonical form, hashes lower-cased).
func normalizeSummary(t IndicatorType, summary string) (string, error) {
	if _, err := t.info(); err != nil {
		return "", err
	}
	s := strings.TrimSpace(summary)
	if s == "" {
		return "", invalid("Summary", "must not be empty: give the %s", describeType(t))
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", invalid("Summary", "must not contain control characters")
	}
	switch t {
	case Address:
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return "", invalid("Summary", "%q is not an IP address; an Address indicator takes one IPv4 or IPv6 address such as 203.0.113.7 (no port, prefix or zone)", clip(s))
		}
		return a.Unmap().String(), nil
	case Host:
		return normalizeHost(s)
	case URL:
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", invalid("Summary", "%q is not an absolute URL such as http://example.com/login", clip(s))
		}
		if strings.ContainsAny(s, " \t") {
			return "", invalid("Summary", "a URL must not contain spaces; percent-encode them")
		}
		host, err := normalizeHost(u.Hostname())
		if err != nil {
			return "", invalid("Summary", "the URL's host: %s", err.(*ValidationError).Reason)
		}
		if port := u.Port(); port != "" {
			host = hostPort(host, port)
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		u.Host = host
		u.Scheme = strings.ToLower(u.Scheme)
		return u.String(), nil
	case EmailAddress:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s, "@") {
			return "", invalid("Summary", "%q is not a bare e-mail address such as bad@example.com", clip(s))
		}
		local, domain, _ := strings.Cut(s, "@")
		d, err := normalizeHost(domain)
		if err != nil {
			return "", invalid("Summary", "the e-mail domain: %s", err.(*ValidationError).Reason)
		}
		return local + "@" + d, nil
	case File:
		_, err := splitHashes(s)
		if err != nil {
			return "", err
		}
		return strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, ":", " : ")), " ")), nil
	}
	return s, nil
}

func hostPort(h, p string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]:" + p
	}
	return h + ":" + p
}

func describeType(t IndicatorType) string {
	switch t {
	case Address:
		return "IP address"
	case Host:
		return "host name"
	case URL:
		return "URL"
	case EmailAddress:
		return "e-mail address"
	case File:
		return "file hash (md5, sha1 or sha256, or \"md5 : sha1 : sha256\")"
	}
	return "indicator"
}

func normalizeHost(s string) (string, error) {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if h == "" {
		return "", invalid("Summary", "the host name is empty")
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return a.String(), nil
	}
	for _, r := range h {
		if r >= utf8.RuneSelf {
			return "", invalid("Summary", "host %q is not ASCII; convert internationalized names to punycode (xn--...)", clip(s))
		}
	}
	if len(h) > 253 {
		return "", invalid("Summary", "host name is longer than 253 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return "", invalid("Summary", "%q is not a host name: each dot-separated label must be 1 to 63 characters", clip(s))
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return "", invalid("Summary", "%q is not a host name: use letters, digits, '-' and '.' only", clip(s))
			}
		}
	}
	return h, nil
}

// hashes of a File indicator.
type fileHashes struct{ MD5, SHA1, SHA256 string }

func splitHashes(s string) (fileHashes, error) {
	var fh fileHashes
	for _, p := range strings.Split(s, ":") {
		h := strings.ToLower(strings.TrimSpace(p))
		if h == "" {
			continue
		}
		if strings.TrimLeft(h, "0123456789abcdef") != "" {
			return fh, invalid("Summary", "%q is not a hex hash", clip(h))
		}
		var slot *string
		switch len(h) {
		case 32:
			slot = &fh.MD5
		case 40:
			slot = &fh.SHA1
		case 64:
			slot = &fh.SHA256
		default:
			return fh, invalid("Summary", "a file hash must be 32 (md5), 40 (sha1) or 64 (sha256) hex digits, got %d", len(h))
		}
		if *slot != "" {
			return fh, invalid("Summary", "two hashes of the same kind; give \"md5 : sha1 : sha256\"")
		}
		*slot = h
	}
	if fh == (fileHashes{}) {
		return fh, invalid("Summary", "must not be empty: give the file's md5, sha1 or sha256")
	}
	return fh, nil
}

func validateRating(r float64) error {
	if math.IsNaN(r) || r < 0 || r > 5 {
		return invalid("Rating", "must be between 0 and 5, got %v", r)
	}
	return nil
}

func validateConfidence(c int) error {
	if c < 0 || c > 100 {
		return invalid("Confidence", "must be between 0 and 100 (percent), got %d", c)
	}
	return nil
}

func validateTag(tag string) error {
	t := strings.TrimSpace(tag)
	if t == "" {
		return invalid("Tags", "a tag name must not be empty")
	}
	if utf8.RuneCountInString(t) > MaxTagLength {
		return invalid("Tags", "tag %q is longer than %d characters", clip(t), MaxTagLength)
	}
	if strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return invalid("Tags", "tag %q contains control characters", clip(t))
	}
	return nil
}

func validateAttribute(a Attribute) error {
	if strings.TrimSpace(a.Type) == "" {
		return invalid("Attributes", "an attribute needs a Type, such as \"Description\"")
	}
	if strings.TrimSpace(a.Value) == "" {
		return invalid("Attributes", "attribute %q needs a Value", clip(a.Type))
	}
	return nil
}

func validateLabel(l string) error {
	if strings.TrimSpace(l) == "" {
		return invalid("SecurityLabels", "a security label name must not be empty, e.g. \"TLP:AMBER\"")
	}
	return nil
}

// validateIndicator checks ind for a create and returns it with a
// normalized summary.
func validateIndicator(ind Indicator) (Indicator, error) {
	s, err := normalizeSummary(ind.Type, ind.Summary)
	if err != nil {
		return ind, err
	}
	ind.Summary = s
	if err := validateRating(ind.Rating); err != nil {
		return ind, err
	}
	if err := validateConfidence(ind.Confidence); err != nil {
		return ind, err
	}
	if ind.Size < 0 {
		return ind, invalid("Size", "must not be negative")
	}
	if ind.Type != Host && (ind.DNSActive != nil || ind.WhoisActive != nil) {
		return ind, invalid("DNSActive", "applies to Host indicators only")
	}
	if ind.Type != File && ind.Size != 0 {
		return ind, invalid("Size", "applies to File indicators only")
	}
	for _, t := range ind.Tags {
		if err := validateTag(t); err != nil {
			return ind, err
		}
	}
	for _, a := range ind.Attributes {
		if err := validateAttribute(a); err != nil {
			return ind, err
		}
	}
	for _, l := range ind.SecurityLabels {
		if err := validateLabel(l); err != nil {
			return ind, err
		}
	}
	return ind, nil
}

func validateOwner(owner string) error {
	if strings.ContainsFunc(owner, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return invalid("Owner", "must not contain control characters")
	}
	return nil
}
