package tctest

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Indicator is an indicator as the fake stores it.
type Indicator struct {
	ID             int64       // assigned by the fake
	Owner          string      // the owner's name
	Type           string      // "Address", "Host", "URL", "EmailAddress", "File"
	Summary        string      // canonical form: lower-case host, unmapped IP, "md5 : sha256"
	Rating         float64     // 0 to 5
	Confidence     int         // 0 to 100
	Active         bool        // lists show active indicators only, as on the platform
	Tags           []string    // tag names in the order added
	Attributes     []Attribute // attributes in the order added
	SecurityLabels []string    // applied label names
	Observations   int         // the sum of recorded observation counts
	Groups         []int64     // associated group IDs
	DateAdded      time.Time   // set by the fake's clock
	LastModified   time.Time   // set by the fake's clock
}

// Attribute is an indicator attribute as the fake stores it.
type Attribute struct {
	ID        int64  // assigned by the fake
	Type      string // an attribute type that exists (WithAttributeTypes)
	Value     string // the text
	Displayed bool   // shown in the UI summary
	Source    string // where it came from (v3)
	Default   bool   // the default attribute of its type (v3)
}

var typeBySegment = map[string]struct{ typ, key, field string }{
	"addresses":      {"Address", "address", "ip"},
	"hosts":          {"Host", "host", "hostName"},
	"urls":           {"URL", "url", "text"},
	"emailAddresses": {"EmailAddress", "emailAddress", "address"},
	"files":          {"File", "file", ""},
}

func segmentOf(typ string) (string, bool) {
	for seg, t := range typeBySegment {
		if t.typ == typ {
			return seg, true
		}
	}
	return "", false
}

// canonical checks a summary like the platform and returns its stored form.
func canonical(typ, summary string) (string, string) {
	s := strings.TrimSpace(summary)
	if s == "" {
		return "", "Please enter a valid " + typ
	}
	switch typ {
	case "Address":
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", "Please enter a valid Address: " + s
		}
		return a.Unmap().String(), ""
	case "Host":
		for _, r := range s {
			if r > 127 || r == ' ' || r == '/' {
				return "", "Please enter a valid Host: " + s
			}
		}
		return strings.ToLower(s), ""
	case "URL":
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", "Please enter a valid URL: " + s
		}
		if u.Host != strings.ToLower(u.Host) {
			return "", "The URL's domain must be lower case: " + s
		}
		return s, ""
	case "EmailAddress":
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return "", "Please enter a valid EmailAddress: " + s
		}
		return s, ""
	case "File":
		var parts []string
		for _, p := range strings.Split(s, ":") {
			h := strings.ToLower(strings.TrimSpace(p))
			if h == "" {
				continue
			}
			if n := len(h); (n != 32 && n != 40 && n != 64) || strings.Trim(h, "0123456789abcdef") != "" {
				return "", "Please enter a valid File hash: " + h
			}
			parts = append(parts, h)
		}
		if len(parts) == 0 {
			return "", "Please enter a valid File hash"
		}
		return strings.Join(parts, " : "), ""
	}
	return "", "Unknown indicator type " + typ
}

func key(typ, summary string) string { return typ + "|" + summary }

// find looks an indicator up by its path identifier (for files, any hash).
func (d *ownerData) find(typ, id string) *Indicator {
	c, msg := canonical(typ, id)
	if msg != "" {
		return nil
	}
	if ind := d.byKey[key(typ, c)]; ind != nil {
		return ind
	}
	if typ == "File" {
		for _, ind := range d.order {
			if ind.Type == "File" && strings.Contains(ind.Summary, c) {
				return ind
			}
		}
	}
	return nil
}

// upsert creates or updates an indicator and returns it.
func (s *Server) upsert(owner, typ, summary string) (*Indicator, bool) {
	d := s.owner(owner)
	if ind := d.byKey[key(typ, summary)]; ind != nil {
		return ind, false
	}
	s.nextID++
	now := s.now().UTC().Truncate(time.Second)
	ind := &Indicator{ID: s.nextID, Owner: owner, Type: typ, Summary: summary, Active: true, DateAdded: now, LastModified: now}
	d.byKey[key(typ, summary)] = ind
	d.order = append(d.order, ind)
	return ind, true
}

