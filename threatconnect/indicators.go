package threatconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/pager"
)

// IndicatorsService manages indicators (the v2 /indicators endpoints). An
// indicator is addressed by its type and summary, as the API does.
type IndicatorsService service

// WriteOptions are the options of a call that changes data.
type WriteOptions struct {
	// Owner is the organization, community or source to write to; "" means
	// the API user's own organization.
	Owner string
}

// ReadOptions are the options of a call that reads one object.
type ReadOptions struct {
	// Owner is the owner to read from; "" means the API user's own
	// organization.
	Owner string
}

// FilterOp is a comparison in a list filter.
type FilterOp string

// The filter operators of the v2 API.
const (
	FilterEq     FilterOp = "="
	FilterLt     FilterOp = "<"
	FilterGt     FilterOp = ">"
	FilterPrefix FilterOp = "^" // "starts with", for summary
)

// Filter is one term of a list filter, such as {Field: "rating", Op:
// FilterGt, Value: "3"}. Fields include summary, dateAdded, rating,
// confidence, active, threatAssessScore, falsePositive and, per type, asn,
// countryCode, dnsActive, whoisActive.
type Filter struct {
	Field string   // e.g. "rating", "summary", "dateAdded"
	Op    FilterOp // FilterEq, FilterLt, FilterGt or FilterPrefix
	Value string   // compared as the platform does; must not contain ','
}

// ListOptions select and page indicators.
type ListOptions struct {
	// Owner is the owner to list; "" means the API user's own organization.
	Owner string
	// Type restricts the list to one indicator type; "" lists every type.
	Type IndicatorType
	// Filters are ANDed, or ORed when OrFilters is set.
	Filters   []Filter
	OrFilters bool // OR the filters (orParams=true) instead of AND
	// ModifiedSince lists only indicators modified after this time.
	ModifiedSince time.Time
	// IncludeTags and IncludeAttributes return each indicator's tags and
	// attributes inline (ThreatConnect 5.4 and later).
	IncludeTags, IncludeAttributes bool
	// ResultStart is the offset of the first result (List only; All always
	// starts at 0).
	ResultStart int
	// ResultLimit is the page size, at most MaxResultLimit. 0 means the
	// server's default (100) for List and DefaultAllPageSize for All.
	ResultLimit int
}

// Paging limits.
const (
	// MaxResultLimit is the largest page the v2 API serves.
	MaxResultLimit = 10000
	// DefaultAllPageSize is the page size All uses when ResultLimit is 0.
	DefaultAllPageSize = 1000
)

// IndicatorPage is one page of a list.
type IndicatorPage struct {
	Items []Indicator // the indicators of this page
	// ResultCount is the total number of results; the platform sends it on
	// the first page only (ResultStart 0), so it is -1 on later pages.
	ResultCount int
	// NextStart is the ResultStart of the next page, or -1 at the end.
	NextStart int
}

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

func ownerQuery(owner string) (url.Values, error) {
	if err := validateOwner(owner); err != nil {
		return nil, err
	}
	if strings.TrimSpace(owner) == "" {
		return nil, nil
	}
	return url.Values{"owner": {owner}}, nil
}

func writeOwner(o *WriteOptions) string {
	if o == nil {
		return ""
	}
	return o.Owner
}

func readOwner(o *ReadOptions) string {
	if o == nil {
		return ""
	}
	return o.Owner
}

// ref is a checked (type, summary) pair with its path segments.
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
func (s *IndicatorsService) Create(ctx context.Context, ind Indicator, opts *WriteOptions) (Indicator, error) {
	ind, err := validateIndicator(ind)
	if err != nil {
		return Indicator{}, err
	}
	r, err := newRef(ind.Type, ind.Summary, writeOwner(opts))
	if err != nil {
		return Indicator{}, err
	}
	body, err := ind.body(r.ti)
	if err != nil {
		return Indicator{}, err
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: []string{"v2", "indicators", r.ti.segment},
		query: r.owner, body: body}, r.ti.key, &w); err != nil {
		return Indicator{}, err
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
		out.Attributes = append(out.Attributes, got)
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
func (s *IndicatorsService) Get(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) (Indicator, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return Indicator{}, err
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.segs, query: r.owner}, r.ti.key, &w); err != nil {
		return Indicator{}, err
	}
	out := w.indicator(t)
	if out.Summary == "" {
		out.Summary = r.summary
	}
	return out, nil
}

