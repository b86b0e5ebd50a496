package main

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/threatconnect"
)

// scores are the rating and confidence given to every indicator.
type scores struct {
	rating     float64
	confidence int
}

// sighting is one reason to publish an indicator: a Canary incident or a
// honeytoken hit, from one source.
type sighting struct {
	ind  threatconnect.Indicator // Type, Summary, Tags set
	what string                  // one line for the Description attribute
	at   time.Time
}

// tagFor clips a tag to the platform's limit.
func tagFor(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return clip(s, threatconnect.MaxTagLength)
}

// sourceIndicators turns a source address and reverse name into indicators:
// an Address for an IP, a Host for a name.
func sourceIndicators(src, reverse string) []threatconnect.Indicator {
	var out []threatconnect.Indicator
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || strings.EqualFold(s, "N/A") {
			return
		}
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, threatconnect.Indicator{Type: threatconnect.Address, Summary: a.Unmap().String()})
			return
		}
		out = append(out, threatconnect.Indicator{Type: threatconnect.Host, Summary: strings.ToLower(strings.TrimSuffix(s, "."))})
	}
	add(src)
	if reverse != "" && !strings.EqualFold(reverse, src) {
		add(reverse)
	}
	return out
}

// incidentSightings maps a Canary incident to indicators. kind is the token
// kind ("" for a Canary device or an unknown token).
func incidentSightings(inc *canary.Incident, kind string) []sighting {
	tags := []string{"canary"}
	if kind != "" {
		tags = append(tags, tagFor(kind))
	}
	if m := tagFor(inc.Memo); m != "" {
		tags = append(tags, m)
	}
	what := inc.Description
	if what == "" {
		what = inc.Summary
	}
	if what == "" {
		what = "Canary incident"
	}
	var subject string
	switch {
	case kind != "" && inc.Memo != "":
		subject = fmt.Sprintf("%s token %q", kind, clip(inc.Memo, 80))
	case kind != "":
		subject = kind + " token"
	case inc.Name != "" && inc.Name != "N/A":
		subject = "Canary " + inc.Name
	default:
		subject = "node " + inc.NodeID
	}
	line := fmt.Sprintf("%s: %s from %s at %s (incident %s)", what, subject, inc.SourceHost,
		inc.Created.UTC().Format(time.RFC3339), clip(inc.Key, 100))
	var out []sighting
	for _, ind := range sourceIndicators(inc.SourceHost, inc.SourceHostReverse) {
		ind.Tags = tags
		out = append(out, sighting{ind: ind, what: line, at: inc.Created})
	}
	return out
}

// hitSightings maps a honeytoken hit to an Address indicator.
func hitSightings(h Hit) []sighting {
	tags := []string{"honeytoken"}
	if h.Format != "" {
		tags = append(tags, tagFor(h.Format))
	}
	if m := tagFor(h.Memo); m != "" {
		tags = append(tags, m)
	}
	line := fmt.Sprintf("Honeytoken used: %s token %s", h.Format, h.TokenID)
	if h.Memo != "" {
		line += fmt.Sprintf(" (%q)", clip(h.Memo, 80))
	}
	line += " from " + h.RemoteIP
	if !h.Time.IsZero() {
		line += " at " + h.Time.UTC().Format(time.RFC3339)
	}
	if h.UserAgent != "" {
		line += fmt.Sprintf(", user agent %q", clip(h.UserAgent, 120))
	}
	var out []sighting
	for _, ind := range sourceIndicators(h.RemoteIP, "") {
		ind.Tags = tags
		out = append(out, sighting{ind: ind, what: line, at: h.Time})
	}
	return out
}

// finish sets the scores and the Description attribute of one sighting's
// indicator (per-incident mode).
func (s sighting) indicator(sc scores) threatconnect.Indicator {
	ind := s.ind
	ind.Rating, ind.Confidence = sc.rating, sc.confidence
	ind.Attributes = []threatconnect.Attribute{{Type: "Description", Value: s.what, Displayed: true}}
	return ind
}

// merge folds sightings of the same indicator into one (batch mode): tags
// are united, and one Description attribute lists how often and when the
// source was seen, with the first few sightings.
func merge(ss []sighting, sc scores) []threatconnect.Indicator {
	type acc struct {
		ind         threatconnect.Indicator
		tags        map[string]bool
		lines       []string
		first, last time.Time
		n           int
	}
	byKey := map[string]*acc{}
	var order []string
	for _, s := range ss {
		k := string(s.ind.Type) + "|" + s.ind.Summary
		a := byKey[k]
		if a == nil {
			a = &acc{ind: s.ind, tags: map[string]bool{}}
			a.ind.Tags = nil
			byKey[k] = a
			order = append(order, k)
		}
		a.n++
		for _, t := range s.ind.Tags {
			if !a.tags[t] {
				a.tags[t] = true
				a.ind.Tags = append(a.ind.Tags, t)
			}
		}
		if len(a.lines) < 5 {
			a.lines = append(a.lines, s.what)
		}
		if !s.at.IsZero() && (a.first.IsZero() || s.at.Before(a.first)) {
			a.first = s.at
		}
		if s.at.After(a.last) {
			a.last = s.at
		}
	}
	out := make([]threatconnect.Indicator, 0, len(order))
	for _, k := range order {
		a := byKey[k]
		ind := a.ind
		ind.Rating, ind.Confidence = sc.rating, sc.confidence
		desc := fmt.Sprintf("Seen by decoys %d time(s)", a.n)
		if !a.first.IsZero() {
			desc += fmt.Sprintf(" between %s and %s", a.first.UTC().Format(time.RFC3339), a.last.UTC().Format(time.RFC3339))
		}
		desc += ". " + strings.Join(a.lines, "; ")
		if a.n > len(a.lines) {
			desc += fmt.Sprintf("; and %d more", a.n-len(a.lines))
		}
		ind.Attributes = []threatconnect.Attribute{{Type: "Description", Value: desc, Displayed: true}}
		out = append(out, ind)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Summary < out[j].Summary
	})
	return out
}

// shortTags lists the short tags (kinds, "canary", "honeytoken") and counts
// the memo tags, which are long.
func shortTags(tags []string) string {
	var short []string
	memos := 0
	for _, t := range tags {
		if len(t) <= 20 && !strings.ContainsAny(t, " /\\") {
			short = append(short, t)
		} else {
			memos++
		}
	}
	sort.Strings(short)
	s := strings.Join(short, ",")
	if memos > 0 {
		s += fmt.Sprintf(" +%d memo tag(s)", memos)
	}
	return s
}
