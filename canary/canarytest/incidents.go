package canarytest

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// incQuery is a remembered incident query (feed or search).
type incQuery struct {
	state                    string // all, acknowledged, unacknowledged
	nodeID, flockID, srcHost string
	since                    int64
	newer, older             time.Time
	eventLimit               int // -1: all events
	filterStr                string
	logtypes                 map[int]bool
	loc                      *time.Location // tz, for the *_std fields of the feeds
}

func (q *incQuery) match(inc *incident) bool {
	switch {
	case q.state == "acknowledged" && !inc.acked, q.state == "unacknowledged" && inc.acked:
		return false
	case q.nodeID != "" && inc.nodeID != q.nodeID,
		q.flockID != "" && inc.flockID != q.flockID,
		q.srcHost != "" && inc.src != q.srcHost:
		return false
	case inc.updatedID <= q.since:
		return false
	case !q.newer.IsZero() && !inc.created.After(q.newer),
		!q.older.IsZero() && !inc.created.Before(q.older):
		return false
	case q.logtypes != nil && !q.logtypes[inc.logtype]:
		return false
	}
	if q.filterStr != "" {
		f := strings.ToLower(q.filterStr)
		// filter_str matches the alert name, memo, node_id, token and the
		// source and destination addresses.
		if !strings.Contains(strings.ToLower(inc.memo), f) && !strings.Contains(inc.src, f) &&
			!strings.Contains(inc.dstHost, f) && !strings.Contains(inc.nodeID, f) &&
			!strings.Contains(strings.ToLower(tokenIncidentDescription), f) && !strings.Contains(inc.tokenID, f) {
			return false
		}
	}
	return true
}

// timeParam reads newer_than/older_than on the query endpoints:
// yyyy-mm-dd-hh:mm:ss, UTC.
func timeParam(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse("2006-01-02-15:04:05", v)
	return t, err == nil
}

// parseIncQuery reads the filters of a first feed or search request and
// returns the error message on bad input: the documented "Parameter
// older_than was invalid." and "Cannot use src_host and node_id together",
// and the same pattern for the other parameters (not documented).
func parseIncQuery(p map[string][]string, feedState string) (*incQuery, string) {
	get := func(k string) string {
		if vs := p[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	q := &incQuery{state: feedState, nodeID: get("node_id"), flockID: get("flock_id"), srcHost: get("src_host"),
		filterStr: get("filter_str"), eventLimit: -1}
	if q.nodeID != "" && q.srcHost != "" {
		return nil, msgNodeAndSrc
	}
	var ok bool
	if q.loc, ok = tzParam(get("tz")); !ok {
		return nil, "Parameter tz was invalid."
	}
	if q.newer, ok = timeParam(get("newer_than")); !ok {
		return nil, "Parameter newer_than was invalid."
	}
	if q.older, ok = timeParam(get("older_than")); !ok {
		return nil, "Parameter older_than was invalid."
	}
	if v := get("incidents_since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, "Parameter incidents_since was invalid."
		}
		q.since = n
	}
	if v := get("event_limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, "Parameter event_limit was invalid."
		}
		q.eventLimit = n
	}
	if v := get("filter_logtypes"); v != "" {
		q.logtypes = map[int]bool{}
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return nil, "Parameter filter_logtypes was invalid."
			}
			q.logtypes[n] = true
		}
	}
	return q, ""
}

var feedNames = map[string]string{
	"/incidents/all":            "All Incidents",
	"/incidents/unacknowledged": "Unacknowledged Incidents",
	"/incidents/acknowledged":   "Acknowledged Incidents",
}

// incCursor reads a first request (remembering its query if it paginates)
// or a cursor. paginate is false for a first request without limit.
func (s *Server) incCursor(w http.ResponseWriter, r *request, feedState string, search bool) (q *incQuery, c cursor, paginate, ok bool) {
	s.withWrite(func(st *state) {
		if cs := r.params.Get("cursor"); cs != "" {
			var good bool
			c, good = decodeCursor(cs)
			if good {
				q, good = st.queries[c.query].(*incQuery)
			}
			if !good {
				s.fail(w, http.StatusBadRequest, "Parameter cursor was invalid.")
				return
			}
			paginate, ok = true, true
			return
		}
		if search {
			feedState = r.params.Get("filter_incident_state")
			switch feedState {
			case "":
				feedState = "unacknowledged" // the documented default
			case "all", "acknowledged", "unacknowledged":
			default:
				s.fail(w, http.StatusBadRequest, "Parameter filter_incident_state was invalid.")
				return
			}
		}
		var msg string
		if q, msg = parseIncQuery(r.params, feedState); msg != "" {
			s.fail(w, http.StatusBadRequest, msg)
			return
		}
		c = cursor{after: 0, bound: st.updatedSeq, page: 1}
		if v := r.params.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				s.fail(w, http.StatusBadRequest, "Parameter limit was invalid.")
				return
			}
			c.limit, paginate = min(n, 10000), true
			c.query = st.remember(q)
		} else {
			c.limit = len(st.incs) + 1
		}
		ok = true
	})
	return q, c, paginate, ok
}

