package threatconnect

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/internal/lenient"
)

// V3IndicatorsService manages indicators through the v3 API, where one
// endpoint, /v3/indicators, serves every type and an indicator is addressed
// by its ID or its summary.
type V3IndicatorsService service

// V3IndicatorUpdate changes an indicator through the v3 API. Only the
// non-nil scalar fields are sent. A collection (Tags, Attributes,
// SecurityLabels, AssociatedGroups) is sent when it has items or its mode
// is set; its mode is the platform's default, ModeAppend, when left zero.
// ModeReplace with no items empties the collection.
type V3IndicatorUpdate struct {
	Rating      *float64 // 0 to 5
	Confidence  *int     // 0 to 100
	Active      *bool    // active or inactive
	DNSActive   *bool    // hosts only
	WhoisActive *bool    // hosts only

	Tags     []string     // tag names, created as needed
	TagsMode MetadataMode // ModeAppend (default), ModeReplace or ModeDelete

	Attributes     []Attribute
	AttributesMode MetadataMode

	SecurityLabels     []string // label names that exist, e.g. "TLP:AMBER"
	SecurityLabelsMode MetadataMode

	AssociatedGroups     []GroupRef // by ID, or by Name and Type
	AssociatedGroupsMode MetadataMode
}

// wireIndicatorV3 is an indicator as the v3 API sends it.
type wireIndicatorV3 struct {
	ID               lenient.Int               `json:"id"`
	OwnerID          lenient.Int               `json:"ownerId"`
	OwnerName        string                    `json:"ownerName"`
	Type             string                    `json:"type"`
	Summary          string                    `json:"summary"`
	IP               string                    `json:"ip"`
	HostName         string                    `json:"hostName"`
	Text             string                    `json:"text"`
	Address          string                    `json:"address"`
	MD5              string                    `json:"md5"`
	SHA1             string                    `json:"sha1"`
	SHA256           string                    `json:"sha256"`
	Size             lenient.Int               `json:"size"`
	Rating           flexFloat                 `json:"rating"`
	Confidence       lenient.Int               `json:"confidence"`
	Active           *lenient.Bool             `json:"active"`
	DNSActive        *lenient.Bool             `json:"dnsActive"`
	WhoisActive      *lenient.Bool             `json:"whoisActive"`
	Description      string                    `json:"description"`
	DateAdded        flexTime                  `json:"dateAdded"`
	LastModified     flexTime                  `json:"lastModified"`
	WebLink          string                    `json:"webLink"`
	Observations     lenient.Int               `json:"observations"`
	Tags             *v3Collection[v3Tag]      `json:"tags"`
	Attributes       *v3Collection[v3Attr]     `json:"attributes"`
	SecurityLabels   *v3Collection[v3Label]    `json:"securityLabels"`
	AssociatedGroups *v3Collection[v3GroupRef] `json:"associatedGroups"`
}

func (w wireIndicatorV3) indicator() *Indicator {
	wi := wireIndicator{
		ID: w.ID, Type: w.Type, Summary: w.Summary, IP: w.IP, HostName: w.HostName, Text: w.Text, Address: w.Address,
		MD5: w.MD5, SHA1: w.SHA1, SHA256: w.SHA256, Size: w.Size, Rating: w.Rating, Confidence: w.Confidence,
		Active: w.Active, DNSActive: w.DNSActive, WhoisActive: w.WhoisActive, Description: w.Description,
		OwnerName: w.OwnerName, DateAdded: w.DateAdded, LastModified: w.LastModified, WebLink: w.WebLink,
		Observations: w.Observations,
	}
	ind := wi.indicator("")
	ind.OwnerID = int64(w.OwnerID)
	if w.Tags != nil {
		for _, t := range w.Tags.Data {
			ind.Tags = append(ind.Tags, t.Name)
		}
	}
	if w.Attributes != nil {
		for _, a := range w.Attributes.Data {
			ind.Attributes = append(ind.Attributes, a.attribute())
		}
	}
	if w.SecurityLabels != nil {
		for _, l := range w.SecurityLabels.Data {
			ind.SecurityLabels = append(ind.SecurityLabels, l.Name)
		}
	}
	if w.AssociatedGroups != nil {
		for _, g := range w.AssociatedGroups.Data {
			ind.AssociatedGroups = append(ind.AssociatedGroups, g.ref())
		}
	}
	return ind
}

