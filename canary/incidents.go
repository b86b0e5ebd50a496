package canary

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/rest"
)

// IncidentsService reads and acts on the Console's incidents: the alerts
// raised when a Canary is touched or a Canarytoken fires.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html and
// https://docs.canary.tools/incidents/actions.html
type IncidentsService service

// IncidentState selects incidents by acknowledgement. The zero value means
// StateAll in every call that takes one (List, All, Search, SearchAll,
// Watch and Tokens.Incidents).
type IncidentState string

// Incident states.
const (
	StateAll            IncidentState = "all"
	StateUnacknowledged IncidentState = "unacknowledged"
	StateAcknowledged   IncidentState = "acknowledged"
)

// check validates s and returns it, with the zero value read as StateAll.
func (s IncidentState) check(field string) (IncidentState, error) {
	switch s {
	case "":
		return StateAll, nil
	case StateAll, StateUnacknowledged, StateAcknowledged:
		return s, nil
	}
	return "", invalid(field, "%q is not a state; use canary.StateAll, canary.StateUnacknowledged or canary.StateAcknowledged", clip(string(s)))
}

// ConsoleTimeLayout is the layout of the Console's newer_than and
// older_than query parameters (UTC).
const ConsoleTimeLayout = "2006-01-02-15:04:05"

// ListIncidentsOptions filters and pages Incidents.List and Incidents.All
// (GET /incidents/all, /incidents/unacknowledged, /incidents/acknowledged).
type ListIncidentsOptions struct {
	// State picks the feed; the zero value means StateAll.
	State IncidentState
	// NodeID limits the list to one Canary or one Canarytoken's node_id.
	NodeID string
	// FlockID limits the list to one flock, e.g. "flock:default".
	FlockID string
	// Since returns only incidents changed after this updated_id
	// (incidents_since): the reliable way to poll. 0 sends nothing.
	Since int64
	// NewerThan and OlderThan bound the incidents' times; they are sent in
	// the Console's format (ConsoleTimeLayout, UTC). The Console warns that
	// polling with newer_than can miss incidents: poll with Since (or
	// Incidents.Watch) instead.
	NewerThan, OlderThan time.Time
	// EventLimit caps the events returned per incident (0: the Console's
	// default, all).
	EventLimit int
	// Shrink removes duplicated entries; nil leaves the Console's default
	// (true).
	Shrink *bool
	// TZ is the time zone of the incidents' "_std" fields, an IANA name
	// such as "Europe/London" (default UTC); decoded times are UTC either
	// way. It is sent with every page.
	TZ string
	// Limit is the page size (default DefaultPageSize, at most MaxPageSize).
	Limit int
	// Cursor continues from a previous page's NextCursor. When set, only the
	// cursor is sent (the Console keeps the filters in it), plus shrink if
	// Shrink is set, as the Console's own next_link does, and tz.
	Cursor string
}

// incidentPageWire is the body of the incident feeds and of search.
type incidentPageWire struct {
	envelope
	Feed         lenient.String `json:"feed"`
	Incidents    []*Incident    `json:"incidents"` // null when empty
	MaxUpdatedID lenient.Int    `json:"max_updated_id"`
	Cursor       *cursorWire    `json:"cursor"`
	PageNumber   lenient.Int    `json:"page_number"`
	TotalPages   lenient.Int    `json:"total_pages"`
	TotalResults lenient.Int    `json:"total_results"`
}

// UnmarshalJSON decodes an incident page with the one-pass decoder
// (decode_incident.go), falling back to encoding/json, whose errors callers
// report, when it gives up or the envelope is an error.
func (w *incidentPageWire) UnmarshalJSON(data []byte) error {
	if p, err := decodeIncidentPage(data); err == nil {
		*w = incidentPageWire{
			envelope: envelope{Result: p.Result, Message: p.Message},
			Feed:     lenient.String(p.Feed), Incidents: p.Items, MaxUpdatedID: lenient.Int(p.MaxUpdatedID),
			PageNumber: lenient.Int(p.PageNumber), TotalPages: lenient.Int(p.TotalPages), TotalResults: lenient.Int(p.TotalResults),
		}
		if p.Next != "" || p.Prev != "" {
			w.Cursor = &cursorWire{}
			if p.Next != "" {
				w.Cursor.Next = &p.Next
			}
			if p.Prev != "" {
				w.Cursor.Prev = &p.Prev
			}
		}
		return nil
	}
	// A local type of the same name keeps encoding/json's error messages.
	type incidentPageWire incidentPageWireStd
	return json.Unmarshal(data, (*incidentPageWire)(w))
}