// incPage collects one page of matching incidents in ascending updated_id
// (the feed's documented order; search uses it too, which is a guess).
func incPage(st *state, q *incQuery, c cursor) (page []*incident, next, prev *cursor) {
	start := sort.Search(len(st.incs), func(i int) bool { return st.incs[i].updatedID > c.after })
	for i := start; i < len(st.incs) && st.incs[i].updatedID <= c.bound; i++ {
		inc := st.incs[i]
		if !q.match(inc) {
			continue
		}
		if len(page) == c.limit {
			n := cursor{query: c.query, after: page[len(page)-1].updatedID, bound: c.bound, limit: c.limit, page: c.page + 1}
			next = &n
			break
		}
		page = append(page, inc)
	}
	if c.page > 1 {
		got, first := 0, int64(1)
		for i := start - 1; i >= 0 && got < c.limit; i-- {
			if q.match(st.incs[i]) {
				got++
				first = st.incs[i].updatedID
			}
		}
		p := cursor{query: c.query, after: first - 1, bound: c.bound, limit: c.limit, page: c.page - 1}
		prev = &p
	}
	return page, next, prev
}

func (s *Server) feed(w http.ResponseWriter, r *request) {
	q, c, paginate, ok := s.incCursor(w, r, strings.TrimPrefix(r.path, "/incidents/"), false)
	if !ok {
		return
	}
	var items []feedWire
	var next, prev *cursor
	var last time.Time
	s.withRead(func(st *state) {
		var page []*incident
		page, next, prev = incPage(st, q, c)
		items = make([]feedWire, len(page))
		for i, inc := range page {
			items[i] = inc.feed(q.eventLimit, q.loc)
		}
		if n := len(st.incs); n > 0 {
			last = st.incs[n-1].updated
		}
	})
	if last.IsZero() {
		last = s.now()
	}
	out := map[string]any{
		"feed":              feedNames[r.path],
		"incidents":         items,
		"result":            "success",
		"updated":           httpTime(last),
		"updated_std":       stdTime(last, q.loc),
		"updated_timestamp": last.Unix(),
	}
	if len(items) > 0 {
		// The page's own maximum, not the feed's.
		out["max_updated_id"] = items[len(items)-1].UpdatedID
	}
	if paginate {
		out["cursor"] = makeCursorWire(s.URL, r.path, s.cfg.authToken, next, prev)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) searchIncidents(w http.ResponseWriter, r *request) {
	q, c, paginate, ok := s.incCursor(w, r, "", true)
	if !ok {
		return
	}
	now := s.now()
	var items []searchWire
	var next, prev *cursor
	counts := map[string]int{}
	total := 0
	s.withRead(func(st *state) {
		bySrc := map[string]int{}
		for _, inc := range st.incs {
			bySrc[inc.src]++
			if inc.updatedID <= c.bound && q.match(inc) {
				total++
				counts[inc.src]++
			}
		}
		var page []*incident
		page, next, prev = incPage(st, q, c)
		items = make([]searchWire, len(page))
		for i, inc := range page {
			items[i] = inc.search(now, bySrc[inc.src]-1)
		}
	})
	if !paginate {
		c.limit = max(total, 1)
	}
	out := map[string]any{
		"cursor":                 makeCursorWire(s.URL, r.path, s.cfg.authToken, next, prev),
		"incident_source_counts": counts,
		"incidents":              items,
		"page_number":            c.page,
		"result":                 "success",
		"total_pages":            max((total+c.limit-1)/c.limit, 1),
		"total_results":          total,
	}
	s.writeJSON(w, http.StatusOK, out)
}

// lookupIncident finds the incident named by "incident" (its key) or
// "hash_id".
func (s *Server) lookupIncident(w http.ResponseWriter, r *request, st *state, allowHash bool) *incident {
	key := r.params.Get("incident")
	var inc *incident
	switch {
	case key != "":
		inc = st.incByKey[key]
	case allowHash && r.params.Get("hash_id") != "":
		inc = st.incByHash[r.params.Get("hash_id")]
	default:
		msg := "Missing required parameter incident"
		if allowHash {
			msg += " or hash_id"
		}
		s.fail(w, http.StatusBadRequest, msg)
		return nil
	}
	if inc == nil {
		s.fail(w, http.StatusNotFound, msgNoIncident)
	}
	return inc
}

func (s *Server) fetchIncident(w http.ResponseWriter, r *request) {
	loc, ok := tzParam(r.params.Get("tz"))
	if !ok {
		s.fail(w, http.StatusBadRequest, "Parameter tz was invalid.")
		return
	}
	var out *fetchWire
	s.withRead(func(st *state) {
		if inc := s.lookupIncident(w, r, st, true); inc != nil {
			out = &fetchWire{descWire: inc.desc(-1, loc), ID: inc.key}
		}
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"incident": out, "result": "success"})
	}
}

