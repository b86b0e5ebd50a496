package canary

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/internal/lenient"
)

// SettingsService checks and adds to the Console's ignore lists (which the
// API calls whitelists) and reads its global settings: the endpoints under
// /settings.
//
// Canary API docs: https://docs.canary.tools/console-settings/ignore-lists.html
type SettingsService service

// IgnoreCheck is the answer of an ignore-list check.
type IgnoreCheck struct {
	// Ignored is true when the address or hostname is on the ignore list.
	Ignored bool
	// ListEnabled is true when the ignore list is on; an address on a list
	// that is off is not ignored.
	ListEnabled bool
}

func checkPort(port int) error {
	if port < 0 || port > 65535 {
		return invalid("port", "%d is not a TCP or UDP port (0 means any port)", port)
	}
	return nil
}

// IsIPIgnored reports whether incidents from ip (to port, or any port when
// port is 0) are ignored (GET /settings/is_ip_ignored, the path the docs
// renamed from /settings/is_ip_whitelisted). The answer's key is read as
// is_ip_whitelisted (the docs) or is_ip_ignored (what other clients read).
//
// Canary API docs: https://docs.canary.tools/console-settings/ignore-lists.html#test-ignore-lists
//
//meta:operation GET /api/v1/settings/is_ip_ignored
func (s *SettingsService) IsIPIgnored(ctx context.Context, ip string, port int) (*IgnoreCheck, error) {
	if net.ParseIP(ip) == nil {
		return nil, invalid("ip", "%q is not an IP address", clip(ip))
	}
	if err := checkPort(port); err != nil {
		return nil, err
	}
	return s.isIgnored(ctx, "/settings/is_ip_ignored", url.Values{"src_ip": {ip}}, port)
}

// ignoreAnswer is the answer of both ignore-list checks, under either of the
// keys the docs and other clients use.
type ignoreAnswer struct {
	laxEnvelope
	IPWhitelisted       *lenient.Bool `json:"is_ip_whitelisted"`
	IPIgnored           *lenient.Bool `json:"is_ip_ignored"`
	HostnameWhitelisted *lenient.Bool `json:"is_hostname_whitelisted"`
	HostnameIgnored     *lenient.Bool `json:"is_hostname_ignored"`
	Enabled             lenient.Bool  `json:"is_whitelist_enabled"`
}

// isIgnored runs an ignore-list check at path with q (and dst_port when port
// is not 0).
func (s *SettingsService) isIgnored(ctx context.Context, path string, q url.Values, port int) (*IgnoreCheck, error) {
	if port > 0 {
		q.Set("dst_port", strconv.Itoa(port))
	}
	var out ignoreAnswer
	if err := s.client.get(ctx, path, q, &out); err != nil {
		return nil, err
	}
	var answer bool
	found := false
	for _, v := range []*lenient.Bool{out.IPWhitelisted, out.IPIgnored, out.HostnameWhitelisted, out.HostnameIgnored} {
		if v != nil {
			found = true
			answer = answer || bool(*v)
		}
	}
	if !found {
		return nil, malformed("GET", path, "no ignore-list answer (is_ip_whitelisted, is_ip_ignored or is_hostname_whitelisted) in the response")
	}
	return &IgnoreCheck{Ignored: answer, ListEnabled: bool(out.Enabled)}, nil
}

func checkHostname(h string) error {
	if h == "" || len(h) > 253 || strings.ContainsAny(h, " /\\\r\n\x00:@") {
		return invalid("hostname", "%q is not a hostname", clip(h))
	}
	return nil
}

// IsHostnameIgnored reports whether incidents from hostname (to port, or
// any port when port is 0) are ignored (GET
// /settings/is_hostname_whitelisted).
//
// Canary API docs: https://docs.canary.tools/console-settings/ignore-lists.html#test-ignore-lists
//
//meta:operation GET /api/v1/settings/is_hostname_whitelisted
func (s *SettingsService) IsHostnameIgnored(ctx context.Context, hostname string, port int) (*IgnoreCheck, error) {
	if err := checkHostname(hostname); err != nil {
		return nil, err
	}
	if err := checkPort(port); err != nil {
		return nil, err
	}
	return s.isIgnored(ctx, "/settings/is_hostname_whitelisted", url.Values{"hostname": {hostname}}, port)
}

// IgnoreIP adds ip (to port, or any port when port is 0) to the Console's
// default ignore list (POST /settings/whitelist_ip_port). ip may be a CIDR
// range such as "10.0.0.0/24".
//
// Canary API docs: https://docs.canary.tools/console-settings/ignore-lists.html#ignore-ip-and-port
//
//meta:operation POST /api/v1/settings/whitelist_ip_port
func (s *SettingsService) IgnoreIP(ctx context.Context, ip string, port int) error {
	if net.ParseIP(ip) == nil {
		if _, _, err := net.ParseCIDR(ip); err != nil {
			return invalid("ip", "%q is not an IP address or CIDR range", clip(ip))
		}
	}
	if err := checkPort(port); err != nil {
		return err
	}
	form := url.Values{"src_ip": {ip}}
	if port > 0 {
		form.Set("dst_port", strconv.Itoa(port))
	}
	return s.client.post(ctx, "/settings/whitelist_ip_port", form, true, nil)
}

// ConsoleSettings are the Console's global settings.
type ConsoleSettings struct {
	// ConsoleDomain is the Console's domain.
	ConsoleDomain string
	// AuthToken is the API key the settings include. It prints as
	// [REDACTED].
	AuthToken Sensitive
	// Values are the other settings, as sent, without "auth_token".
	Values map[string]json.RawMessage
}

// Get returns the global settings (GET /settings). The response includes
// the Console's API key: it is kept only in ConsoleSettings.AuthToken,
// which never prints.
//
// Canary API docs: https://docs.canary.tools/console-settings/overview.html
//
//meta:operation GET /api/v1/settings
func (s *SettingsService) Get(ctx context.Context) (*ConsoleSettings, error) {
	var raw map[string]json.RawMessage
	if err := s.client.get(ctx, "/settings", nil, (*settingsWire)(&raw)); err != nil {
		return nil, err
	}
	cs := &ConsoleSettings{Values: raw}
	if v, ok := raw["auth_token"]; ok {
		var tok lenient.String
		_ = json.Unmarshal(v, &tok)
		cs.AuthToken = Sensitive(tok)
		delete(raw, "auth_token")
	}
	if v, ok := raw["console_domain"]; ok {
		var d lenient.String
		_ = json.Unmarshal(v, &d)
		cs.ConsoleDomain = string(d)
	}
	delete(raw, "result")
	return cs, nil
}

// settingsWire decodes /settings into a map and its envelope.
type settingsWire map[string]json.RawMessage

func (w *settingsWire) env() *envelope {
	var e envelope
	if v, ok := (*w)["result"]; ok {
		_ = json.Unmarshal(v, &e.Result)
	}
	if v, ok := (*w)["message"]; ok {
		_ = json.Unmarshal(v, &e.Message)
	}
	return &e
}