// incidentPageWireStd is incidentPageWire without its UnmarshalJSON method.
type incidentPageWireStd incidentPageWire

func (w *incidentPageWire) page() *Page[*Incident] {
	p := &Page[*Incident]{
		Items:      make([]*Incident, 0, len(w.Incidents)),
		NextCursor: w.Cursor.next(), PrevCursor: w.Cursor.prev(),
		PageNumber: int(w.PageNumber), TotalPages: int(w.TotalPages), TotalResults: int(w.TotalResults),
	}
	for _, inc := range w.Incidents {
		if inc != nil {
			p.Items = append(p.Items, inc)
		}
	}
	return p
}

func (o *ListIncidentsOptions) query() (string, url.Values, error) {
	state, err := o.State.check("State")
	if err != nil {
		return "", nil, err
	}
	path := "/incidents/" + string(state)
	if err := checkTZ("TZ", o.TZ); err != nil {
		return "", nil, err
	}
	q := url.Values{}
	setNonEmpty(q, "tz", o.TZ)
	if o.Cursor != "" {
		if err := requireID("Cursor", o.Cursor); err != nil {
			return "", nil, err
		}
		q.Set("cursor", o.Cursor)
		// The Console keeps the filters in the cursor but not shrink: its
		// own next_link repeats shrink=true, so a follow-up does too.
		if o.Shrink != nil {
			q.Set("shrink", strconv.FormatBool(*o.Shrink))
		}
		return path, q, nil
	}
	limit, err := pageLimit("Limit", o.Limit)
	if err != nil {
		return "", nil, err
	}
	q.Set("limit", limit)
	if err := checkTimes(o.NewerThan, o.OlderThan); err != nil {
		return "", nil, err
	}
	if o.Since < 0 {
		return "", nil, invalid("Since", "must not be negative (it is an updated_id)")
	}
	if o.EventLimit < 0 {
		return "", nil, invalid("EventLimit", "must not be negative (0 means all events)")
	}
	setNonEmpty(q, "node_id", o.NodeID)
	setNonEmpty(q, "flock_id", o.FlockID)
	if o.Since > 0 {
		q.Set("incidents_since", strconv.FormatInt(o.Since, 10))
	}
	setTime(q, "newer_than", o.NewerThan)
	setTime(q, "older_than", o.OlderThan)
	if o.EventLimit > 0 {
		q.Set("event_limit", strconv.Itoa(o.EventLimit))
	}
	if o.Shrink != nil {
		q.Set("shrink", strconv.FormatBool(*o.Shrink))
	}
	return path, q, nil
}

func checkTimes(newer, older time.Time) error {
	if !newer.IsZero() && !older.IsZero() && !newer.Before(older) {
		return invalid("NewerThan", "must be before OlderThan, or nothing can match")
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"NewerThan", newer}, {"OlderThan", older}} {
		if !f.t.IsZero() && (f.t.UTC().Year() < 1970 || f.t.UTC().Year() > 9999) {
			return invalid(f.name, "year %d is outside what the Console accepts", f.t.UTC().Year())
		}
	}
	return nil
}

func setNonEmpty(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setTime(q url.Values, k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.UTC().Format(ConsoleTimeLayout))
	}
}

// List returns one page of incidents from the feed chosen by opts.State.
// The first call carries the filters and the page size; pass the page's
// NextCursor as opts.Cursor for the next page, which sends only the cursor
// (and shrink). The Console's next_link is never followed: it carries the
// auth token in its query string.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#all-incidents
//
//meta:operation GET /api/v1/incidents/all
//meta:operation GET /api/v1/incidents/unacknowledged
//meta:operation GET /api/v1/incidents/acknowledged
func (s *IncidentsService) List(ctx context.Context, opts *ListIncidentsOptions) (*Page[*Incident], error) {
	var o ListIncidentsOptions
	if opts != nil {
		o = *opts
	}
	path, q, err := o.query()
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, s.client, path, q, decodeIncidentsPage, nil)
}

