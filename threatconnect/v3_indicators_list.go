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

	"github.com/decoykit/decoykit/internal/pager"
)

// V3ListOptions select and page v3 indicators.
type V3ListOptions struct {
	// Owner is the owner to list; "" means the API user's own organization.
	Owner string
	// TQL filters the list, e.g. TQLTypeName.Eq("Host"); the zero TQL
	// lists everything.
	TQL TQL
	// Fields asks for related collections on each item, such as FieldTags.
	Fields []Field
	// Count asks the platform for the list's total (count=true), reported
	// as TotalResults of the first page.
	Count bool
	// Limit is the page size (resultLimit): default DefaultPageSize, at
	// most MaxPageSize.
	Limit int
	// Cursor continues from a previous page's NextCursor (List only). The
	// platform's next link carries every other option, so they are not
	// sent again.
	Cursor string
}

// firstQuery is the query of the first page.
func (o *V3ListOptions) firstQuery() (string, error) {
	if o == nil {
		o = &V3ListOptions{}
	}
	q, err := v3Query(o.Owner, o.Fields)
	if err != nil {
		return "", err
	}
	if err := o.TQL.Err(); err != nil {
		return "", err
	}
	if t := o.TQL.String(); t != "" {
		q.add("tql", t)
	}
	limit := DefaultPageSize
	if o.Limit != 0 {
		if o.Limit < 0 || o.Limit > MaxPageSize {
			return "", invalid("Limit", "must be between 1 and %d, got %d", MaxPageSize, o.Limit)
		}
		limit = o.Limit
	}
	if o.Count {
		q.add("count", "true")
	}
	q.add("resultStart", "0")
	q.add("resultLimit", strconv.Itoa(limit))
	return q.encode(), nil
}

// checkCursor checks a NextCursor given back to List: the raw query of a
// next link.
func checkCursor(c string) error {
	if _, err := url.ParseQuery(c); err != nil || !validQuery(c) || !strings.Contains(c, "resultStart=") {
		return invalid("Cursor", "%q is not a NextCursor from a previous page", clip(c))
	}
	return nil
}

// validQuery reports whether q holds only bytes that may go on a request
// line's query as they are.
func validQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' {
			return false
		}
		if c == '%' && (i+2 >= len(q) || !isHexByte(q[i+1]) || !isHexByte(q[i+2])) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeQueryBytes percent-encodes the bytes of q that may not go on a
// request line as they are, and keeps every other byte (and escape) as the
// server wrote it.
func escapeQueryBytes(q string) string {
	if validQuery(q) {
		return q
	}
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '%' && i+2 < len(q) && isHexByte(q[i+1]) && isHexByte(q[i+2]) {
			b.WriteString(q[i : i+3])
			i += 2
			continue
		}
		if c <= ' ' || c >= 0x7f || strings.IndexByte("#\"<>\\^`{|}%", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// nextCursor turns a v3 next link into the cursor of the next page: the
// link's query, to be sent byte for byte (and so signed as sent) to this
// client's own API root. The link must name this API's path; its scheme
// and host are not used, so a link can never send a signed request to
// another host.
func (c *Client) nextCursor(method, path, next string, segs ...string) (string, error) {
	if next == "" {
		return "", nil
	}
	u, err := url.Parse(strings.TrimSpace(next))
	if err != nil {
		return "", fmt.Errorf("threatconnect: %s %s: %w: the next link is not a URL", method, path, ErrMalformedResponse)
	}
	want := strings.TrimRight(c.baseURL.EscapedPath(), "/") + "/" + strings.Join(segs, "/")
	if strings.TrimRight(u.EscapedPath(), "/") != want {
		return "", fmt.Errorf("threatconnect: %s %s: %w: the next link's path %q is not %s", method, path, ErrMalformedResponse, clip(u.EscapedPath()), want)
	}
	cur := escapeQueryBytes(u.RawQuery)
	if checkCursor(cur) != nil {
		return "", fmt.Errorf("threatconnect: %s %s: %w: the next link has no resultStart", method, path, ErrMalformedResponse)
	}
	return cur, nil
}

// v3Page fetches one page of a v3 list at segs with the raw query rq and
// decodes its items into out (a pointer to a slice).
func (c *Client) v3Page(ctx context.Context, segs []string, rq string, out any) (next string, total int, err error) {
	cl := call{method: http.MethodGet, segments: segs, rawQuery: rq}
	env, err := c.do(ctx, cl)
	if err != nil {
		return "", 0, err
	}
	_, escaped := cl.path()
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return "", 0, fmt.Errorf("threatconnect: GET %s: %w: data: %s", escaped, ErrMalformedResponse, c.scrub(err.Error()))
		}
	}
	next, err = c.nextCursor(http.MethodGet, escaped, env.Next, segs...)
	if err != nil {
		return "", 0, err
	}
	if env.Count != nil && *env.Count > 0 {
		total = *env.Count
	}
	return next, total, nil
}