// AddIndicators stores indicators directly (no validation), for seeding a
// test. Owner "" means the default owner.
func (s *Server) AddIndicators(owner string, inds ...Indicator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if owner == "" {
		owner = s.owners[0].Name
	}
	for _, in := range inds {
		ind, _ := s.upsert(owner, in.Type, in.Summary)
		id := ind.ID
		*ind = in
		ind.ID, ind.Owner = id, owner
		if ind.DateAdded.IsZero() {
			ind.DateAdded = s.now().UTC().Truncate(time.Second)
			ind.LastModified = ind.DateAdded
		}
	}
}

// Indicators returns copies of the owner's indicators in creation order
// (owner "" means the default owner).
func (s *Server) Indicators(owner string) []Indicator {
	s.mu.Lock()
	defer s.mu.Unlock()
	if owner == "" {
		owner = s.owners[0].Name
	}
	d := s.data[owner]
	if d == nil {
		return nil
	}
	out := make([]Indicator, 0, len(d.order))
	for _, ind := range d.order {
		out = append(out, ind.clone())
	}
	return out
}

// Indicator returns a copy of one indicator.
func (s *Server) Indicator(owner, typ, summary string) (Indicator, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if owner == "" {
		owner = s.owners[0].Name
	}
	d := s.data[owner]
	if d == nil {
		return Indicator{}, false
	}
	ind := d.find(typ, summary)
	if ind == nil {
		return Indicator{}, false
	}
	return ind.clone(), true
}

func (ind *Indicator) clone() Indicator {
	c := *ind
	c.Tags = append([]string(nil), ind.Tags...)
	c.Attributes = append([]Attribute(nil), ind.Attributes...)
	c.SecurityLabels = append([]string(nil), ind.SecurityLabels...)
	c.Groups = append([]int64(nil), ind.Groups...)
	return c
}

// wire renders an indicator as the v2 API does: in a typed response with
// the type's own field, in an all-types list with summary and type.
func (ind *Indicator) wire(typed, withTags, withAttrs bool) map[string]any {
	m := map[string]any{
		"id": ind.ID, "ownerName": ind.Owner, "rating": ind.Rating, "confidence": ind.Confidence,
		"dateAdded": ind.DateAdded.Format("2006-01-02T15:04:05Z"), "lastModified": ind.LastModified.Format(time.RFC3339),
		"active": strconv.FormatBool(ind.Active), "observationCount": ind.Observations,
		"webLink": "https://tctest.invalid/auth/indicators/details/" + url.PathEscape(ind.Summary),
	}
	if typed {
		seg, _ := segmentOf(ind.Type)
		t := typeBySegment[seg]
		if t.field != "" {
			m[t.field] = ind.Summary
		} else {
			for _, h := range strings.Split(ind.Summary, " : ") {
				switch len(h) {
				case 32:
					m["md5"] = h
				case 40:
					m["sha1"] = h
				case 64:
					m["sha256"] = h
				}
			}
		}
	} else {
		m["summary"], m["type"] = ind.Summary, ind.Type
	}
	if withTags {
		tags := make([]map[string]string, 0, len(ind.Tags))
		for _, t := range ind.Tags {
			tags = append(tags, map[string]string{"name": t})
		}
		m["tag"] = tags
	}
	if withAttrs {
		m["attribute"] = attrsWire(ind.Attributes)
	}
	return m
}

func attrsWire(as []Attribute) []map[string]any {
	out := make([]map[string]any, 0, len(as))
	for _, a := range as {
		out = append(out, map[string]any{"id": a.ID, "type": a.Type, "value": a.Value, "displayed": a.Displayed})
	}
	return out
}

