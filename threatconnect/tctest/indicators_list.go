package tctest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

type filter struct{ field, op, value string }

func parseFilters(raw string) ([]filter, string) {
	var out []filter
	for _, term := range strings.Split(raw, ",") {
		i := strings.IndexAny(term, "=<>^")
		if i <= 0 {
			return nil, "Invalid filter: " + term
		}
		f := filter{field: term[:i], op: term[i : i+1], value: term[i+1:]}
		switch f.field {
		case "summary", "rating", "confidence", "active", "dateAdded":
		default:
			return nil, "Invalid filter field: " + f.field
		}
		out = append(out, f)
	}
	return out, ""
}

func (f filter) match(ind *Indicator) bool {
	cmpNum := func(v float64) bool {
		want, err := strconv.ParseFloat(f.value, 64)
		if err != nil {
			return false
		}
		switch f.op {
		case "=":
			return v == want
		case "<":
			return v < want
		case ">":
			return v > want
		}
		return false
	}
	switch f.field {
	case "summary":
		if f.op == "^" {
			return strings.HasPrefix(ind.Summary, f.value)
		}
		return f.op == "=" && ind.Summary == f.value
	case "rating":
		return cmpNum(ind.Rating)
	case "confidence":
		return cmpNum(float64(ind.Confidence))
	case "active":
		return f.op == "=" && strconv.FormatBool(ind.Active) == strings.ToLower(f.value)
	case "dateAdded":
		t, err := time.Parse(time.RFC3339, f.value)
		if err != nil {
			if t, err = time.Parse("2006-01-02", f.value); err != nil {
				return false
			}
		}
		switch f.op {
		case "<":
			return ind.DateAdded.Before(t)
		case ">":
			return ind.DateAdded.After(t)
		}
	}
	return false
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, owner, typ string) {
	q := r.URL.Query()
	start, limit := 0, 100
	if v := q.Get("resultStart"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			failJSON(w, http.StatusBadRequest, "Invalid resultStart")
			return
		}
		start = n
	}
	if v := q.Get("resultLimit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			failJSON(w, http.StatusBadRequest, "resultLimit must be between 1 and 10000")
			return
		}
		limit = n
	}
	if s.pageCap > 0 && limit > s.pageCap {
		limit = s.pageCap
	}
	var filters []filter
	if v := q.Get("filters"); v != "" {
		var msg string
		if filters, msg = parseFilters(v); msg != "" {
			failJSON(w, http.StatusBadRequest, msg)
			return
		}
	}
	or := q.Get("orParams") == "true"
	var since time.Time
	if v := q.Get("modifiedSince"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			failJSON(w, http.StatusBadRequest, "Invalid modifiedSince")
			return
		}
		since = t
	}
	var matched []*Indicator
	for _, ind := range s.owner(owner).order {
		if typ != "" && ind.Type != typ {
			continue
		}
		if !ind.Active && !hasActiveFilter(filters) {
			continue // the v2 API lists active indicators by default
		}
		if !since.IsZero() && ind.LastModified.Before(since) {
			continue
		}
		if len(filters) > 0 {
			ok := !or
			for _, f := range filters {
				if or {
					ok = ok || f.match(ind)
				} else {
					ok = ok && f.match(ind)
				}
			}
			if !ok {
				continue
			}
		}
		matched = append(matched, ind)
	}
	sort.SliceStable(matched, func(i, j int) bool { return matched[i].ID < matched[j].ID })
	dataKey, typed := "indicator", false
	if typ != "" {
		seg, _ := segmentOf(typ)
		dataKey, typed = typeBySegment[seg].key, true
	}
	withTags, withAttrs := q.Get("includeTags") == "true", q.Get("includeAttributes") == "true"
	items := make([]map[string]any, 0, limit)
	for i := start; i < len(matched) && i < start+limit; i++ {
		items = append(items, matched[i].wire(typed, withTags, withAttrs))
	}
	data := map[string]any{dataKey: items}
	if start == 0 { // "Specifying a resultStart other than 0 will omit the resultCount field"
		data["resultCount"] = len(matched)
	}
	success(w, http.StatusOK, data)
}

func hasActiveFilter(fs []filter) bool {
	for _, f := range fs {
		if f.field == "active" {
			return true
		}
	}
	return false
}