// v3Body is the body of a v3 create: the type, the type's own summary
// field(s), the scalar fields and the nested collections.
func v3CreateBody(ind Indicator) (map[string]any, error) {
	ti, err := ind.Type.info()
	if err != nil {
		return nil, err
	}
	// The same fields as a v2 body, plus the type; v3 takes the dnsActive
	// and whoisActive flags as JSON booleans where v2 takes "true"/"false".
	b, err := ind.body(ti)
	if err != nil {
		return nil, err
	}
	b["type"] = string(ind.Type)
	if ind.DNSActive != nil {
		b["dnsActive"] = *ind.DNSActive
	}
	if ind.WhoisActive != nil {
		b["whoisActive"] = *ind.WhoisActive
	}
	attrs := ind.Attributes
	if d := strings.TrimSpace(ind.Description); d != "" && !hasAttribute(attrs, "Description", d) {
		// description is read only in v3: it is the default Description
		// attribute.
		attrs = append(append([]Attribute(nil), attrs...), Attribute{Type: "Description", Value: d, Default: true})
	}
	if err := addCollections(b, ind.Tags, "", attrs, "", ind.SecurityLabels, "", ind.AssociatedGroups, ""); err != nil {
		return nil, err
	}
	return b, nil
}

// addCollections puts the metadata collections into a v3 body. A
// collection goes in when it has items or a mode.
func addCollections(b map[string]any, tags []string, tm MetadataMode, attrs []Attribute, am MetadataMode,
	labels []string, lm MetadataMode, groups []GroupRef, gm MetadataMode) error {
	for _, m := range []struct {
		mode  MetadataMode
		field string
	}{{tm, "TagsMode"}, {am, "AttributesMode"}, {lm, "SecurityLabelsMode"}, {gm, "AssociatedGroupsMode"}} {
		if err := m.mode.check(m.field); err != nil {
			return err
		}
	}
	if len(tags) > 0 || tm != "" {
		c := v3Collection[v3Tag]{Data: []v3Tag{}, Mode: tm}
		for _, t := range tags {
			if err := validateTag(t); err != nil {
				return err
			}
			c.Data = append(c.Data, v3Tag{Name: strings.TrimSpace(t)})
		}
		b["tags"] = c
	}
	if len(attrs) > 0 || am != "" {
		c := v3Collection[v3Attr]{Data: []v3Attr{}, Mode: am}
		for _, a := range attrs {
			if err := validateAttribute(a); err != nil {
				return err
			}
			c.Data = append(c.Data, v3AttrOf(a))
		}
		b["attributes"] = c
	}
	if len(labels) > 0 || lm != "" {
		c := v3Collection[v3Label]{Data: []v3Label{}, Mode: lm}
		for _, l := range labels {
			if err := validateLabel(l); err != nil {
				return err
			}
			c.Data = append(c.Data, v3Label{Name: strings.TrimSpace(l)})
		}
		b["securityLabels"] = c
	}
	if len(groups) > 0 || gm != "" {
		c := v3Collection[v3GroupRef]{Data: []v3GroupRef{}, Mode: gm}
		for i, g := range groups {
			r, err := groupRefBody(fmt.Sprintf("AssociatedGroups[%d]", i), g)
			if err != nil {
				return err
			}
			c.Data = append(c.Data, r)
		}
		b["associatedGroups"] = c
	}
	return nil
}

// checkIndicatorKey checks an ID-or-summary path segment.
func checkIndicatorKey(key string) (string, error) {
	k := strings.TrimSpace(key)
	switch {
	case k == "":
		return "", invalid("key", "must be an indicator ID or summary")
	case k == "." || k == "..":
		return "", invalid("key", "%q is not an indicator", k)
	case strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", invalid("key", "must not contain control characters")
	}
	return k, nil
}

// IndicatorKey returns the key by which the v3 calls address an indicator:
// its ID when it has one, else its summary.
func (ind *Indicator) IndicatorKey() string {
	if ind.ID > 0 {
		return strconv.FormatInt(ind.ID, 10)
	}
	return ind.Summary
}

