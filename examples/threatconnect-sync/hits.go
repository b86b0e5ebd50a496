package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// Hit is one honeytoken hit, read from a line of the JSON Lines file given
// with --hits: either an alert as honeytoken/decoy's JSONLines notifier writes
// it ({"id":…,"hit":{…},"count":…}), whose hit is taken, or a bare hit object.
type Hit struct {
	TokenID   string    `json:"token_id"`
	Format    string    `json:"format"`
	Memo      string    `json:"memo"`
	RemoteIP  string    `json:"remote_ip"`
	UserAgent string    `json:"user_agent"`
	Time      time.Time `json:"time"`
}

// maxHitLine caps one line of the hits file.
const maxHitLine = 1 << 20

// readHits reads a JSON Lines file of hits. Blank lines are skipped; a bad
// line is an error naming the file and line.
func readHits(r io.Reader, name string) ([]Hit, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxHitLine)
	var hits []Hit
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var line struct {
			Hit
			Alert *Hit `json:"hit"` // a decoy.Alert line
		}
		dec := json.NewDecoder(strings.NewReader(text))
		if err := dec.Decode(&line); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON hit object: %v", name, n, err)
		}
		h := line.Hit
		if line.Alert != nil {
			h = *line.Alert
		}
		if h.TokenID == "" {
			return nil, fmt.Errorf("%s:%d: token_id is missing", name, n)
		}
		a, err := netip.ParseAddr(strings.TrimSpace(h.RemoteIP))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: remote_ip %q is not an IP address", name, n, clip(h.RemoteIP, 64))
		}
		h.RemoteIP = a.Unmap().String()
		hits = append(hits, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return hits, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