// Update changes an indicator's rating, confidence, active flag, host flags
// or file size.
func (s *IndicatorsService) Update(ctx context.Context, t IndicatorType, summary string, upd IndicatorUpdate, opts *WriteOptions) (Indicator, error) {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return Indicator{}, err
	}
	b := wireCreate{}
	if upd.Rating != nil {
		if err := validateRating(*upd.Rating); err != nil {
			return Indicator{}, err
		}
		b["rating"] = *upd.Rating
	}
	if upd.Confidence != nil {
		if err := validateConfidence(*upd.Confidence); err != nil {
			return Indicator{}, err
		}
		b["confidence"] = *upd.Confidence
	}
	if upd.Active != nil {
		b["active"] = *upd.Active
	}
	if upd.DNSActive != nil || upd.WhoisActive != nil {
		if t != Host {
			return Indicator{}, invalid("DNSActive", "applies to Host indicators only")
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
			return Indicator{}, invalid("Size", "applies to File indicators only and must not be negative")
		}
		b["size"] = *upd.Size
	}
	if len(b) == 0 {
		return Indicator{}, invalid("IndicatorUpdate", "nothing to change; set Rating, Confidence, Active, DNSActive, WhoisActive or Size")
	}
	var w wireIndicator
	if _, err := s.client.doInto(ctx, call{method: http.MethodPut, segments: r.segs, query: r.owner, body: b}, r.ti.key, &w); err != nil {
		return Indicator{}, err
	}
	out := w.indicator(t)
	if out.Summary == "" {
		out.Summary = r.summary
	}
	return out, nil
}

// Delete deletes an indicator.
func (s *IndicatorsService) Delete(ctx context.Context, t IndicatorType, summary string, opts *WriteOptions) error {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, call{method: http.MethodDelete, segments: r.segs, query: r.owner})
	return err
}

func (o *ListOptions) query(start, limit int) (url.Values, []string, IndicatorType, error) {
	q := url.Values{}
	segs := []string{"v2", "indicators"}
	var t IndicatorType
	if o == nil {
		o = &ListOptions{}
	}
	if o.Type != "" {
		ti, err := o.Type.info()
		if err != nil {
			return nil, nil, "", err
		}
		segs = append(segs, ti.segment)
		t = o.Type
	}
	if err := validateOwner(o.Owner); err != nil {
		return nil, nil, "", err
	}
	if strings.TrimSpace(o.Owner) != "" {
		q.Set("owner", o.Owner)
	}
	if start < 0 {
		return nil, nil, "", invalid("ResultStart", "must not be negative")
	}
	if limit < 0 || limit > MaxResultLimit {
		return nil, nil, "", invalid("ResultLimit", "must be between 1 and %d, got %d", MaxResultLimit, limit)
	}
	if len(o.Filters) > 0 {
		terms := make([]string, 0, len(o.Filters))
		for i, f := range o.Filters {
			field := fmt.Sprintf("Filters[%d]", i)
			if strings.TrimSpace(f.Field) == "" || strings.ContainsAny(f.Field, "=<>^, ") {
				return nil, nil, "", invalid(field, "needs a Field name such as \"rating\" or \"summary\"")
			}
			switch f.Op {
			case FilterEq, FilterLt, FilterGt, FilterPrefix:
			default:
				return nil, nil, "", invalid(field, "operator %q is not one of FilterEq, FilterLt, FilterGt, FilterPrefix", f.Op)
			}
			if strings.Contains(f.Value, ",") {
				return nil, nil, "", invalid(field, "a value must not contain ',' (it separates filters)")
			}
			terms = append(terms, f.Field+string(f.Op)+f.Value)
		}
		q.Set("filters", strings.Join(terms, ","))
		if o.OrFilters {
			q.Set("orParams", "true")
		}
	}
	if !o.ModifiedSince.IsZero() {
		q.Set("modifiedSince", o.ModifiedSince.UTC().Format(time.RFC3339))
	}
	if o.IncludeTags {
		q.Set("includeTags", "true")
	}
	if o.IncludeAttributes {
		q.Set("includeAttributes", "true")
	}
	if start > 0 {
		q.Set("resultStart", strconv.Itoa(start))
	}
	if limit > 0 {
		q.Set("resultLimit", strconv.Itoa(limit))
	}
	return q, segs, t, nil
}

// List returns one page of indicators.
func (s *IndicatorsService) List(ctx context.Context, opts *ListOptions) (IndicatorPage, error) {
	start, limit := 0, 0
	if opts != nil {
		start, limit = opts.ResultStart, opts.ResultLimit
	}
	return s.list(ctx, opts, start, limit, -1)
}

