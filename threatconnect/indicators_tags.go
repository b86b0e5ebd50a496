package threatconnect

import (
	"context"
	"net/http"
	"strings"
)

// AddTag tags an indicator; the tag is created if it does not exist.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#create-indicator-tags
//
//meta:operation POST /v2/indicators/{type}/{indicator}/tags/{tagName}
func (s *IndicatorsService) AddTag(ctx context.Context, t IndicatorType, summary, tag string, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	if err := validateTag(tag); err != nil {
		return err
	}
	return s.addTag(ctx, r, tag)
}

func (s *IndicatorsService) addTag(ctx context.Context, r ref, tag string) error {
	_, err := s.client.do(ctx, call{method: http.MethodPost, segments: r.sub("tags", strings.TrimSpace(tag)), query: r.owner, idempotent: true})
	return err
}

// RemoveTag removes a tag from an indicator.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation DELETE /v2/indicators/{type}/{indicator}/tags/{tagName}
func (s *IndicatorsService) RemoveTag(ctx context.Context, t IndicatorType, summary, tag string, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	if err := validateTag(tag); err != nil {
		return err
	}
	_, err = s.client.do(ctx, call{method: http.MethodDelete, segments: r.sub("tags", strings.TrimSpace(tag)), query: r.owner})
	return err
}

// Tags returns an indicator's tag names.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators/{type}/{indicator}/tags
func (s *IndicatorsService) Tags(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) ([]string, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return nil, err
	}
	var tags []wireTag
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.sub("tags"), query: r.owner}, "tag", &tags); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(tags))
	for _, tg := range tags {
		out = append(out, tg.Name)
	}
	return out, nil
}
