package threatconnect

import (
	"context"
	"net/http"
)

// AddAttribute adds an attribute, such as {Type: "Description", Value:
// "..."}, and returns it as stored. The attribute type must exist on the
// instance.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#create-indicator-attributes
//
//meta:operation POST /v2/indicators/{type}/{indicator}/attributes
func (s *IndicatorsService) AddAttribute(ctx context.Context, t IndicatorType, summary string, a Attribute, opts *WriteOptions) (*Attribute, error) {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return nil, err
	}
	if err := validateAttribute(a); err != nil {
		return nil, err
	}
	return s.addAttribute(ctx, r, a)
}

func (s *IndicatorsService) addAttribute(ctx context.Context, r ref, a Attribute) (*Attribute, error) {
	body := map[string]any{"type": a.Type, "value": a.Value, "displayed": a.Displayed}
	var w wireAttr
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: r.sub("attributes"), query: r.owner, body: body}, "attribute", &w); err != nil {
		return nil, err
	}
	out := w.attribute()
	return &out, nil
}

// Attributes returns an indicator's attributes.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators/{type}/{indicator}/attributes
func (s *IndicatorsService) Attributes(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) ([]*Attribute, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return nil, err
	}
	var ws []wireAttr
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.sub("attributes"), query: r.owner}, "attribute", &ws); err != nil {
		return nil, err
	}
	out := make([]*Attribute, 0, len(ws))
	for _, w := range ws {
		a := w.attribute()
		out = append(out, &a)
	}
	return out, nil
}

func hasAttribute(as []Attribute, typ, value string) bool {
	for _, a := range as {
		if a.Type == typ && a.Value == value {
			return true
		}
	}
	return false
}
