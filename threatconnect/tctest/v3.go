package tctest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// v3ErrCode is the errCode of every v3 error the fake sends. The platform
// documents the envelope ({"errCode":"0x1001","message":...,"status":
// "Error"}) with this one code; it does not publish a table of v3 codes.
const v3ErrCode = "0x1001"

func failV3(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"status": "Error", "errCode": v3ErrCode, "message": msg})
}

func successV3(w http.ResponseWriter, code int, message string, data any) {
	body := map[string]any{"status": "Success", "data": data}
	if message != "" {
		body["message"] = message
	}
	writeJSON(w, code, body)
}

// v3Route serves /api/v3/...: indicators, groups and security/owners.
func (s *Server) v3Route(w http.ResponseWriter, r *http.Request, segs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(segs) == 2 && segs[0] == "security" && segs[1] == "owners" && r.Method == http.MethodGet:
		owners := make([]map[string]any, 0, len(s.owners))
		for _, o := range s.owners {
			owners = append(owners, map[string]any{"id": o.ID, "name": o.Name, "type": o.Type})
		}
		successV3(w, http.StatusOK, "", owners)
		return
	case len(segs) >= 1 && segs[0] == "indicators":
		s.v3Indicators(w, r, segs[1:])
		return
	case len(segs) >= 1 && segs[0] == "groups":
		s.v3Groups(w, r, segs[1:])
		return
	}
	failV3(w, http.StatusNotFound, "The requested resource was not found")
}

// v3Collection is a metadata collection in a v3 body.
type v3Collection struct {
	Data []map[string]any `json:"data"`
	Mode string           `json:"mode"`
}

type v3Body struct {
	Type             string        `json:"type"`
	Rating           *float64      `json:"rating"`
	Confidence       *int          `json:"confidence"`
	Active           *bool         `json:"active"`
	Tags             *v3Collection `json:"tags"`
	Attributes       *v3Collection `json:"attributes"`
	SecurityLabels   *v3Collection `json:"securityLabels"`
	AssociatedGroups *v3Collection `json:"associatedGroups"`
	raw              map[string]any
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func num(m map[string]any, k string) int64 {
	f, _ := m[k].(float64)
	return int64(f)
}

// summaryOf reads the type's own summary field(s) from a v3 body.
func summaryOf(typ string, m map[string]any) string {
	switch typ {
	case "Address":
		return str(m, "ip")
	case "Host":
		if h := str(m, "hostName"); h != "" {
			return h
		}
		return str(m, "hostname") // as the v3 association example spells it
	case "URL":
		return str(m, "text")
	case "EmailAddress":
		return str(m, "address")
	case "File":
		var hs []string
		for _, k := range []string{"md5", "sha1", "sha256"} {
			if h := str(m, k); h != "" {
				hs = append(hs, h)
			}
		}
		return strings.Join(hs, " : ")
	}
	return str(m, "summary")
}

func decodeV3(r *http.Request) (*v3Body, string) {
	var raw map[string]any
	if msg := decodeBody(r, &raw); msg != "" {
		return nil, msg
	}
	b, _ := json.Marshal(raw)
	var out v3Body
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, "Could not parse the request body: " + err.Error()
	}
	out.raw = raw
	return &out, ""
}

func modeOf(c *v3Collection) (string, string) {
	switch c.Mode {
	case "", "append":
		return "append", ""
	case "replace", "delete":
		return c.Mode, ""
	}
	return "", "Invalid mode " + strconv.Quote(c.Mode) + ": use append, replace or delete"
}

// applyStrings applies a collection of named items (tags, labels).
func applyStrings(have []string, c *v3Collection) ([]string, string) {
	mode, msg := modeOf(c)
	if msg != "" {
		return nil, msg
	}
	var names []string
	for _, d := range c.Data {
		n := strings.TrimSpace(str(d, "name"))
		if n == "" {
			return nil, "A name is required"
		}
		names = append(names, n)
	}
	switch mode {
	case "replace":
		have = nil
		fallthrough
	case "append":
		for _, n := range names {
			if !contains(have, n) {
				have = append(have, n)
			}
		}
	case "delete":
		for _, n := range names {
			have = remove(have, n)
		}
	}
	return have, ""
}

