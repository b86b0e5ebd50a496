package threatconnect

import (
	"context"
	"net/http"
	"strconv"
)

// AssociateGroup associates the indicator with a group, such as an
// incident created by Groups.Create.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#associate-group-to-indicator
//
//meta:operation POST /v2/indicators/{type}/{indicator}/groups/{groupType}/{groupId}
func (s *IndicatorsService) AssociateGroup(ctx context.Context, t IndicatorType, summary string, g GroupRef, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	seg, err := g.Type.segment()
	if err != nil {
		return err
	}
	if g.ID <= 0 {
		return invalid("GroupRef.ID", "must be a group ID (from Groups.Create), got %d", g.ID)
	}
	_, err = s.client.do(ctx, call{method: http.MethodPost, segments: r.sub("groups", seg, strconv.FormatInt(g.ID, 10)), query: r.owner, idempotent: true})
	return err
}
