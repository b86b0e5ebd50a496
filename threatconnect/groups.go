package threatconnect

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// GroupsService creates groups (the v2 /groups endpoints), so that
// indicators can be associated with them.
type GroupsService service

// GroupType is a group type, spelled as the API's "type" field.
type GroupType string

// Group types. Incident and Event can be created with Groups.Create; the
// others can be the target of Indicators.AssociateGroup.
const (
	Incident  GroupType = "Incident"
	Event     GroupType = "Event"
	Adversary GroupType = "Adversary"
	Campaign  GroupType = "Campaign"
	Threat    GroupType = "Threat"
	Report    GroupType = "Report"
)

var groupTypes = map[GroupType][2]string{ // path segment, data key
	Incident:  {"incidents", "incident"},
	Event:     {"events", "event"},
	Adversary: {"adversaries", "adversary"},
	Campaign:  {"campaigns", "campaign"},
	Threat:    {"threats", "threat"},
	Report:    {"reports", "report"},
}

func (t GroupType) segment() (string, error) {
	g, ok := groupTypes[t]
	if !ok {
		return "", invalid("GroupType", "%q is not supported; use threatconnect.Incident, Event, Adversary, Campaign, Threat or Report", clip(string(t)))
	}
	return g[0], nil
}

// GroupRef identifies a group: by ID, or (v3 only, ID 0) by Name and Type,
// which the platform resolves and creates when no such group exists.
type GroupRef struct {
	Type GroupType // e.g. Incident
	ID   int64     // the group's ID
	// Name is the group's name (v3; a reference by name when ID is 0, and
	// the name on a read).
	Name string
	// Owner is the group's owner name (v3, read only).
	Owner string
}

// Group is an incident, event or other group.
type Group struct {
	ID   int64     // the platform's ID (read only)
	Type GroupType // Incident or Event to create
	Name string    // the group's name (required)
	// EventDate is when the incident or event happened (required for both).
	EventDate time.Time
	// Status is the incident status ("New", "Open", "Closed", ...) or the
	// event status ("Needs Review", "Escalated", ...); "" leaves the default.
	Status string
	// Tags are tag names applied when the group is created (V3.Groups
	// only), and its tags on a v3 read that asks for FieldTags.
	Tags []string
	// AssociatedIndicators are the group's indicators on a v3 read that
	// asks for FieldAssociatedIndicators.
	AssociatedIndicators []IndicatorRef
	Owner                string // read only
	WebLink              string // read only
}

// Ref returns the group's reference by ID, for Indicators.AssociateGroup
// and Indicator.AssociatedGroups.
func (g Group) Ref() GroupRef { return GroupRef{Type: g.Type, ID: g.ID} }

type wireGroup struct {
	ID        lenient.Int `json:"id"`
	Name      string      `json:"name"`
	EventDate flexTime    `json:"eventDate"`
	Status    string      `json:"status"`
	OwnerName string      `json:"ownerName"`
	Owner     *Owner      `json:"owner"`
	WebLink   string      `json:"webLink"`
}

// Create creates an Incident or Event group.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/groups/groups.html
//
//meta:operation POST /v2/groups/{groupType}
func (s *GroupsService) Create(ctx context.Context, g Group, opts *WriteOptions) (*Group, error) {
	if g.Type != Incident && g.Type != Event {
		return nil, invalid("Type", "Groups.Create makes threatconnect.Incident or threatconnect.Event groups, got %q", clip(string(g.Type)))
	}
	name := strings.TrimSpace(g.Name)
	if name == "" || len(name) > 500 {
		return nil, invalid("Name", "must be 1 to 500 characters")
	}
	if g.EventDate.IsZero() {
		return nil, invalid("EventDate", "must be set: when the %s happened", strings.ToLower(string(g.Type)))
	}
	q, err := ownerQuery(writeOwner(opts))
	if err != nil {
		return nil, err
	}
	seg := groupTypes[g.Type]
	body := map[string]any{"name": name, "eventDate": g.EventDate.UTC().Format(time.RFC3339)}
	if g.Status != "" {
		body["status"] = g.Status
	}
	var w wireGroup
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: []string{"v2", "groups", seg[0]}, query: q, body: body}, seg[1], &w); err != nil {
		return nil, err
	}
	out := &Group{ID: int64(w.ID), Type: g.Type, Name: w.Name, EventDate: time.Time(w.EventDate), Status: w.Status,
		Owner: w.OwnerName, WebLink: w.WebLink}
	if out.Name == "" {
		out.Name = name
	}
	if out.Owner == "" && w.Owner != nil {
		out.Owner = w.Owner.Name
	}
	if out.EventDate.IsZero() {
		out.EventDate = g.EventDate.UTC()
	}
	return out, nil
}
