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
	// Limit is the page size (resultLimit): default DefaultPageSize, at
	// most MaxPageSize.
	Limit int
	// Cursor continues from a previous page's NextCursor (List only; All
	// always starts at the first page). The platform pages by offset, so
	// the other options are sent again: keep them as they were.
	Cursor string
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
	q.Set("resultLimit", strconv.Itoa(limit))
	return q, segs, t, nil
}

// pageSize returns the Limit to ask for, checked.
func (o *ListOptions) pageSize() (int, error) {
	if o == nil || o.Limit == 0 {
		return DefaultPageSize, nil
	}
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return 0, invalid("Limit", "must be between 1 and %d, got %d", MaxPageSize, o.Limit)
	}
	return o.Limit, nil
}

// List returns one page of indicators: the first, or the one at
// opts.Cursor. Pass the page's NextCursor as Cursor for the next one.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators
//meta:operation GET /v2/indicators/{type}
func (s *IndicatorsService) List(ctx context.Context, opts *ListOptions) (*Page[*Indicator], error) {
	limit, err := opts.pageSize()
	if err != nil {
		return nil, err
	}
	var cursor string
	if opts != nil {
		cursor = opts.Cursor
	}
	at, err := parseCursor(cursor)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, opts, at, limit)
}

// list fetches the page at cursor at (whose total is the result count
// learnt from the first page, -1 if unknown: the platform sends it only
// there).
func (s *IndicatorsService) list(ctx context.Context, opts *ListOptions, at offsetCursor, limit int) (*Page[*Indicator], error) {
	q, segs, t, err := opts.query(at.start, limit)
	if err != nil {
		return nil, err
	}
	key := "indicator"
	if t != "" {
		key = types[t].key
	}
	cl := call{method: http.MethodGet, segments: segs, query: q}
	env, err := s.client.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var data map[string]json.RawMessage
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, &data); err != nil {
			_, escaped := cl.path()
			return nil, fmt.Errorf("threatconnect: GET %s: %w: \"data\" is not an object", escaped, ErrMalformedResponse)
		}
	}
	var items []wireIndicator
	if raw, ok := data[key]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			_, escaped := cl.path()
			return nil, fmt.Errorf("threatconnect: GET %s: %w: data.%s: %s", escaped, ErrMalformedResponse, key, s.client.scrub(err.Error()))
		}
	}
	total := at.total
	if raw, ok := data["resultCount"]; ok {
		var n int
		if json.Unmarshal(raw, &n) == nil && n >= 0 {
			total = n
		}
	} else if env.ResultCount != nil && *env.ResultCount >= 0 {
		total = *env.ResultCount
	}
	page := &Page[*Indicator]{Items: make([]*Indicator, 0, len(items)), TotalResults: max(total, 0)}
	for _, w := range items {
		page.Items = append(page.Items, w.indicator(t))
	}
	next := at.start + len(items)
	switch {
	case len(items) == 0:
	case total >= 0:
		// With the total known, a short page is not the end: an instance
		// may cap resultLimit (older ones at 500) without saying so.
		if next < total {
			page.NextCursor = offsetCursor{start: next, total: total}.String()
		}
	case len(items) >= limit:
		page.NextCursor = offsetCursor{start: next, total: -1}.String()
	}
	return page, nil
}

// All returns every indicator matching opts, fetching pages of opts.Limit
// (default DefaultPageSize) lazily as the loop asks for them; opts.Cursor
// is ignored. Each range starts again from the first page; a break stops at
// once; an error (bad options included) is yielded once and ends the loop.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/indicators/indicators.html
//
//meta:operation GET /v2/indicators
//meta:operation GET /v2/indicators/{type}
func (s *IndicatorsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Indicator, error] {
	var o ListOptions
	if opts != nil {
		o = *opts
		o.Filters = append([]Filter(nil), opts.Filters...)
	}
	o.Cursor = ""
	var last [2]indicatorKey
	return loopChecked(pager.All(ctx, func(ctx context.Context, cursor string) (pager.Page[*Indicator], error) {
		limit, err := o.pageSize()
		if err != nil {
			return pager.Page[*Indicator]{}, err
		}
		at, err := parseCursor(cursor)
		if err != nil {
			return pager.Page[*Indicator]{}, err
		}
		p, err := s.list(ctx, &o, at, limit)
		if err != nil {
			return pager.Page[*Indicator]{}, err
		}
		// A server that ignores resultStart serves the same page again and
		// again, each with a new offset cursor: the pager's repeated-cursor
		// check cannot see it, so a page that starts and ends like the last
		// one is taken for a loop.
		if cursor == "" { // a new range over All
			last = [2]indicatorKey{}
		}
		if sig, ok := pageSignature(p.Items); ok {
			if sig == last {
				return pager.Page[*Indicator]{}, errRepeatedPage()
			}
			last = sig
		}
		return pager.Page[*Indicator]{Items: p.Items, Next: p.NextCursor}, nil
	}))
}

// indicatorKey identifies an indicator within a listing.
type indicatorKey struct {
	id      int64
	summary string
}

// pageSignature is a page's first and last indicator, to notice a page
// served twice.
func pageSignature(items []*Indicator) ([2]indicatorKey, bool) {
	if len(items) == 0 || items[0] == nil || items[len(items)-1] == nil {
		return [2]indicatorKey{}, false
	}
	f, l := items[0], items[len(items)-1]
	return [2]indicatorKey{{f.ID, f.Summary}, {l.ID, l.Summary}}, true
}