func (s *Server) indicators(w http.ResponseWriter, r *http.Request, rest []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, ok := s.ownerFor(r)
	if !ok {
		failJSON(w, http.StatusForbidden, "The requested owner was not found")
		return
	}
	if len(rest) == 0 {
		if r.Method != http.MethodGet {
			failJSON(w, http.StatusMethodNotAllowed, "Method not allowed")
			return
		}
		s.list(w, r, owner, "")
		return
	}
	t, ok := typeBySegment[rest[0]]
	if !ok {
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
		return
	}
	switch {
	case len(rest) == 1 && r.Method == http.MethodGet:
		s.list(w, r, owner, t.typ)
	case len(rest) == 1 && r.Method == http.MethodPost:
		s.create(w, r, owner, t.typ, t.key, t.field)
	case len(rest) >= 2:
		ind := s.owner(owner).find(t.typ, rest[1])
		if ind == nil {
			failJSON(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		s.one(w, r, owner, ind, t.key, rest[2:])
	default:
		failJSON(w, http.StatusMethodNotAllowed, "Method not allowed")
	}
}

type createBody struct {
	IP         string          `json:"ip"`
	HostName   string          `json:"hostName"`
	Text       string          `json:"text"`
	Address    string          `json:"address"`
	MD5        string          `json:"md5"`
	SHA1       string          `json:"sha1"`
	SHA256     string          `json:"sha256"`
	Rating     *float64        `json:"rating"`
	Confidence *int            `json:"confidence"`
	Active     *bool           `json:"active"`
	Raw        json.RawMessage `json:"-"`
}

func decodeBody(r *http.Request, v any) string {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return "Content-Type must be application/json"
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return "Could not parse the request body: " + err.Error()
	}
	return ""
}

func checkScores(rating *float64, confidence *int) string {
	if rating != nil && (*rating < 0 || *rating > 5) {
		return "Rating must be between 0 and 5"
	}
	if confidence != nil && (*confidence < 0 || *confidence > 100) {
		return "Confidence must be between 0 and 100"
	}
	return ""
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, owner, typ, dataKey, field string) {
	var b createBody
	if msg := decodeBody(r, &b); msg != "" {
		failJSON(w, http.StatusBadRequest, msg)
		return
	}
	var summary string
	switch field {
	case "ip":
		summary = b.IP
	case "hostName":
		summary = b.HostName
	case "text":
		summary = b.Text
	case "address":
		summary = b.Address
	default:
		var hs []string
		for _, h := range []string{b.MD5, b.SHA1, b.SHA256} {
			if h != "" {
				hs = append(hs, h)
			}
		}
		summary = strings.Join(hs, " : ")
	}
	c, msg := canonical(typ, summary)
	if msg != "" {
		failJSON(w, http.StatusBadRequest, msg)
		return
	}
	if msg := checkScores(b.Rating, b.Confidence); msg != "" {
		failJSON(w, http.StatusBadRequest, msg)
		return
	}
	ind, created := s.upsert(owner, typ, c)
	if b.Rating != nil {
		ind.Rating = *b.Rating
	}
	if b.Confidence != nil {
		ind.Confidence = *b.Confidence
	}
	if b.Active != nil {
		ind.Active = *b.Active
	}
	ind.LastModified = s.now().UTC().Truncate(time.Second)
	out := ind.wire(true, false, false)
	out["id"] = strconv.FormatInt(ind.ID, 10) // the docs show a string ID here
	out["owner"] = map[string]any{"id": s.ownerID(owner), "name": owner, "type": "Organization"}
	delete(out, "ownerName")
	code := http.StatusCreated
	if !created {
		code = http.StatusOK
	}
	success(w, code, map[string]any{dataKey: out})
}

func (s *Server) ownerID(name string) int64 {
	for _, o := range s.owners {
		if o.Name == name {
			return o.ID
		}
	}
	return 0
}

// one serves /v2/indicators/{type}/{id}[/...].
func (s *Server) one(w http.ResponseWriter, r *http.Request, owner string, ind *Indicator, dataKey string, rest []string) {
	d := s.owner(owner)
	now := s.now().UTC().Truncate(time.Second)
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		success(w, http.StatusOK, map[string]any{dataKey: ind.wire(true, false, false)})
	case len(rest) == 0 && r.Method == http.MethodPut:
		var b createBody
		if msg := decodeBody(r, &b); msg != "" {
			failJSON(w, http.StatusBadRequest, msg)
			return
		}
		if msg := checkScores(b.Rating, b.Confidence); msg != "" {
			failJSON(w, http.StatusBadRequest, msg)
			return
		}
		if b.Rating != nil {
			ind.Rating = *b.Rating
		}
		if b.Confidence != nil {
			ind.Confidence = *b.Confidence
		}
		if b.Active != nil {
			ind.Active = *b.Active
		}
		ind.LastModified = now
		success(w, http.StatusOK, map[string]any{dataKey: ind.wire(true, false, false)})
	case len(rest) == 0 && r.Method == http.MethodDelete:
		delete(d.byKey, key(ind.Type, ind.Summary))
		for i, x := range d.order {
			if x == ind {
				d.order = append(d.order[:i], d.order[i+1:]...)
				break
			}
		}
		success(w, http.StatusOK, nil)
	case rest[0] == "tags" && len(rest) == 1 && r.Method == http.MethodGet:
		tags := make([]map[string]string, 0, len(ind.Tags))
		for _, t := range ind.Tags {
			tags = append(tags, map[string]string{"name": t, "webLink": "https://tctest.invalid/tags/" + url.PathEscape(t)})
		}
		success(w, http.StatusOK, map[string]any{"resultCount": len(tags), "tag": tags})
	case rest[0] == "tags" && len(rest) == 2 && r.Method == http.MethodPost:
		tag := rest[1]
		if strings.TrimSpace(tag) == "" || len([]rune(tag)) > 128 {
			failJSON(w, http.StatusBadRequest, "Tag name must be 1 to 128 characters")
			return
		}
		if !contains(ind.Tags, tag) {
			ind.Tags = append(ind.Tags, tag)
		}
		success(w, http.StatusOK, nil)
	case rest[0] == "tags" && len(rest) == 2 && r.Method == http.MethodDelete:
		if !contains(ind.Tags, rest[1]) {
			failJSON(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		ind.Tags = remove(ind.Tags, rest[1])
		success(w, http.StatusOK, nil)
	case rest[0] == "attributes" && len(rest) == 1 && r.Method == http.MethodGet:
		success(w, http.StatusOK, map[string]any{"resultCount": len(ind.Attributes), "attribute": attrsWire(ind.Attributes)})
	case rest[0] == "attributes" && len(rest) == 1 && r.Method == http.MethodPost:
		var a struct {
			Type      string `json:"type"`
			Value     string `json:"value"`
			Displayed bool   `json:"displayed"`
		}
		if msg := decodeBody(r, &a); msg != "" {
			failJSON(w, http.StatusBadRequest, msg)
			return
		}
		if !s.attrTypes[a.Type] {
			failJSON(w, http.StatusBadRequest, "Attribute type "+strconv.Quote(a.Type)+" is invalid for this indicator")
			return
		}
		if a.Value == "" {
			failJSON(w, http.StatusBadRequest, "Attribute value is required")
			return
		}
		s.nextID++
		at := Attribute{ID: s.nextID, Type: a.Type, Value: a.Value, Displayed: a.Displayed}
		ind.Attributes = append(ind.Attributes, at)
		m := attrsWire([]Attribute{at})[0]
		m["dateAdded"], m["lastModified"] = now.Format(time.RFC3339), now.Format(time.RFC3339)
		success(w, http.StatusCreated, map[string]any{"attribute": m})
	case rest[0] == "securityLabels" && len(rest) == 1 && r.Method == http.MethodGet:
		ls := make([]map[string]string, 0, len(ind.SecurityLabels))
		for _, l := range ind.SecurityLabels {
			ls = append(ls, map[string]string{"name": l})
		}
		success(w, http.StatusOK, map[string]any{"resultCount": len(ls), "securityLabel": ls})
	case rest[0] == "securityLabels" && len(rest) == 2 && r.Method == http.MethodPost:
		if !s.labels[rest[1]] {
			failJSON(w, http.StatusNotFound, "The requested Security Label was not found")
			return
		}
		if !contains(ind.SecurityLabels, rest[1]) {
			ind.SecurityLabels = append(ind.SecurityLabels, rest[1])
		}
		success(w, http.StatusOK, nil)
	case rest[0] == "observations" && len(rest) == 1 && r.Method == http.MethodPost:
		var b struct {
			Count int `json:"count"`
		}
		if msg := decodeBody(r, &b); msg != "" {
			failJSON(w, http.StatusBadRequest, msg)
			return
		}
		if b.Count < 1 {
			failJSON(w, http.StatusBadRequest, "Observation count must be at least 1")
			return
		}
		ind.Observations += b.Count
		success(w, http.StatusOK, nil)
	case rest[0] == "groups" && len(rest) == 3 && r.Method == http.MethodPost:
		id, err := strconv.ParseInt(rest[2], 10, 64)
		g := s.group(id)
		if err != nil || g == nil || g.segment() != rest[1] {
			failJSON(w, http.StatusNotFound, "The requested resource was not found")
			return
		}
		if !containsID(ind.Groups, id) {
			ind.Groups = append(ind.Groups, id)
		}
		success(w, http.StatusOK, nil)
	default:
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func containsID(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func remove(xs []string, x string) []string {
	out := xs[:0]
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// filter is one parsed filter term.
