package audit

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/auditview"
)

// Full audits tokens and incidents: the coverage of Coverage, the tokens
// older than the rotation period, and the incidents (totals, unacknowledged,
// by kind and by token, first and last seen, the top source IPs and the ones
// that hit several tokens, disabled tokens with incidents, incidents on
// deleted tokens), with a finding and a concrete recommendation for each
// problem. When src is a BirdSource (FromClient is one) the report also
// has the estate: birds by flock, dead birds and how long since they were
// last seen, birds behind on updates, flocks without birds or tokens,
// coverage and incidents per flock.
//
// Full reads the tokens and then streams the incidents once: memory grows
// with the number of tokens and is bounded for incidents (per-kind,
// per-token and at most opts.MaxSourceIPs per-source-IP counters), whatever
// their number. An incident is linked to a token by node_id, or, when no
// token has that node_id, by the token code ("canarytoken") in its events.
// With FromClient the reads overlap: the incident listing starts with the
// token listing (read ahead by at most incidentReadAhead incidents until the
// tokens are in), and the devices and flocks are fetched meanwhile; and of
// each incident only the members the audit reads are decoded (the others
// are checked as Incidents.All checks them, so a page Incidents.All
// rejects fails the audit just the same).
func Full(ctx context.Context, src Source, opts *Options) (*Report, error) {
	s, err := prepare(src, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	incidents := func(ctx context.Context) iter.Seq2[*auditview.Incident, error] { return incidentViews(ctx, src) }
	var birds func() (*Birds, error)
	if _, ok := src.(overlapping); ok {
		ra := startReadAhead(ctx, incidentViews(ctx, src), readAheadBatch, incidentReadAhead/readAheadBatch)
		defer ra.stop()
		incidents = func(context.Context) iter.Seq2[*auditview.Incident, error] { return ra.all(ctx) }
		if bs, ok := src.(BirdSource); ok {
			birds = startBirds(ctx, bs)
			defer func() { _, _ = birds() }() // wait for it, whatever happens
		}
	}
	e, err := loadTokens(ctx, src)
	if err != nil {
		return nil, err
	}
	a := newIncidentAgg(s)
	for inc, err := range incidents(ctx) {
		if err != nil {
			return nil, fmt.Errorf("audit: reading incidents: %w", err)
		}
		if inc != nil {
			a.add(e, inc)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := newReport(ScopeFull, s)
	r.Coverage = coverageOf(e, s)
	r.Hygiene = hygieneOf(e, s)
	r.Incidents = a.section(e, s)
	r.Findings = coverageFindings(&r.Coverage, s)
	r.Findings = append(r.Findings, hygieneFindings(r.Hygiene, s)...)
	r.Findings = append(r.Findings, incidentFindings(r.Incidents, a, s)...)
	if bs, ok := src.(BirdSource); ok {
		if birds == nil {
			birds = func() (*Birds, error) { return bs.Birds(ctx) }
		}
		b, err := birds()
		if err != nil {
			return nil, fmt.Errorf("audit: reading devices and flocks: %w", err)
		}
		if b != nil {
			r.Estate = estateOf(b, e, a, s)
			r.Findings = append(r.Findings, estateFindings(r.Estate)...)
		}
	}
	sortFindings(r.Findings)
	return r, nil
}

// incidentAgg holds the incident aggregates; its size does not depend on
// the number of incidents.
type incidentAgg struct {
	total, unacked                int
	onTokens, onDeleted, onDevice int
	deletedUnacked                int
	first, last                   time.Time
	kinds                         map[canary.Kind]*KindIncidents
	ips                           *tracker
	unknownSource                 int
	deleted                       *tracker
	flocks                        map[string]*flockIncidents
}

func newIncidentAgg(s settings) *incidentAgg {
	return &incidentAgg{
		kinds:   make(map[canary.Kind]*KindIncidents),
		ips:     newTracker(s.maxIPs),
		deleted: newTracker(maxDeletedTokens),
	}
}

// incidentViews is what Full reads of src's incidents: from a Console
// (FromClient), only the members the audit reads are decoded (see
// internal/auditview); from any other Source, each incident's view.
func incidentViews(ctx context.Context, src Source) iter.Seq2[*auditview.Incident, error] {
	if vs, ok := src.(viewSource); ok {
		return vs.incidentViews(ctx)
	}
	return func(yield func(*auditview.Incident, error) bool) {
		for inc, err := range src.Incidents(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			if inc == nil {
				continue
			}
			v := auditview.IncidentOf(inc)
			if !yield(&v, nil) {
				return
			}
		}
	}
}

// incidentTime is when an incident happened: its creation time, else its
// last update, else its first event's time.
func incidentTime(inc *auditview.Incident) time.Time {
	switch {
	case !inc.Created.IsZero():
		return inc.Created.UTC()
	case !inc.Updated.IsZero():
		return inc.Updated.UTC()
	case !inc.EventTime.IsZero():
		return inc.EventTime.UTC()
	}
	return time.Time{}
}

func (a *incidentAgg) kind(k canary.Kind) *KindIncidents {
	if ki, ok := a.kinds[k]; ok {
		return ki
	}
	if len(a.kinds) >= maxKinds {
		k = OtherKind
		if ki, ok := a.kinds[k]; ok {
			return ki
		}
	}
	ki := &KindIncidents{Kind: k}
	a.kinds[k] = ki
	return ki
}

func (a *incidentAgg) add(e *estate, inc *auditview.Incident) {
	a.addFlock(inc)
	at := incidentTime(inc)
	unacked := !inc.Acknowledged
	a.total++
	if unacked {
		a.unacked++
	}
	if !at.IsZero() {
		if a.first.IsZero() || at.Before(a.first) {
			a.first = at
		}
		if at.After(a.last) {
			a.last = at
		}
	}

	// Link the incident to a token: node_id first, then the token code.
	var ts *tokenState
	if inc.NodeID != "" {
		ts = e.byNode[inc.NodeID]
	}
	code := ""
	if ts == nil {
		code = inc.TokenCode
		if code != "" {
			ts = e.byID[code]
		}
	}

	hit := "" // the token this incident counts against, for repeat sources
	switch {
	case ts != nil:
		a.onTokens++
		ts.incidents++
		if unacked {
			ts.unacked++
		}
		if !at.IsZero() {
			if ts.first.IsZero() || at.Before(ts.first) {
				ts.first = at
			}
			if at.After(ts.last) {
				ts.last = at
			}
		}
		ki := a.kind(kindOf(ts.ref.Kind))
		ki.Incidents++
		if unacked {
			ki.Unacknowledged++
		}
		hit = ts.ref.ID
	case inc.Canarytoken || code != "":
		a.onDeleted++
		if unacked {
			a.deletedUnacked++
		}
		k := kindOf(canary.Kind(inc.EventType))
		ki := a.kind(k)
		ki.Incidents++
		if unacked {
			ki.Unacknowledged++
		}
		key := inc.NodeID
		if key == "" {
			key = "code:" + code
		}
		c := a.deleted.add(key)
		c.observe(unacked, at, "")
		if c.kind == "" {
			c.kind, c.nodeID, c.code = string(k), inc.NodeID, code
		}
		if c.memo == "" {
			c.memo = shorten(inc.Memo, maxMemo)
		}
		hit = "deleted:" + key
	default:
		a.onDevice++
	}

	if inc.SourceHost == "" {
		a.unknownSource++
		return
	}
	a.ips.add(inc.SourceHost).observe(unacked, at, hit)
}

// section turns the aggregates into the report's incident section.
func (a *incidentAgg) section(e *estate, s settings) *IncidentSection {
	sec := &IncidentSection{
		Total: a.total, Unacknowledged: a.unacked, Acknowledged: a.total - a.unacked,
		OnTokens: a.onTokens, OnDeletedTokens: a.onDeleted, OnDevices: a.onDevice,
		FirstSeen: a.first, LastSeen: a.last,
		ByKind: []KindIncidents{}, ByToken: []TokenIncidents{}, DisabledWithIncidents: []TokenIncidents{},
		DeletedTokens: []DeletedTokenIncidents{}, TopSources: []SourceIP{}, RepeatSources: []SourceIP{},
	}
	for _, ki := range a.kinds {
		sec.ByKind = append(sec.ByKind, *ki)
	}
	sort.Slice(sec.ByKind, func(i, j int) bool {
		x, y := sec.ByKind[i], sec.ByKind[j]
		if x.Incidents != y.Incidents {
			return x.Incidents > y.Incidents
		}
		return x.Kind < y.Kind
	})

	var with, disabled []TokenIncidents
	for _, t := range e.tokens {
		if t.incidents == 0 {
			continue
		}
		ti := TokenIncidents{Token: t.ref, Incidents: t.incidents, Unacknowledged: t.unacked,
			FirstSeen: t.first, LastSeen: t.last}
		with = append(with, ti)
		if !t.ref.Enabled {
			disabled = append(disabled, ti)
		}
	}
	sortTokenIncidents(with)
	sortTokenIncidents(disabled)
	sec.TokensWithIncidents = len(with)
	sec.DisabledWithIncidentsCount = len(disabled)
	sec.ByToken = append(sec.ByToken, with[:min(len(with), s.topN)]...)
	sec.DisabledWithIncidents = append(sec.DisabledWithIncidents, disabled[:min(len(disabled), s.topN)]...)

	deleted := a.deleted.counters()
	sortCounters(deleted, false)
	for _, c := range deleted[:min(len(deleted), s.topN)] {
		sec.DeletedTokens = append(sec.DeletedTokens, DeletedTokenIncidents{
			NodeID: c.nodeID, TokenID: c.code, Kind: canary.Kind(c.kind), Memo: c.memo,
			Incidents: c.count, Unacknowledged: c.unacked, LastSeen: c.last,
		})
	}

	sec.Sources = SourceSummary{Distinct: len(a.ips.m), Exact: a.ips.exact(), Unknown: a.unknownSource}
	ips := a.ips.counters()
	sortCounters(ips, false)
	for _, c := range ips[:min(len(ips), s.topN)] {
		sec.TopSources = append(sec.TopSources, sourceIP(c))
	}
	repeat := repeatSources(a)
	for _, c := range repeat[:min(len(repeat), s.topN)] {
		sec.RepeatSources = append(sec.RepeatSources, sourceIP(c))
	}
	return sec
}

// repeatSources returns the source counters that hit two or more tokens,
// most tokens first.
func repeatSources(a *incidentAgg) []*counter {
	var out []*counter
	for _, c := range a.ips.counters() {
		if len(c.tokens) >= 2 {
			out = append(out, c)
		}
	}
	sortCounters(out, true)
	return out
}

func sourceIP(c *counter) SourceIP {
	return SourceIP{
		IP: c.key, Incidents: c.count, CountError: c.errBound, Unacknowledged: c.unacked,
		TokensHit: len(c.tokens), TokensHitAtLeast: c.tokensFull,
		FirstSeen: c.first, LastSeen: c.last,
	}
}

// sortCounters orders by count (or by tokens hit first), then by key.
func sortCounters(cs []*counter, byTokens bool) {
	sort.Slice(cs, func(i, j int) bool {
		x, y := cs[i], cs[j]
		if byTokens && len(x.tokens) != len(y.tokens) {
			return len(x.tokens) > len(y.tokens)
		}
		if x.count != y.count {
			return x.count > y.count
		}
		return x.key < y.key
	})
}

func sortTokenIncidents(ts []TokenIncidents) {
	sort.Slice(ts, func(i, j int) bool {
		x, y := ts[i], ts[j]
		if x.Incidents != y.Incidents {
			return x.Incidents > y.Incidents
		}
		if x.Unacknowledged != y.Unacknowledged {
			return x.Unacknowledged > y.Unacknowledged
		}
		return x.Token.ID < y.Token.ID
	})
}

// hygieneOf finds the tokens older than the rotation period.
func hygieneOf(e *estate, s settings) *HygieneSection {
	h := &HygieneSection{RotationPeriodDays: days(s), StaleByKind: []KindCount{}, OldestStale: []TokenRef{}}
	byKind := map[canary.Kind]int{}
	var stale []TokenRef
	for _, t := range e.tokens {
		switch {
		case t.ref.Created.IsZero():
			h.UnknownAge++
		case s.now.Sub(t.ref.Created) > s.rotation:
			h.Stale++
			byKind[kindOf(t.ref.Kind)]++
			stale = append(stale, t.ref)
		}
	}
	for k, n := range byKind {
		h.StaleByKind = append(h.StaleByKind, KindCount{Kind: k, Count: n})
	}
	sort.Slice(h.StaleByKind, func(i, j int) bool {
		x, y := h.StaleByKind[i], h.StaleByKind[j]
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		return x.Kind < y.Kind
	})
	sort.Slice(stale, func(i, j int) bool {
		if !stale[i].Created.Equal(stale[j].Created) {
			return stale[i].Created.Before(stale[j].Created)
		}
		return stale[i].ID < stale[j].ID
	})
	h.OldestStale = append(h.OldestStale, stale[:min(len(stale), s.topN)]...)
	return h
}