// checkV3 checks a v3 body as the platform would before changing anything
// (the caller holds s.mu): scores, modes, tags, labels that exist,
// attribute types that exist, groups that exist or can be created.
func (s *Server) checkV3(b *v3Body) string {
	if msg := checkScores(b.Rating, b.Confidence); msg != "" {
		return msg
	}
	for _, c := range []*v3Collection{b.Tags, b.SecurityLabels, b.Attributes, b.AssociatedGroups} {
		if c != nil {
			if _, msg := modeOf(c); msg != "" {
				return msg
			}
		}
	}
	if b.Tags != nil {
		for _, d := range b.Tags.Data {
			if n := strings.TrimSpace(str(d, "name")); n == "" || len([]rune(n)) > 128 {
				return "Tag name must be 1 to 128 characters"
			}
		}
	}
	if b.SecurityLabels != nil {
		for _, d := range b.SecurityLabels.Data {
			if !s.labels[str(d, "name")] {
				return "Security label " + strconv.Quote(str(d, "name")) + " does not exist"
			}
		}
	}
	if b.Attributes != nil {
		for _, d := range b.Attributes.Data {
			if !s.attrTypes[str(d, "type")] {
				return "Attribute type " + strconv.Quote(str(d, "type")) + " does not exist"
			}
			if strings.TrimSpace(str(d, "value")) == "" {
				return "Attribute value is required"
			}
		}
	}
	if b.AssociatedGroups != nil {
		for _, d := range b.AssociatedGroups.Data {
			if id := num(d, "id"); id > 0 {
				if s.group(id) == nil {
					return "Group " + strconv.FormatInt(id, 10) + " not found"
				}
				continue
			}
			if strings.TrimSpace(str(d, "name")) == "" || !groupTypesV3[str(d, "type")] {
				return "An associated group needs an id, or a name and a type"
			}
		}
	}
	return ""
}

// applyV3 applies a v3 body that checkV3 accepted to ind (the caller holds
// s.mu): its scalar fields, and each collection by its mode. A group named
// by name and type is found in the owner or created, as on the platform.
func (s *Server) applyV3(ind *Indicator, owner string, b *v3Body) {
	var groups []int64
	if b.AssociatedGroups != nil {
		for _, d := range b.AssociatedGroups.Data {
			if id := num(d, "id"); id > 0 {
				groups = append(groups, id)
				continue
			}
			groups = append(groups, s.findOrCreateGroup(owner, str(d, "type"), strings.TrimSpace(str(d, "name"))).ID)
		}
	}
	// Everything is checked: apply.
	if b.Rating != nil {
		ind.Rating = *b.Rating
	}
	if b.Confidence != nil {
		ind.Confidence = *b.Confidence
	}
	if b.Active != nil {
		ind.Active = *b.Active
	}
	if b.Tags != nil {
		ind.Tags, _ = applyStrings(ind.Tags, b.Tags)
	}
	if b.SecurityLabels != nil {
		ind.SecurityLabels, _ = applyStrings(ind.SecurityLabels, b.SecurityLabels)
	}
	if b.Attributes != nil {
		mode, _ := modeOf(b.Attributes)
		if mode == "replace" {
			ind.Attributes = nil
		}
		for _, d := range b.Attributes.Data {
			a := Attribute{Type: str(d, "type"), Value: str(d, "value"), Source: str(d, "source")}
			a.Default, _ = d["default"].(bool)
			if mode == "delete" {
				kept := ind.Attributes[:0]
				for _, x := range ind.Attributes {
					if x.Type != a.Type || x.Value != a.Value {
						kept = append(kept, x)
					}
				}
				ind.Attributes = kept
				continue
			}
			s.nextID++
			a.ID = s.nextID
			ind.Attributes = append(ind.Attributes, a)
		}
	}
	if b.AssociatedGroups != nil {
		mode, _ := modeOf(b.AssociatedGroups)
		switch mode {
		case "replace":
			ind.Groups = nil
			fallthrough
		case "append":
			for _, id := range groups {
				if !containsID(ind.Groups, id) {
					ind.Groups = append(ind.Groups, id)
				}
			}
		case "delete":
			kept := ind.Groups[:0]
			for _, id := range ind.Groups {
				if !containsID(groups, id) {
					kept = append(kept, id)
				}
			}
			ind.Groups = kept
		}
	}
	ind.LastModified = s.now().UTC().Truncate(time.Second)
}