// All iterates over every incident matching opts, fetching pages lazily as
// the loop advances (in the Console's order, ascending updated_id). The next
// page is requested as soon as its cursor has streamed in (the feed puts
// "cursor" first, so while the current body is still arriving), and pages
// are decoded in the background while the loop handles the previous one
// (two pages ahead of the loop at most). A page's incidents are yielded
// only once it has decoded whole, so a page cut short and fetched again
// yields each incident once. Each range starts again from the first page;
// break cancels what is in flight and stops fetching; an error is yielded
// once and ends the loop; a repeated cursor is refused (ErrPaginationLoop).
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#all-incidents
//
//meta:operation GET /api/v1/incidents/all
//meta:operation GET /api/v1/incidents/unacknowledged
//meta:operation GET /api/v1/incidents/acknowledged
func (s *IncidentsService) All(ctx context.Context, opts *ListIncidentsOptions) iter.Seq2[*Incident, error] {
	return allIncidents(ctx, s.client, opts, decodeIncidentsPage)
}

// allIncidents is All with the page decoder given: full incidents for All,
// views for the audit (allViews).
func allIncidents[T any](ctx context.Context, c *Client, opts *ListIncidentsOptions, decode pageDecoder[T]) iter.Seq2[T, error] {
	var o ListIncidentsOptions
	if opts != nil {
		o = *opts
	}
	path, _, err := o.query()
	if err != nil {
		return errSeq[T](err)
	}
	query := func(cursor string) (url.Values, error) {
		req := o
		if cursor != "" {
			req.Cursor = cursor
		}
		_, q, err := req.query()
		return q, err
	}
	return listAll(ctx, c, path, query, decode)
}

// Get fetches one incident by its key (GET /incident/fetch).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#fetch-incident
//
//meta:operation GET /api/v1/incident/fetch
func (s *IncidentsService) Get(ctx context.Context, key string) (*Incident, error) {
	if err := requireID("key", key); err != nil {
		return nil, err
	}
	return s.fetch(ctx, url.Values{"incident": {key}})
}

// GetByHashID fetches one incident by its hash_id, such as a webhook's
// IncidentHash (GET /incident/fetch?hash_id=).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#fetch-incident
//
//meta:operation GET /api/v1/incident/fetch
func (s *IncidentsService) GetByHashID(ctx context.Context, hashID string) (*Incident, error) {
	if err := requireID("hashID", hashID); err != nil {
		return nil, err
	}
	return s.fetch(ctx, url.Values{"hash_id": {hashID}})
}

func (s *IncidentsService) fetch(ctx context.Context, q url.Values) (*Incident, error) {
	var out struct {
		envelope
		Incident *Incident `json:"incident"`
	}
	if err := s.client.get(ctx, "/incident/fetch", q, &out); err != nil {
		return nil, err
	}
	if out.Incident == nil {
		return nil, malformed("GET", "/incident/fetch", `no "incident" object in the response`)
	}
	if out.Incident.Key == "" {
		if k := q.Get("incident"); k != "" {
			out.Incident.Key = k
		}
	}
	return out.Incident, nil
}

// Acknowledge marks an incident as seen (POST /incident/acknowledge).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#acknowledge-incident
//
//meta:operation POST /api/v1/incident/acknowledge
func (s *IncidentsService) Acknowledge(ctx context.Context, key string) error {
	return s.action(ctx, http.MethodPost, "/incident/acknowledge", key)
}

// Unacknowledge marks an incident as not yet seen
// (POST /incident/unacknowledge).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#unacknowledge-incident
//
//meta:operation POST /api/v1/incident/unacknowledge
func (s *IncidentsService) Unacknowledge(ctx context.Context, key string) error {
	return s.action(ctx, http.MethodPost, "/incident/unacknowledge", key)
}

// Delete deletes an incident (DELETE /incident/delete).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#delete-incident
//
//meta:operation DELETE /api/v1/incident/delete
func (s *IncidentsService) Delete(ctx context.Context, key string) error {
	return s.action(ctx, http.MethodDelete, "/incident/delete", key)
}

func (s *IncidentsService) action(ctx context.Context, method, path, key string) error {
	if err := requireID("key", key); err != nil {
		return err
	}
	return s.client.do(ctx, restForm(method, path, url.Values{"incident": {key}}, true), nil)
}

// restForm is a form request; idempotent marks a POST as safe to retry. A
// DELETE carries its parameters in the query string, as the official
// client and the Console's incident guide send them (Go's own servers, like
// many others, do not parse a DELETE body).
func restForm(method, path string, form url.Values, idempotent bool) rest.Request {
	if method == http.MethodDelete {
		return rest.Request{Method: method, Path: path, Query: form}
	}
	return rest.Request{Method: method, Path: path, Form: form, Idempotent: idempotent}
}
