package threatconnect

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// V3GroupsService creates and reads groups through the v3 API and
// associates indicators with them.
type V3GroupsService service

// IndicatorRef identifies an indicator in an association: by ID, or by
// Type and Summary (an indicator in the API user's organization).
type IndicatorRef struct {
	ID      int64
	Type    IndicatorType
	Summary string
}

// Ref returns the indicator's reference for V3.Groups.AssociateIndicators.
func (ind *Indicator) Ref() IndicatorRef {
	return IndicatorRef{ID: ind.ID, Type: ind.Type, Summary: ind.Summary}
}

type wireGroupV3 struct {
	ID                   lenient.Int                    `json:"id"`
	Type                 string                         `json:"type"`
	Name                 string                         `json:"name"`
	OwnerName            string                         `json:"ownerName"`
	EventDate            flexTime                       `json:"eventDate"`
	Status               string                         `json:"status"`
	WebLink              string                         `json:"webLink"`
	Tags                 *v3Collection[v3Tag]           `json:"tags"`
	AssociatedIndicators *v3Collection[wireIndicatorV3] `json:"associatedIndicators"`
}

func (w wireGroupV3) group() *Group {
	g := &Group{ID: int64(w.ID), Type: GroupType(w.Type), Name: w.Name, Owner: w.OwnerName,
		EventDate: time.Time(w.EventDate), Status: w.Status, WebLink: w.WebLink}
	if w.Tags != nil {
		for _, t := range w.Tags.Data {
			g.Tags = append(g.Tags, t.Name)
		}
	}
	if w.AssociatedIndicators != nil {
		for _, wi := range w.AssociatedIndicators.Data {
			g.AssociatedIndicators = append(g.AssociatedIndicators, wi.indicator().Ref())
		}
	}
	return g
}

func (s *V3GroupsService) one(ctx context.Context, method string, segs []string, q query, body any, idempotent bool) (*Group, error) {
	cl := call{method: method, segments: segs, rawQuery: q.encode(), body: body, idempotent: idempotent}
	env, err := s.client.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var w wireGroupV3
	_, escaped := cl.path()
	if err := s.client.v3Data(method, escaped, env, &w); err != nil {
		return nil, err
	}
	return w.group(), nil
}

// Create creates a group of any type with its tags. Incidents and events
// need an EventDate. Unlike indicators, groups are not unique by name: each
// Create makes a new one.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/groups/groups.html
//
//meta:operation POST /v3/groups
func (s *V3GroupsService) Create(ctx context.Context, g Group, opts *V3Options) (*Group, error) {
	if _, ok := groupTypes[g.Type]; !ok {
		return nil, invalid("Type", "%q is not supported; use threatconnect.Incident, Event, Adversary, Campaign, Threat or Report", clip(string(g.Type)))
	}
	name := strings.TrimSpace(g.Name)
	if name == "" || len(name) > 500 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, invalid("Name", "must be 1 to 500 characters, without control characters")
	}
	body := map[string]any{"type": string(g.Type), "name": name}
	switch {
	case !g.EventDate.IsZero():
		body["eventDate"] = eventDate(g.EventDate)
	case g.Type == Incident || g.Type == Event:
		return nil, invalid("EventDate", "must be set: when the %s happened", strings.ToLower(string(g.Type)))
	}
	if g.Status != "" {
		body["status"] = g.Status
	}
	if err := addCollections(body, g.Tags, "", nil, "", nil, "", nil, ""); err != nil {
		return nil, err
	}
	q, err := v3Query(v3Owner(opts), v3Fields(opts))
	if err != nil {
		return nil, err
	}
	return s.one(ctx, http.MethodPost, []string{"v3", "groups"}, q, body, false)
}

// Get returns the group with this ID, with the related collections
// opts.Fields asks for (FieldTags, FieldAssociatedIndicators).
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/groups/groups.html
//
//meta:operation GET /v3/groups/{id}
func (s *V3GroupsService) Get(ctx context.Context, id int64, opts *V3Options) (*Group, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a group ID, got %d", id)
	}
	q, err := v3Query(v3Owner(opts), v3Fields(opts))
	if err != nil {
		return nil, err
	}
	return s.one(ctx, http.MethodGet, []string{"v3", "groups", strconv.FormatInt(id, 10)}, q, nil, true)
}

// AssociateIndicators associates indicators with the group (appending to
// its associations) and returns the group with its associated indicators.
// An indicator of a community or source must be given by ID.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/groups/groups.html
//
//meta:operation PUT /v3/groups/{id}
func (s *V3GroupsService) AssociateIndicators(ctx context.Context, id int64, refs []IndicatorRef, opts *V3Options) (*Group, error) {
	if id <= 0 {
		return nil, invalid("id", "must be a group ID, got %d", id)
	}
	if len(refs) == 0 {
		return nil, invalid("refs", "name at least one indicator")
	}
	data := make([]map[string]any, 0, len(refs))
	for i, r := range refs {
		field := fmt.Sprintf("refs[%d]", i)
		switch {
		case r.ID > 0:
			data = append(data, map[string]any{"id": r.ID})
		case r.ID < 0:
			return nil, invalid(field, "ID must be positive, got %d", r.ID)
		default:
			ind, err := validateIndicator(Indicator{Type: r.Type, Summary: r.Summary})
			if err != nil {
				return nil, prefixField(err, field+".")
			}
			b, err := v3CreateBody(ind)
			if err != nil {
				return nil, prefixField(err, field+".")
			}
			data = append(data, b)
		}
	}
	q, err := v3Query(v3Owner(opts), []Field{FieldAssociatedIndicators})
	if err != nil {
		return nil, err
	}
	body := map[string]any{"associatedIndicators": map[string]any{"data": data, "mode": ModeAppend}}
	return s.one(ctx, http.MethodPut, []string{"v3", "groups", strconv.FormatInt(id, 10)}, q, body, true)
}

// eventDate writes a group's date as the v3 examples do: a plain date
// ("2021-11-03") for midnight UTC, else RFC 3339.
func eventDate(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