// actionWire is the answer of the incident actions.
type actionWire struct {
	Action string   `json:"action"`
	Key    string   `json:"key,omitempty"`
	Keys   []string `json:"keys,omitempty"`
	Result string   `json:"result"`
}

func (s *Server) incidentAction(w http.ResponseWriter, r *request, action string) {
	var key string
	s.withWrite(func(st *state) {
		inc := s.lookupIncident(w, r, st, false)
		if inc == nil {
			return
		}
		key = inc.key
		switch action {
		case "acknowledged":
			st.setAcked([]*incident{inc}, true, s.now())
		case "unacknowledged":
			st.setAcked([]*incident{inc}, false, s.now())
		case "deleted":
			st.removeIncidents([]*incident{inc}, true)
		}
	})
	if key != "" {
		s.writeJSON(w, http.StatusOK, actionWire{Action: action, Key: key, Result: "success"})
	}
}

func (s *Server) ackIncident(w http.ResponseWriter, r *request) {
	s.incidentAction(w, r, "acknowledged")
}
func (s *Server) unackIncident(w http.ResponseWriter, r *request) {
	s.incidentAction(w, r, "unacknowledged")
}
func (s *Server) deleteIncident(w http.ResponseWriter, r *request) { s.incidentAction(w, r, "deleted") }

// bulkFilters are the bulk actions' optional parameters, one of which is
// required.
var bulkFilters = []string{"flock_id", "node_id", "src_host", "older_than", "filter_str", "filter_logtypes"}

const msgNoBulkFilter = "Missing required parameter: one of flock_id, node_id, src_host, older_than, filter_str or filter_logtypes"

// periodRE is older_than on the bulk endpoints: a period such as 1d; 0h
// means every incident.
var periodRE = regexp.MustCompile(`^([0-9]+)([hdw])$`)

func (s *Server) bulk(w http.ResponseWriter, r *request, action string) {
	p := r.params
	// The docs: "At least one of the optional parameters is required", and
	// those are all six. The error message is not documented word for word.
	if !slices.ContainsFunc(bulkFilters, func(k string) bool { return p.Get(k) != "" }) {
		s.fail(w, http.StatusBadRequest, msgNoBulkFilter)
		return
	}
	older := p.Get("older_than")
	p.Del("older_than") // a period here, not a timestamp
	q, msg := parseIncQuery(p, "all")
	if msg != "" {
		s.fail(w, http.StatusBadRequest, msg)
		return
	}
	now := s.now()
	if older != "" {
		m := periodRE.FindStringSubmatch(older)
		if m == nil {
			s.fail(w, http.StatusBadRequest, "Parameter older_than was invalid.")
			return
		}
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		if n > 0 {
			q.older = now.Add(-time.Duration(n) * unit)
		}
	}
	withUnacked, _ := strconv.ParseBool(p.Get("include_unacknowledged"))
	var keys []string
	s.withWrite(func(st *state) {
		var list []*incident
		for _, inc := range st.incs {
			if !q.match(inc) {
				continue
			}
			if action == "deleted" && !inc.acked && !withUnacked {
				continue // by default only acknowledged incidents are deleted
			}
			list = append(list, inc)
		}
		switch action {
		case "acknowledged":
			keys = st.setAcked(list, true, now)
		case "unacknowledged":
			keys = st.setAcked(list, false, now)
		default:
			st.removeIncidents(list, true)
			for _, inc := range list {
				keys = append(keys, inc.key)
			}
		}
	})
	if keys == nil {
		keys = []string{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"action": action, "keys": keys, "result": "success"})
}

func (s *Server) bulkAck(w http.ResponseWriter, r *request)    { s.bulk(w, r, "acknowledged") }
func (s *Server) bulkUnack(w http.ResponseWriter, r *request)  { s.bulk(w, r, "unacknowledged") }
func (s *Server) bulkDelete(w http.ResponseWriter, r *request) { s.bulk(w, r, "deleted") }
