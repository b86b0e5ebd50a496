package canary

import (
	"context"
	"iter"
	"net/url"
	"strings"
	"time"
)

// SearchIncidentsOptions filters Incidents.Search and Incidents.SearchAll
// (GET /incidents/search).
type SearchIncidentsOptions struct {
	// Query matches incident details such as the alert name, node_id,
	// source IP and destination IP (filter_str).
	Query string
	// Logtypes limits the results to these log types, e.g. "17012"
	// (filter_logtypes).
	Logtypes []string
	// State filters by acknowledgement; the zero value means StateAll, as
	// in List. (The Console's own default for search is unacknowledged, so
	// filter_incident_state is always sent.)
	State IncidentState
	// NodeID and FlockID limit the search to one device or token, or one
	// flock.
	NodeID, FlockID string
	// NewerThan and OlderThan bound the incidents' times (sent in
	// ConsoleTimeLayout, UTC).
	NewerThan, OlderThan time.Time
	// Limit is the page size (default DefaultPageSize).
	Limit int
	// Cursor continues from a previous page's NextCursor. A follow-up sends
	// the cursor, plus node_id when NodeID is set, as the Console's own
	// next_link for search does.
	Cursor string
}

func (o *SearchIncidentsOptions) query() (url.Values, error) {
	q := url.Values{}
	if o.Cursor != "" {
		if err := requireID("Cursor", o.Cursor); err != nil {
			return nil, err
		}
		q.Set("cursor", o.Cursor)
		setNonEmpty(q, "node_id", o.NodeID)
		return q, nil
	}
	state, err := o.State.check("State")
	if err != nil {
		return nil, err
	}
	limit, err := pageLimit("Limit", o.Limit)
	if err != nil {
		return nil, err
	}
	if err := checkTimes(o.NewerThan, o.OlderThan); err != nil {
		return nil, err
	}
	logtypes, err := joinLogtypes(o.Logtypes)
	if err != nil {
		return nil, err
	}
	q.Set("limit", limit)
	q.Set("filter_incident_state", string(state))
	setNonEmpty(q, "filter_str", o.Query)
	setNonEmpty(q, "filter_logtypes", logtypes)
	setNonEmpty(q, "node_id", o.NodeID)
	setNonEmpty(q, "flock_id", o.FlockID)
	setTime(q, "newer_than", o.NewerThan)
	setTime(q, "older_than", o.OlderThan)
	return q, nil
}

// joinLogtypes checks the log types (numbers such as "17012") and joins
// them with commas.
func joinLogtypes(lts []string) (string, error) {
	for _, lt := range lts {
		lt = strings.TrimSpace(lt)
		if lt == "" || strings.ContainsFunc(lt, func(r rune) bool { return r < '0' || r > '9' }) {
			return "", invalid("Logtypes", "%q is not a log type; log types are numbers such as \"17012\" (aws-id token) or \"3001\" (HTTP login)", clip(lt))
		}
	}
	return strings.Join(lts, ","), nil
}

// Search returns one page of incidents matching opts, of every state unless
// opts.State says otherwise. The page's PageNumber, TotalPages and
// TotalResults are filled.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#search-incidents
//
//meta:operation GET /api/v1/incidents/search
func (s *IncidentsService) Search(ctx context.Context, opts *SearchIncidentsOptions) (*Page[*Incident], error) {
	var o SearchIncidentsOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, s.client, "/incidents/search", q, decodeIncidentsPage, nil)
}

// SearchAll iterates over every incident matching opts, page by page, like
// All.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#search-incidents
//
//meta:operation GET /api/v1/incidents/search
func (s *IncidentsService) SearchAll(ctx context.Context, opts *SearchIncidentsOptions) iter.Seq2[*Incident, error] {
	var o SearchIncidentsOptions
	if opts != nil {
		o = *opts
	}
	query := func(cursor string) (url.Values, error) {
		req := o
		if cursor != "" {
			req.Cursor = cursor
		}
		return req.query()
	}
	return listAll(ctx, s.client, "/incidents/search", query, decodeIncidentsPage)
}
