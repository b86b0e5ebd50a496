package canary

import (
	"context"
	"net"
	"net/url"
	"sort"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// SourceIncident is one entry of a source address's incident history.
type SourceIncident struct {
	Key         string    `json:"key"`
	NodeID      string    `json:"node_id"`
	FlockID     string    `json:"flock_id,omitempty"`
	Description string    `json:"description"`
	SourceHost  string    `json:"src_host"`
	DstPort     int       `json:"dst_port,omitempty"`
	Created     time.Time `json:"created"`
	// Deleted is true for an incident that has since been deleted: the
	// history keeps them.
	Deleted bool `json:"deleted"`
}

// SourceHistory returns every incident from one source address, deleted
// ones included, oldest first (GET /incidents/history/source). flockID,
// if not "", confines it to one flock.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#incident-history-for-source-ip
//
//meta:operation GET /api/v1/incidents/history/source
func (s *IncidentsService) SourceHistory(ctx context.Context, srcIP, flockID string) ([]*SourceIncident, error) {
	if net.ParseIP(srcIP) == nil {
		return nil, invalid("srcIP", "%q is not an IP address", clip(srcIP))
	}
	q := url.Values{"src_ip": {srcIP}}
	setNonEmpty(q, "flock_id", flockID)
	var out struct {
		envelope
		Incidents []struct {
			Created     lenient.Time   `json:"created"`
			Deleted     lenient.Bool   `json:"deleted"`
			Description lenient.String `json:"description"`
			DstPort     lenient.Int    `json:"dst_port"`
			FlockID     lenient.String `json:"flock_id"`
			Key         lenient.String `json:"key"`
			NodeID      lenient.String `json:"node_id"`
			SrcHost     lenient.String `json:"src_host"`
		} `json:"incidents"`
	}
	if err := s.client.get(ctx, "/incidents/history/source", q, &out); err != nil {
		return nil, err
	}
	res := make([]*SourceIncident, 0, len(out.Incidents))
	for _, i := range out.Incidents {
		res = append(res, &SourceIncident{Key: string(i.Key), NodeID: string(i.NodeID), FlockID: string(i.FlockID),
			Description: string(i.Description), SourceHost: string(i.SrcHost), DstPort: int(i.DstPort),
			Created: time.Time(i.Created), Deleted: bool(i.Deleted)})
	}
	sort.SliceStable(res, func(i, j int) bool { return res[i].Created.Before(res[j].Created) })
	return res, nil
}

// SourceCounts returns how many incidents each source address has among
// the incidents opts selects (the incident_source_counts of GET
// /incidents/search), in one request: it asks for a one-incident page and
// reads the counts, which cover the whole result. opts.Limit and
// opts.Cursor are ignored.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#search-incidents
//
//meta:operation GET /api/v1/incidents/search
func (s *IncidentsService) SourceCounts(ctx context.Context, opts *SearchIncidentsOptions) (map[string]int, error) {
	var o SearchIncidentsOptions
	if opts != nil {
		o = *opts
	}
	o.Limit, o.Cursor = 1, ""
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Counts map[string]lenient.Int `json:"incident_source_counts"`
	}
	if err := s.client.get(ctx, "/incidents/search", q, &out); err != nil {
		return nil, err
	}
	res := make(map[string]int, len(out.Counts))
	for ip, n := range out.Counts {
		res[ip] = int(n)
	}
	return res, nil
}

// FetchIncidentOptions selects the incident of Incidents.Fetch: by Key or
// by HashID (exactly one), with every field and in a time zone if asked.
type FetchIncidentOptions struct {
	// Key is the incident key; HashID its hash_id, such as a webhook's
	// IncidentHash. Exactly one must be set.
	Key, HashID string
	// ExtendedDetails asks for every incident field ("Return all incident
	// fields"); the extra fields land in the incident's Raw.
	ExtendedDetails bool
	// TZ is the time zone of the "_std" fields (an IANA name; default UTC).
	TZ string
}

// Fetch fetches one incident, as Get and GetByHashID do, with the
// documented extended_details and tz options (GET /incident/fetch).
//
// Canary API docs: https://docs.canary.tools/incidents/actions.html#fetch-incident
//
//meta:operation GET /api/v1/incident/fetch
func (s *IncidentsService) Fetch(ctx context.Context, opts FetchIncidentOptions) (*Incident, error) {
	q := url.Values{}
	switch {
	case opts.Key != "" && opts.HashID != "":
		return nil, invalid("HashID", "set Key or HashID, not both")
	case opts.Key != "":
		if err := requireID("Key", opts.Key); err != nil {
			return nil, err
		}
		q.Set("incident", opts.Key)
	case opts.HashID != "":
		if err := requireID("HashID", opts.HashID); err != nil {
			return nil, err
		}
		q.Set("hash_id", opts.HashID)
	default:
		return nil, invalid("Key", "set Key or HashID")
	}
	if err := checkTZ("TZ", opts.TZ); err != nil {
		return nil, err
	}
	if opts.ExtendedDetails {
		q.Set("extended_details", "true")
	}
	setNonEmpty(q, "tz", opts.TZ)
	return s.fetch(ctx, q)
}
