package threatconnect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// IndicatorsService manages indicators (the v2 /indicators endpoints). An
// indicator is addressed by its type and summary, as the API does.
type IndicatorsService service

// IndicatorUpdate changes an indicator: only the non-nil fields are sent.
type IndicatorUpdate struct {
	Rating      *float64 // 0 to 5
	Confidence  *int     // 0 to 100
	Active      *bool    // active or inactive
	DNSActive   *bool    // hosts only
	WhoisActive *bool    // hosts only
	Size        *int64   // files only
}

// wireCreate is the body of a create or update.
type wireCreate map[string]any

func (ind Indicator) body(ti typeInfo) (wireCreate, error) {
	b := wireCreate{}
	if ind.Type == File {
		fh, err := splitHashes(ind.Summary)
		if err != nil {
			return nil, err
		}
		for k, v := range map[string]string{"md5": fh.MD5, "sha1": fh.SHA1, "sha256": fh.SHA256} {
			if v != "" {
				b[k] = v
			}
		}
		if ind.Size > 0 {
			b["size"] = ind.Size
		}
	} else {
		b[ti.field] = ind.Summary
	}
	if ind.Rating != 0 {
		b["rating"] = ind.Rating
	}
	if ind.Confidence != 0 {
		b["confidence"] = ind.Confidence
	}
	if ind.Active != nil {
		b["active"] = *ind.Active
	}
	if ind.DNSActive != nil {
		b["dnsActive"] = strconv.FormatBool(*ind.DNSActive)
	}
	if ind.WhoisActive != nil {
		b["whoisActive"] = strconv.FormatBool(*ind.WhoisActive)
	}
	return b, nil
}

type ref struct {
	t       IndicatorType
	ti      typeInfo
	summary string
	segs    []string // "v2", "indicators", "<type>", "<id>"
	owner   url.Values
}

func newRef(t IndicatorType, summary, owner string) (ref, error) {
	ti, err := t.info()
	if err != nil {
		return ref{}, err
	}
	s, err := normalizeSummary(t, summary)
	if err != nil {
		return ref{}, err
	}
	q, err := ownerQuery(owner)
	if err != nil {
		return ref{}, err
	}
	id := s
	if t == File {
		fh, _ := splitHashes(s)
		id = fh.SHA256
		if id == "" {
			id = fh.SHA1
		}
		if id == "" {
			id = fh.MD5
		}
	}
	return ref{t: t, ti: ti, summary: s, segs: []string{"v2", "indicators", ti.segment, id}, owner: q}, nil
}

func (r ref) sub(parts ...string) []string {
	return append(append([]string(nil), r.segs...), parts...)
}

// Create creates an indicator, then adds its Tags, Attributes and
// SecurityLabels (one request each). Creating an indicator that already
// exists in the owner updates its rating and confidence. If a follow-up
// request fails, Create returns the indicator as created so far together
// with the error.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html#create-indicators
//
//meta:operation POST /v2/indicators/{type}
//meta:operation POST /v2/indicators/{type}/{indicator}/tags/{tagName}
//meta:operation POST /v2/indicators/{type}/{indicator}/attributes
//meta:operation POST /v2/indicators/{type}/{indicator}/securityLabels/{securityLabel}
func (s *IndicatorsService) Create(ctx context.Context, ind Indicator, opts *WriteOptions) (*Indicator, error) {
	ind, err := validateIndicator(ind)
	if err != nil {
		return nil, err
	}
	r, err := newRef(ind.Type, ind.Summary, writeOwner(opts))
	if err != nil {
		return nil, err
	}
	body, err := ind.body(r.ti)
	if err != nil {
		return nil, err
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: []string{"v2", "indicators", r.ti.segment},
		query: r.owner, body: body}, r.ti.key, &w); err != nil {
		return nil, err
	}
	out := w.indicator(ind.Type)
	if out.Summary == "" {
		out.Summary = ind.Summary
	}
	for _, t := range ind.Tags {
		if err := s.addTag(ctx, r, t); err != nil {
			return out, fmt.Errorf("indicator %s created, but: %w", ind.Summary, err)
		}
		out.Tags = append(out.Tags, strings.TrimSpace(t))
	}
	attrs := ind.Attributes
	if d := strings.TrimSpace(ind.Description); d != "" && !hasAttribute(attrs, "Description", d) {
		attrs = append(append([]Attribute(nil), attrs...), Attribute{Type: "Description", Value: d})
	}
	for _, a := range attrs {
		got, err := s.addAttribute(ctx, r, a)
		if err != nil {
			return out, fmt.Errorf("indicator %s created, but: %w", ind.Summary, err)
		}
		out.Attributes = append(out.Attributes, *got)
	}
	for _, l := range ind.SecurityLabels {
		if err := s.addLabel(ctx, r, l); err != nil {
			return out, fmt.Errorf("indicator %s created, but: %w", ind.Summary, err)
		}
		out.SecurityLabels = append(out.SecurityLabels, strings.TrimSpace(l))
	}
	return out, nil
}

// Get returns one indicator.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators/{type}/{indicator}
func (s *IndicatorsService) Get(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) (*Indicator, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return nil, err
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.segs, query: r.owner}, r.ti.key, &w); err != nil {
		return nil, err
	}
	out := w.indicator(t)
	if out.Summary == "" {
		out.Summary = r.summary
	}
	return out, nil
}

// Update changes an indicator's rating, confidence, active flag, host flags
// or file size.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation PUT /v2/indicators/{type}/{indicator}
func (s *IndicatorsService) Update(ctx context.Context, t IndicatorType, summary string, upd IndicatorUpdate, opts *WriteOptions) (*Indicator, error) {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return nil, err
	}
	b := wireCreate{}
	if upd.Rating != nil {
		if err := validateRating(*upd.Rating); err != nil {
			return nil, err
		}
		b["rating"] = *upd.Rating
	}
	if upd.Confidence != nil {
		if err := validateConfidence(*upd.Confidence); err != nil {
			return nil, err
		}
		b["confidence"] = *upd.Confidence
	}
	if upd.Active != nil {
		b["active"] = *upd.Active
	}
	if upd.DNSActive != nil || upd.WhoisActive != nil {
		if t != Host {
			return nil, invalid("DNSActive", "applies to Host indicators only")
		}
		if upd.DNSActive != nil {
			b["dnsActive"] = strconv.FormatBool(*upd.DNSActive)
		}
		if upd.WhoisActive != nil {
			b["whoisActive"] = strconv.FormatBool(*upd.WhoisActive)
		}
	}
	if upd.Size != nil {
		if t != File || *upd.Size < 0 {
			return nil, invalid("Size", "applies to File indicators only and must not be negative")
		}
		b["size"] = *upd.Size
	}
	if len(b) == 0 {
		return nil, invalid("IndicatorUpdate", "nothing to change; set Rating, Confidence, Active, DNSActive, WhoisActive or Size")
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodPut, segments: r.segs, query: r.owner, body: b}, r.ti.key, &w); err != nil {
		return nil, err
	}
	out := w.indicator(t)
	if out.Summary == "" {
		out.Summary = r.summary
	}
	return out, nil
}

// Delete deletes an indicator.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation DELETE /v2/indicators/{type}/{indicator}
func (s *IndicatorsService) Delete(ctx context.Context, t IndicatorType, summary string, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, call{method: http.MethodDelete, segments: r.segs, query: r.owner})
	return err
}
