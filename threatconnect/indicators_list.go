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