func (s *Server) findOrCreateGroup(owner, typ, name string) *Group {
	d := s.owner(owner)
	for _, g := range d.groups {
		if g.Type == typ && g.Name == name {
			return g
		}
	}
	s.nextID++
	g := &Group{ID: s.nextID, Owner: owner, Type: typ, Name: name, EventDate: s.now().UTC().Truncate(time.Second)}
	d.groups = append(d.groups, g)
	return g
}

// fields reads the fields query parameters.
func fields(r *http.Request) map[string]bool {
	out := map[string]bool{}
	for _, f := range r.URL.Query()["fields"] {
		out[f] = true
	}
	return out
}

// wireV3 renders an indicator as the v3 API does (the caller holds s.mu).
func (s *Server) wireV3(ind *Indicator, f map[string]bool) map[string]any {
	m := map[string]any{
		"id": ind.ID, "ownerId": s.ownerID(ind.Owner), "ownerName": ind.Owner, "type": ind.Type, "summary": ind.Summary,
		"rating": ind.Rating, "confidence": ind.Confidence, "active": ind.Active, "activeLocked": false, "privateFlag": false,
		"dateAdded": ind.DateAdded.Format(time.RFC3339), "lastModified": ind.LastModified.Format(time.RFC3339),
		"webLink": "https://tctest.invalid/#/details/indicators/" + strconv.FormatInt(ind.ID, 10) + "/overview",
	}
	if ind.Observations > 0 {
		m["observations"] = ind.Observations
	}
	for _, a := range ind.Attributes {
		if a.Type == "Description" && (a.Default || m["description"] == nil) {
			m["description"] = a.Value
		}
	}
	if f["tags"] {
		data := make([]map[string]any, 0, len(ind.Tags))
		for _, t := range ind.Tags {
			data = append(data, map[string]any{"name": t})
		}
		m["tags"] = map[string]any{"data": data}
	}
	if f["securityLabels"] {
		data := make([]map[string]any, 0, len(ind.SecurityLabels))
		for _, l := range ind.SecurityLabels {
			data = append(data, map[string]any{"name": l})
		}
		m["securityLabels"] = map[string]any{"data": data}
	}
	if f["attributes"] {
		data := make([]map[string]any, 0, len(ind.Attributes))
		for _, a := range ind.Attributes {
			data = append(data, map[string]any{"id": a.ID, "type": a.Type, "value": a.Value, "source": a.Source, "default": a.Default})
		}
		m["attributes"] = map[string]any{"data": data}
	}
	if f["associatedGroups"] {
		data := make([]map[string]any, 0, len(ind.Groups))
		for _, id := range ind.Groups {
			if g := s.group(id); g != nil {
				data = append(data, map[string]any{"id": g.ID, "type": g.Type, "name": g.Name, "ownerName": g.Owner})
			}
		}
		m["associatedGroups"] = map[string]any{"data": data}
	}
	return m
}

// findV3 finds an indicator of the owner by ID or summary.
func (d *ownerData) findV3(k string) *Indicator {
	if id, err := strconv.ParseInt(k, 10, 64); err == nil {
		for _, ind := range d.order {
			if ind.ID == id {
				return ind
			}
		}
	}
	for _, typ := range []string{"Address", "Host", "URL", "EmailAddress", "File"} {
		if ind := d.find(typ, k); ind != nil {
			return ind
		}
	}
	return nil
}

func (s *Server) v3Indicators(w http.ResponseWriter, r *http.Request, rest []string) {
	owner, ok := s.ownerFor(r)
	if !ok {
		failV3(w, http.StatusForbidden, "The requested owner was not found")
		return
	}
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		s.v3List(w, r, owner)
	case len(rest) == 0 && r.Method == http.MethodPost:
		b, msg := decodeV3(r)
		if msg != "" {
			failV3(w, http.StatusBadRequest, msg)
			return
		}
		c, msg := canonical(b.Type, summaryOf(b.Type, b.raw))
		if msg != "" {
			failV3(w, http.StatusBadRequest, msg)
			return
		}
		// Check before creating, so a refused body leaves nothing behind.
		if msg := s.checkV3(b); msg != "" {
			failV3(w, http.StatusBadRequest, msg)
			return
		}
		ind, created := s.upsert(owner, b.Type, c)
		s.applyV3(ind, owner, b)
		code, message := http.StatusCreated, "Created"
		if !created {
			code, message = http.StatusOK, "Updated"
		}
		successV3(w, code, message, s.wireV3(ind, fields(r)))
	case len(rest) == 1:
		d := s.owner(owner)
		ind := d.findV3(rest[0])
		if ind == nil {
			failV3(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			successV3(w, http.StatusOK, "", s.wireV3(ind, fields(r)))
		case http.MethodPut:
			b, msg := decodeV3(r)
			if msg != "" {
				failV3(w, http.StatusBadRequest, msg)
				return
			}
			if msg := s.checkV3(b); msg != "" {
				failV3(w, http.StatusBadRequest, msg)
				return
			}
			s.applyV3(ind, owner, b)
			successV3(w, http.StatusOK, "Updated", s.wireV3(ind, fields(r)))
		case http.MethodDelete:
			delete(d.byKey, key(ind.Type, ind.Summary))
			for i, x := range d.order {
				if x == ind {
					d.order = append(d.order[:i], d.order[i+1:]...)
					break
				}
			}
			writeJSON(w, http.StatusOK, map[string]string{"message": "Deleted", "status": "Success"})
		default:
			failV3(w, http.StatusMethodNotAllowed, "Method not allowed")
		}
	default:
		failV3(w, http.StatusNotFound, "The requested resource was not found")
	}
}