// list fetches one page. total is the result count learnt from the first
// page (-1 if unknown): the platform sends it only there.
func (s *IndicatorsService) list(ctx context.Context, opts *ListOptions, start, limit, total int) (IndicatorPage, error) {
	q, segs, t, err := opts.query(start, limit)
	if err != nil {
		return IndicatorPage{}, err
	}
	key := "indicator"
	if t != "" {
		key = types[t].key
	}
	cl := call{method: http.MethodGet, segments: segs, query: q}
	env, err := s.client.do(ctx, cl)
	if err != nil {
		return IndicatorPage{}, err
	}
	page := IndicatorPage{ResultCount: -1, NextStart: -1}
	var data map[string]json.RawMessage
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, &data); err != nil {
			_, escaped := cl.path()
			return IndicatorPage{}, fmt.Errorf("threatconnect: GET %s: %w: \"data\" is not an object", escaped, ErrMalformedResponse)
		}
	}
	var items []wireIndicator
	if raw, ok := data[key]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			_, escaped := cl.path()
			return IndicatorPage{}, fmt.Errorf("threatconnect: GET %s: %w: data.%s: %s", escaped, ErrMalformedResponse, key, s.client.scrub(err.Error()))
		}
	}
	if raw, ok := data["resultCount"]; ok {
		var n int
		if json.Unmarshal(raw, &n) == nil {
			page.ResultCount = n
		}
	} else if env.ResultCount != nil {
		page.ResultCount = *env.ResultCount
	}
	page.Items = make([]Indicator, 0, len(items))
	for _, w := range items {
		page.Items = append(page.Items, w.indicator(t))
	}
	size := limit
	if size == 0 {
		size = 100
	}
	if page.ResultCount >= 0 {
		total = page.ResultCount
	}
	next := start + len(items)
	switch {
	case len(items) == 0:
	case total >= 0:
		// With the total known, a short page is not the end: an instance
		// may cap resultLimit (older ones at 500) without saying so.
		if next < total {
			page.NextStart = next
		}
	case len(items) >= size:
		page.NextStart = next
	}
	return page, nil
}

// All returns every indicator matching opts, fetching pages of
// opts.ResultLimit (default DefaultAllPageSize) lazily as the loop asks for
// them. Each range starts again from the first page; a break stops at once;
// an error is yielded once and ends the loop.
func (s *IndicatorsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Indicator, error] {
	var o ListOptions
	if opts != nil {
		o = *opts
		o.Filters = append([]Filter(nil), opts.Filters...)
	}
	limit := o.ResultLimit
	if limit == 0 {
		limit = DefaultAllPageSize
	}
	return pager.All(ctx, func(ctx context.Context, cursor string) (pager.Page[Indicator], error) {
		start, total := 0, -1
		if cursor != "" {
			var err error
			if start, total, err = parseCursor(cursor); err != nil {
				return pager.Page[Indicator]{}, err
			}
		}
		p, err := s.list(ctx, &o, start, limit, total)
		if err != nil {
			return pager.Page[Indicator]{}, err
		}
		if p.ResultCount >= 0 {
			total = p.ResultCount
		}
		out := pager.Page[Indicator]{Items: p.Items}
		if p.NextStart >= 0 && (total < 0 || p.NextStart < total) {
			out.Next = strconv.Itoa(p.NextStart) + ":" + strconv.Itoa(total)
		}
		return out, nil
	})
}

// parseCursor reads "<start>:<total>" (total -1 when unknown).
func parseCursor(c string) (start, total int, err error) {
	a, b, ok := strings.Cut(c, ":")
	start, err1 := strconv.Atoi(a)
	total, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("threatconnect: bad page cursor %q", c)
	}
	return start, total, nil
}

// AddTag tags an indicator; the tag is created if it does not exist.
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

// AddAttribute adds an attribute, such as {Type: "Description", Value:
// "..."}, and returns it as stored. The attribute type must exist on the
// instance.
func (s *IndicatorsService) AddAttribute(ctx context.Context, t IndicatorType, summary string, a Attribute, opts *WriteOptions) (Attribute, error) {
	r, err := newRef(t, summary, writeOwner(opts))
	if err != nil {
		return Attribute{}, err
	}
	if err := validateAttribute(a); err != nil {
		return Attribute{}, err
	}
	return s.addAttribute(ctx, r, a)
}

func (s *IndicatorsService) addAttribute(ctx context.Context, r ref, a Attribute) (Attribute, error) {
	body := map[string]any{"type": a.Type, "value": a.Value, "displayed": a.Displayed}
	var w wireAttr
	if _, err := s.client.doInto(ctx, call{method: http.MethodPost, segments: r.sub("attributes"), query: r.owner, body: body}, "attribute", &w); err != nil {
		return Attribute{}, err
	}
	return w.attribute(), nil
}

// Attributes returns an indicator's attributes.
func (s *IndicatorsService) Attributes(ctx context.Context, t IndicatorType, summary string, opts *ReadOptions) ([]Attribute, error) {
	r, err := newRef(t, summary, readOwner(opts))
	if err != nil {
		return nil, err
	}
	var ws []wireAttr
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: r.sub("attributes"), query: r.owner}, "attribute", &ws); err != nil {
		return nil, err
	}
	out := make([]Attribute, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.attribute())
	}
	return out, nil
}

// AddSecurityLabel applies a security label such as "TLP:AMBER". The label
// must already exist on the instance.
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

// AddObservations records count observations of the indicator (for
// example, one per honeytoken hit). The API user needs "Include in
// Observations and False Positives".
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

// AssociateGroup associates the indicator with a group, such as an
// incident created by Groups.Create.
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

func hasAttribute(as []Attribute, typ, value string) bool {
	for _, a := range as {
		if a.Type == typ && a.Value == value {
			return true
		}
	}
	return false
}
