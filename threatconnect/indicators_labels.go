package threatconnect

import (
	"context"
	"net/http"
	"strings"
)

// AddSecurityLabel applies a security label such as "TLP:AMBER". The label
// must already exist on the instance.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#create-indicator-security-labels
//
//meta:operation POST /v2/indicators/{type}/{indicator}/securityLabels/{securityLabel}
func (s *IndicatorsService) AddSecurityLabel(ctx context.Context, t IndicatorType, summary, label string, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	if err := validateLabel(label); err != nil {
		return err
	}
	return s.addLabel(ctx, r, label)
}

func (s *IndicatorsService) addLabel(ctx context.Context, r ref, label string) error {
	_, err := s.client.do(ctx, call{method: http.MethodPost, segments: r.sub("securityLabels", strings.TrimSpace(label)), query: r.owner, idempotent: true})
	return err
}

// SecurityLabels returns the names of an indicator's security labels.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators/{type}/{indicator}/securityLabels
func (s *IndicatorsService) SecurityLabels(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) ([]string, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return nil, err
	}
	var ls []wireTag
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.sub("securityLabels"), query: r.owner}, "securityLabel", &ls); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out, nil
}