// v3List serves a page: TQL, resultStart/resultLimit (default 100, at most
// 10000, capped further by WithPageCap), count=true, and a next link that
// carries the API root and the request's own query with resultStart moved.
func (s *Server) v3List(w http.ResponseWriter, r *http.Request, owner string) {
	q := r.URL.Query()
	start, limit := 0, 100
	var err error
	if v := q.Get("resultStart"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 0 {
			failV3(w, http.StatusBadRequest, "Invalid resultStart")
			return
		}
	}
	if v := q.Get("resultLimit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 10000 {
			failV3(w, http.StatusBadRequest, "resultLimit must be between 1 and 10000")
			return
		}
	}
	if s.pageCap > 0 && limit > s.pageCap {
		limit = s.pageCap
	}
	var expr *tqlExpr
	if t := q.Get("tql"); t != "" {
		if expr, err = parseTQL(t); err == nil {
			err = expr.check()
		}
		if err != nil {
			failV3(w, http.StatusBadRequest, "Invalid TQL: "+err.Error())
			return
		}
	}
	var match []*Indicator
	if d := s.data[owner]; d != nil {
		for _, ind := range d.order {
			if expr == nil || expr.match(ind) {
				match = append(match, ind)
			}
		}
	}
	f := fields(r)
	data := make([]map[string]any, 0, min(limit, len(match)))
	for i := start; i < len(match) && i < start+limit; i++ {
		data = append(data, s.wireV3(match[i], f))
	}
	body := map[string]any{"status": "Success", "data": data}
	if q.Get("count") == "true" && start == 0 {
		body["count"] = len(match)
	}
	if start+limit < len(match) {
		body["next"] = s.URL + apiPrefix + "/v3/indicators?" + withStart(r.URL.RawQuery, start+len(data))
	}
	writeJSON(w, http.StatusOK, body)
}

// withStart returns the raw query with resultStart set, every other
// parameter kept byte for byte.
func withStart(raw string, start int) string {
	var parts []string
	set := false
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		if k, _, _ := strings.Cut(p, "="); k == "resultStart" {
			if !set {
				parts = append(parts, "resultStart="+strconv.Itoa(start))
				set = true
			}
			continue
		}
		parts = append(parts, p)
	}
	if !set {
		parts = append(parts, "resultStart="+strconv.Itoa(start))
	}
	return strings.Join(parts, "&")
}

func (s *Server) wireGroupV3(g *Group, f map[string]bool) map[string]any {
	m := map[string]any{"id": g.ID, "type": g.Type, "name": g.Name, "ownerName": g.Owner, "status": g.Status,
		"eventDate": g.EventDate.Format(time.RFC3339), "webLink": "https://tctest.invalid/#/details/groups/" + strconv.FormatInt(g.ID, 10) + "/overview"}
	if f["tags"] {
		data := make([]map[string]any, 0, len(g.Tags))
		for _, t := range g.Tags {
			data = append(data, map[string]any{"name": t})
		}
		m["tags"] = map[string]any{"data": data}
	}
	if f["associatedIndicators"] {
		data := []map[string]any{}
		for _, d := range s.data {
			for _, ind := range d.order {
				if containsID(ind.Groups, g.ID) {
					data = append(data, s.wireV3(ind, nil))
				}
			}
		}
		m["associatedIndicators"] = map[string]any{"data": data}
	}
	return m
}