func (s *V3IndicatorsService) one(ctx context.Context, method string, segs []string, q query, body any, idempotent bool) (*Indicator, error) {
	cl := call{method: method, segments: segs, rawQuery: q.encode(), body: body, idempotent: idempotent}
	env, err := s.client.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var w wireIndicatorV3
	_, escaped := cl.path()
	if err := s.client.v3Data(method, escaped, env, &w); err != nil {
		return nil, err
	}
	return w.indicator(), nil
}

// Create creates an indicator with its tags, attributes, security labels
// and group associations in one request. Creating an indicator that
// already exists in the owner updates it (each owner holds one copy), so
// Create is an upsert: its collections are appended to the existing ones.
// A Description is written as the default Description attribute (v3 reads
// description but does not set it).
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/indicators/indicators.html
//
//meta:operation POST /v3/indicators
func (s *V3IndicatorsService) Create(ctx context.Context, ind Indicator, opts *V3Options) (*Indicator, error) {
	ind, err := validateIndicator(ind)
	if err != nil {
		return nil, err
	}
	body, err := v3CreateBody(ind)
	if err != nil {
		return nil, err
	}
	q, err := v3Query(v3Owner(opts), v3Fields(opts))
	if err != nil {
		return nil, err
	}
	return s.one(ctx, http.MethodPost, []string{"v3", "indicators"}, q, body, false)
}

// Get returns the indicator with this ID or summary (a decimal key is an
// ID, as on the platform), with the related collections opts.Fields asks
// for.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/indicators/indicators.html
//
//meta:operation GET /v3/indicators/{id or summary}
func (s *V3IndicatorsService) Get(ctx context.Context, key string, opts *V3Options) (*Indicator, error) {
	k, err := checkIndicatorKey(key)
	if err != nil {
		return nil, err
	}
	q, err := v3Query(v3Owner(opts), v3Fields(opts))
	if err != nil {
		return nil, err
	}
	return s.one(ctx, http.MethodGet, []string{"v3", "indicators", k}, q, nil, true)
}

// Update changes the indicator with this ID or summary: the non-nil scalar
// fields of upd, and each collection by its mode (ModeAppend when zero).
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/indicators/indicators.html
//
//meta:operation PUT /v3/indicators/{id or summary}
func (s *V3IndicatorsService) Update(ctx context.Context, key string, upd V3IndicatorUpdate, opts *V3Options) (*Indicator, error) {
	k, err := checkIndicatorKey(key)
	if err != nil {
		return nil, err
	}
	b := map[string]any{}
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
	if upd.DNSActive != nil {
		b["dnsActive"] = *upd.DNSActive
	}
	if upd.WhoisActive != nil {
		b["whoisActive"] = *upd.WhoisActive
	}
	if err := addCollections(b, upd.Tags, upd.TagsMode, upd.Attributes, upd.AttributesMode,
		upd.SecurityLabels, upd.SecurityLabelsMode, upd.AssociatedGroups, upd.AssociatedGroupsMode); err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, invalid("V3IndicatorUpdate", "changes nothing")
	}
	q, err := v3Query(v3Owner(opts), v3Fields(opts))
	if err != nil {
		return nil, err
	}
	return s.one(ctx, http.MethodPut, []string{"v3", "indicators", k}, q, b, idempotentUpdate(upd))
}

// Delete deletes the indicator with this ID or summary.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/indicators/indicators.html
//
//meta:operation DELETE /v3/indicators/{id or summary}
func (s *V3IndicatorsService) Delete(ctx context.Context, key string, opts *V3Options) error {
	k, err := checkIndicatorKey(key)
	if err != nil {
		return err
	}
	q, err := v3Query(v3Owner(opts), nil)
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, call{method: http.MethodDelete, segments: []string{"v3", "indicators", k}, rawQuery: q.encode(), idempotent: true})
	return err
}

// idempotentUpdate reports whether sending upd twice gives the same result
// as once, so that it may be retried like a read: an appended tag, label or
// association by ID is kept once, but an appended attribute is added again
// and a group named by Name may be created again.
func idempotentUpdate(upd V3IndicatorUpdate) bool {
	appends := func(m MetadataMode) bool { return m == "" || m == ModeAppend }
	if len(upd.Attributes) > 0 && appends(upd.AttributesMode) {
		return false
	}
	for _, g := range upd.AssociatedGroups {
		if g.ID == 0 && appends(upd.AssociatedGroupsMode) {
			return false
		}
	}
	return true
}
