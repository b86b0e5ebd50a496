package threatconnect

import (
	"context"
	"net/http"
)

// AddObservations records count observations of the indicator (for
// example, one per honeytoken hit). The API user needs "Include in
// Observations and False Positives".
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#add-indicator-observations
//
//meta:operation POST /v2/indicators/{type}/{indicator}/observations
func (s *IndicatorsService) AddObservations(ctx context.Context, t IndicatorType, summary string, count int, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	if count < 1 {
		return invalid("count", "must be at least 1, got %d", count)
	}
	_, err = s.client.do(ctx, call{method: http.MethodPost, segments: r.sub("observations"), query: r.owner, body: map[string]int{"count": count}})
	return err
}