var groupTypesV3 = map[string]bool{"Incident": true, "Event": true, "Adversary": true, "Campaign": true, "Threat": true, "Report": true}

func (s *Server) v3Groups(w http.ResponseWriter, r *http.Request, rest []string) {
	owner, ok := s.ownerFor(r)
	if !ok {
		failV3(w, http.StatusForbidden, "The requested owner was not found")
		return
	}
	switch {
	case len(rest) == 0 && r.Method == http.MethodPost:
		var b struct {
			Type      string        `json:"type"`
			Name      string        `json:"name"`
			EventDate string        `json:"eventDate"`
			Status    string        `json:"status"`
			Tags      *v3Collection `json:"tags"`
		}
		if msg := decodeBody(r, &b); msg != "" {
			failV3(w, http.StatusBadRequest, msg)
			return
		}
		if !groupTypesV3[b.Type] {
			failV3(w, http.StatusBadRequest, "Unknown group type "+strconv.Quote(b.Type))
			return
		}
		if strings.TrimSpace(b.Name) == "" {
			failV3(w, http.StatusBadRequest, "Name is required")
			return
		}
		var date time.Time
		if b.EventDate != "" {
			var err error
			if date, err = time.Parse(time.RFC3339, b.EventDate); err != nil {
				if date, err = time.Parse("2006-01-02", b.EventDate); err != nil {
					failV3(w, http.StatusBadRequest, "eventDate must be ISO 8601")
					return
				}
			}
		} else if b.Type == "Incident" || b.Type == "Event" {
			failV3(w, http.StatusBadRequest, "eventDate is required for an "+b.Type)
			return
		}
		var tags []string
		if b.Tags != nil {
			var msg string
			if tags, msg = applyStrings(nil, b.Tags); msg != "" {
				failV3(w, http.StatusBadRequest, msg)
				return
			}
		}
		if b.Status == "" && b.Type == "Incident" {
			b.Status = "New"
		}
		s.nextID++
		g := &Group{ID: s.nextID, Owner: owner, Type: b.Type, Name: strings.TrimSpace(b.Name), EventDate: date.UTC(), Status: b.Status, Tags: tags}
		d := s.owner(owner)
		d.groups = append(d.groups, g)
		successV3(w, http.StatusCreated, "Created", s.wireGroupV3(g, fields(r)))
	case len(rest) == 1:
		id, err := strconv.ParseInt(rest[0], 10, 64)
		g := s.group(id)
		if err != nil || g == nil {
			failV3(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			successV3(w, http.StatusOK, "", s.wireGroupV3(g, fields(r)))
		case http.MethodPut:
			var b struct {
				AssociatedIndicators *v3Collection `json:"associatedIndicators"`
			}
			if msg := decodeBody(r, &b); msg != "" {
				failV3(w, http.StatusBadRequest, msg)
				return
			}
			if b.AssociatedIndicators != nil {
				mode, msg := modeOf(b.AssociatedIndicators)
				if msg != "" {
					failV3(w, http.StatusBadRequest, msg)
					return
				}
				var inds []*Indicator
				for _, d := range b.AssociatedIndicators.Data {
					var ind *Indicator
					if id := num(d, "id"); id > 0 {
						ind = s.indicatorByID(id)
					} else if c, msg := canonical(str(d, "type"), summaryOf(str(d, "type"), d)); msg == "" {
						ind = s.owner(owner).byKey[key(str(d, "type"), c)]
					}
					if ind == nil {
						failV3(w, http.StatusNotFound, "Associated indicator not found")
						return
					}
					inds = append(inds, ind)
				}
				for _, ind := range inds {
					switch {
					case mode == "delete":
						kept := ind.Groups[:0]
						for _, x := range ind.Groups {
							if x != g.ID {
								kept = append(kept, x)
							}
						}
						ind.Groups = kept
					case !containsID(ind.Groups, g.ID):
						ind.Groups = append(ind.Groups, g.ID)
					}
				}
			}
			successV3(w, http.StatusOK, "Updated", s.wireGroupV3(g, fields(r)))
		default:
			failV3(w, http.StatusMethodNotAllowed, "Method not allowed")
		}
	default:
		failV3(w, http.StatusNotFound, "The requested resource was not found")
	}
}

func (s *Server) indicatorByID(id int64) *Indicator {
	for _, d := range s.data {
		for _, ind := range d.order {
			if ind.ID == id {
				return ind
			}
		}
	}
	return nil
}
