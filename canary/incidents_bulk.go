package canary

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// BulkIncidentFilter selects the incidents a bulk action applies to
// (POST /incidents/acknowledge, POST /incidents/unacknowledge,
// DELETE /incidents/delete). At least one field must be set, so a zero
// filter never touches every incident by accident.
type BulkIncidentFilter struct {
	// FlockID selects one flock's incidents.
	FlockID string
	// NodeID selects one Canary's or Canarytoken's incidents. It cannot be
	// combined with SourceHost.
	NodeID string
	// SourceHost selects the incidents from one source IP address. It
	// cannot be combined with NodeID.
	SourceHost string
	// OlderThan selects incidents older than this period. The Console takes
	// whole hours, days or weeks ("[n][h/d/w]"), so it must be a positive
	// multiple of an hour; it is sent in the largest unit that fits (168h
	// as "1w", 48h as "2d", 5h as "5h").
	OlderThan time.Duration
	// Query matches incident details such as the source IP, Canary name,
	// token name, node_id and reverse DNS (filter_str).
	Query string
	// Logtypes selects incidents of these log types (filter_logtypes).
	Logtypes []string
	// IncludeUnacknowledged lets DeleteMatching delete unacknowledged
	// incidents too; by default the Console deletes only acknowledged ones.
	// It is refused by the other bulk actions.
	IncludeUnacknowledged bool
}

func (f *BulkIncidentFilter) form(deleting bool) (url.Values, error) {
	if f.NodeID != "" && f.SourceHost != "" {
		return nil, invalid("SourceHost", "cannot be combined with NodeID (the Console refuses src_host and node_id together); run one action per filter")
	}
	if f.IncludeUnacknowledged && !deleting {
		return nil, invalid("IncludeUnacknowledged", "applies to DeleteMatching only")
	}
	if f.FlockID == "" && f.NodeID == "" && f.SourceHost == "" && f.OlderThan == 0 && f.Query == "" && len(f.Logtypes) == 0 {
		return nil, invalid("BulkIncidentFilter", "is empty; set at least one of FlockID, NodeID, SourceHost, OlderThan, Query or Logtypes")
	}
	for _, kv := range []struct{ field, v string }{{"FlockID", f.FlockID}, {"NodeID", f.NodeID}, {"SourceHost", f.SourceHost}} {
		if kv.v != "" {
			if err := requireID(kv.field, kv.v); err != nil {
				return nil, err
			}
		}
	}
	form := url.Values{}
	setNonEmpty(form, "flock_id", f.FlockID)
	setNonEmpty(form, "node_id", f.NodeID)
	setNonEmpty(form, "src_host", f.SourceHost)
	if f.OlderThan != 0 {
		p, err := period(f.OlderThan)
		if err != nil {
			return nil, err
		}
		form.Set("older_than", p)
	}
	setNonEmpty(form, "filter_str", f.Query)
	lts, err := joinLogtypes(f.Logtypes)
	if err != nil {
		return nil, err
	}
	setNonEmpty(form, "filter_logtypes", lts)
	if f.IncludeUnacknowledged {
		form.Set("include_unacknowledged", "true")
	}
	return form, nil
}

// period formats d as the Console's "[n][h/d/w]".
func period(d time.Duration) (string, error) {
	if d < 0 || d%time.Hour != 0 {
		return "", invalid("OlderThan", "%v is not a whole number of hours; the Console takes periods of hours, days or weeks (e.g. 24*time.Hour)", d)
	}
	h := int64(d / time.Hour)
	switch {
	case h%(24*7) == 0:
		return strconv.FormatInt(h/(24*7), 10) + "w", nil
	case h%24 == 0:
		return strconv.FormatInt(h/24, 10) + "d", nil
	}
	return strconv.FormatInt(h, 10) + "h", nil
}

// bulkWire is a bulk action's answer.
type bulkWire struct {
	envelope
	Action string   `json:"action"`
	Keys   []string `json:"keys"`
}

// AcknowledgeMatching acknowledges every incident the filter selects and
// returns their keys (POST /incidents/acknowledge).
//
// The keys are those the Console reports, as it reports them. Its docs do
// not say whether a bulk action lists every incident it matched or only
// those whose state it changed; canarytest lists every match. Treat the
// result as "matched", and do not count changes from it.
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#acknowledge-multiple-incidents
//
//meta:operation POST /api/v1/incidents/acknowledge
func (s *IncidentsService) AcknowledgeMatching(ctx context.Context, f BulkIncidentFilter) ([]string, error) {
	return s.bulk(ctx, http.MethodPost, "/incidents/acknowledge", f)
}

// UnacknowledgeMatching unacknowledges every incident the filter selects
// and returns their keys (POST /incidents/unacknowledge), as
// AcknowledgeMatching reports them.
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#unacknowledge-multiple-incidents
//
//meta:operation POST /api/v1/incidents/unacknowledge
func (s *IncidentsService) UnacknowledgeMatching(ctx context.Context, f BulkIncidentFilter) ([]string, error) {
	return s.bulk(ctx, http.MethodPost, "/incidents/unacknowledge", f)
}

// DeleteMatching deletes the acknowledged incidents the filter selects (and
// the unacknowledged ones too with IncludeUnacknowledged) and returns their
// keys (DELETE /incidents/delete), as AcknowledgeMatching reports them.
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#delete-multiple-incidents
//
//meta:operation DELETE /api/v1/incidents/delete
func (s *IncidentsService) DeleteMatching(ctx context.Context, f BulkIncidentFilter) ([]string, error) {
	return s.bulk(ctx, http.MethodDelete, "/incidents/delete", f)
}

func (s *IncidentsService) bulk(ctx context.Context, method, path string, f BulkIncidentFilter) ([]string, error) {
	form, err := f.form(method == http.MethodDelete)
	if err != nil {
		return nil, err
	}
	var out bulkWire
	if err := s.client.do(ctx, restForm(method, path, form, true), &out); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(out.Keys))
	for _, k := range out.Keys {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
