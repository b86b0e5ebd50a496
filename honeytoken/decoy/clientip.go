package decoy

import (
	"net/http"
	"net/netip"
	"strings"
)

// peerAddr parses r.RemoteAddr ("ip:port", or a bare ip from some servers).
func peerAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

// clientIP returns the client address and the peer address. X-Forwarded-For
// is read only when the peer is a trusted proxy, right to left, stopping at
// the first hop that is not trusted (or at a malformed entry, in which case
// the last trusted hop is the answer): a client can prepend anything it likes
// to the header, but cannot forge what the trusted proxies appended.
func clientIP(r *http.Request, trusted []netip.Prefix) (client, peer netip.Addr) {
	peer = peerAddr(r)
	if len(trusted) == 0 || !isTrusted(peer, trusted) {
		return peer, peer
	}
	cur := peer
	vals := r.Header["X-Forwarded-For"]
	for i := len(vals) - 1; i >= 0; i-- {
		v := vals[i]
		for v != "" {
			hop := v
			if j := strings.LastIndexByte(v, ','); j >= 0 {
				hop, v = v[j+1:], v[:j]
			} else {
				v = ""
			}
			a, err := netip.ParseAddr(strings.TrimSpace(hop))
			if err != nil {
				return cur, peer
			}
			cur = a.Unmap()
			if !isTrusted(cur, trusted) {
				return cur, peer
			}
		}
	}
	return cur, peer
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
