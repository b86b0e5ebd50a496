package decoy

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

func TestForwardedForIsOnlyBelievedFromTrustedProxies(t *testing.T) {
	t.Parallel()
	lb := netip.MustParsePrefix("10.0.0.0/8")
	cdn := netip.MustParsePrefix("2001:db8:cafe::/48")
	cases := []struct {
		name     string
		peer     string
		xff      []string
		trusted  []netip.Prefix
		want     string
		wantPeer string // "" when equal to want
	}{
		{"no proxy configured: xff ignored", "203.0.113.9:1234", []string{"1.2.3.4"}, nil, "203.0.113.9", ""},
		{"untrusted peer: spoofed xff ignored", "203.0.113.9:1234", []string{"10.1.1.1"}, []netip.Prefix{lb}, "203.0.113.9", ""},
		{"trusted peer: client from xff", "10.0.0.5:80", []string{"198.51.100.7"}, []netip.Prefix{lb}, "198.51.100.7", "10.0.0.5"},
		{"client-prepended hops are ignored", "10.0.0.5:80", []string{"6.6.6.6, 198.51.100.7"}, []netip.Prefix{lb}, "198.51.100.7", "10.0.0.5"},
		{"chain of trusted proxies", "10.0.0.5:80", []string{"198.51.100.7, 10.2.2.2", "10.3.3.3"}, []netip.Prefix{lb}, "198.51.100.7", "10.0.0.5"},
		{"garbage entry stops the walk", "10.0.0.5:80", []string{"198.51.100.7, not-an-ip, 10.2.2.2"}, []netip.Prefix{lb}, "10.2.2.2", "10.0.0.5"},
		{"all hops trusted: the leftmost", "10.0.0.5:80", []string{"10.9.9.9"}, []netip.Prefix{lb}, "10.9.9.9", "10.0.0.5"},
		{"trusted peer without xff", "10.0.0.5:80", nil, []netip.Prefix{lb}, "10.0.0.5", ""},
		{"ipv6 proxy, ipv4-mapped client", "[2001:db8:cafe::1]:443", []string{"::ffff:192.0.2.44"}, []netip.Prefix{cdn}, "192.0.2.44", "2001:db8:cafe::1"},
		{"ipv4-mapped peer matches an ipv4 prefix", "[::ffff:10.0.0.5]:80", []string{"198.51.100.7"}, []netip.Prefix{lb}, "198.51.100.7", "10.0.0.5"},
		{"unparsable remote address", "somewhere", []string{"1.2.3.4"}, []netip.Prefix{lb}, "invalid IP", ""},
	}
	g := newGen(t, "xff")
	tok := mint(t, g, honeytoken.GitHubClassic)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var rec collector
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			r.Header.Set("Authorization", "Bearer "+tok.Value)
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			Handler(g, WithRecorder(&rec), WithTrustedProxies(c.trusted...)).ServeHTTP(httptest.NewRecorder(), r)
			hits := rec.all()
			require.Len(t, hits, 1)
			assert.Equal(t, c.want, hits[0].RemoteIP.String())
			if c.wantPeer == "" {
				assert.False(t, hits[0].PeerIP.IsValid())
			} else {
				assert.Equal(t, c.wantPeer, hits[0].PeerIP.String())
			}
			if len(c.xff) > 0 {
				assert.NotEmpty(t, hits[0].Headers["X-Forwarded-For"], "the header itself is kept for forensics")
			}
		})
	}
}
