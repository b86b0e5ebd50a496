package tctest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Group is an incident or event group as the fake stores it.
type Group struct {
	ID        int64     // assigned by the fake
	Owner     string    // the owner's name
	Type      string    // "Incident" or "Event"
	Name      string    // the group's name
	EventDate time.Time // when it happened
	Status    string    // e.g. "New" or "Needs Review"
	Tags      []string  // tag names (v3)
}

func (g *Group) segment() string {
	if g.Type == "Event" {
		return "events"
	}
	return "incidents"
}

// group returns the group with id in any owner (the caller holds s.mu).
func (s *Server) group(id int64) *Group {
	for _, d := range s.data {
		for _, g := range d.groups {
			if g.ID == id {
				return g
			}
		}
	}
	return nil
}

// Groups returns copies of the owner's groups (owner "" means the default
// owner).
func (s *Server) Groups(owner string) []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	if owner == "" {
		owner = s.owners[0].Name
	}
	d := s.data[owner]
	if d == nil {
		return nil
	}
	out := make([]Group, 0, len(d.groups))
	for _, g := range d.groups {
		out = append(out, *g)
	}
	return out
}

func (s *Server) groupsRoute(w http.ResponseWriter, r *http.Request, rest []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, ok := s.ownerFor(r)
	if !ok {
		failJSON(w, http.StatusForbidden, "The requested owner was not found")
		return
	}
	if len(rest) != 1 || r.Method != http.MethodPost || (rest[0] != "incidents" && rest[0] != "events") {
		failJSON(w, http.StatusNotFound, "The requested resource was not found")
		return
	}
	var b struct {
		Name      string `json:"name"`
		EventDate string `json:"eventDate"`
		Status    string `json:"status"`
	}
	if msg := decodeBody(r, &b); msg != "" {
		failJSON(w, http.StatusBadRequest, msg)
		return
	}
	if strings.TrimSpace(b.Name) == "" {
		failJSON(w, http.StatusBadRequest, "Name is required")
		return
	}
	t, err := time.Parse(time.RFC3339, b.EventDate)
	if err != nil {
		failJSON(w, http.StatusBadRequest, "eventDate is required (ISO 8601)")
		return
	}
	typ, key := "Incident", "incident"
	if rest[0] == "events" {
		typ, key = "Event", "event"
	}
	if b.Status == "" {
		b.Status = "New"
		if typ == "Event" {
			b.Status = "Needs Review"
		}
	}
	s.nextID++
	g := &Group{ID: s.nextID, Owner: owner, Type: typ, Name: b.Name, EventDate: t.UTC(), Status: b.Status}
	d := s.owner(owner)
	d.groups = append(d.groups, g)
	out := map[string]any{"id": g.ID, "name": g.Name, "eventDate": g.EventDate.Format(time.RFC3339), "status": g.Status,
		"owner": map[string]any{"id": s.ownerID(owner), "name": owner}, "webLink": "https://tctest.invalid/" + key}
	success(w, http.StatusCreated, map[string]any{key: json.RawMessage(mustJSON(out))})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}