// List returns one page of indicators: the first, or the one at
// opts.Cursor. The page's NextCursor comes from the platform's next link.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/enable_pagination.html
//
//meta:operation GET /v3/indicators
func (s *V3IndicatorsService) List(ctx context.Context, opts *V3ListOptions) (*Page[*Indicator], error) {
	var rq string
	if opts != nil && opts.Cursor != "" {
		if err := checkCursor(opts.Cursor); err != nil {
			return nil, err
		}
		rq = opts.Cursor
	} else {
		var err error
		if rq, err = opts.firstQuery(); err != nil {
			return nil, err
		}
	}
	return s.page(ctx, rq)
}

func (s *V3IndicatorsService) page(ctx context.Context, rq string) (*Page[*Indicator], error) {
	var items []wireIndicatorV3
	next, total, err := s.client.v3Page(ctx, []string{"v3", "indicators"}, rq, &items)
	if err != nil {
		return nil, err
	}
	p := &Page[*Indicator]{Items: make([]*Indicator, 0, len(items)), TotalResults: total}
	for _, w := range items {
		p.Items = append(p.Items, w.indicator())
	}
	if len(items) > 0 { // an empty page with a next link would never end
		p.NextCursor = next
	}
	return p, nil
}

// All returns every indicator matching opts, following the platform's next
// links lazily as the loop asks for more; opts.Cursor is ignored. Each
// range starts again from the first page; a break stops at once; an error
// (bad options included) is yielded once and ends the loop; a next link
// seen before, or the same page served again, ends it with an error
// matching ErrPaginationLoop instead of looping.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/enable_pagination.html
//
//meta:operation GET /v3/indicators
func (s *V3IndicatorsService) All(ctx context.Context, opts *V3ListOptions) iter.Seq2[*Indicator, error] {
	var o V3ListOptions
	if opts != nil {
		o = *opts
		o.Fields = append([]Field(nil), opts.Fields...)
	}
	o.Cursor = ""
	var last [2]indicatorKey
	return loopChecked(pager.All(ctx, func(ctx context.Context, cursor string) (pager.Page[*Indicator], error) {
		rq := cursor
		if rq == "" {
			var err error
			if rq, err = o.firstQuery(); err != nil {
				return pager.Page[*Indicator]{}, err
			}
			last = [2]indicatorKey{} // a new range over All
		}
		p, err := s.page(ctx, rq)
		if err != nil {
			return pager.Page[*Indicator]{}, err
		}
		// A server that ignores resultStart serves the same page again
		// under ever new next links: a page that starts and ends like the
		// last one is taken for a loop.
		if sig, ok := pageSignature(p.Items); ok {
			if sig == last {
				return pager.Page[*Indicator]{}, errRepeatedPage()
			}
			last = sig
		}
		return pager.Page[*Indicator]{Items: p.Items, Next: p.NextCursor}, nil
	}))
}
