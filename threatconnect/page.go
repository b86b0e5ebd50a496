package threatconnect

import (
	"strconv"
	"strings"
)

// Page is one page of a list, shaped like canary.Page.
type Page[T any] struct {
	Items []T
	// NextCursor fetches the next page: pass it as ListOptions.Cursor (v2,
	// with the same other options) or V3ListOptions.Cursor (v3, where it
	// stands for the platform's next link); "" on the last page. It is
	// opaque.
	NextCursor string
	// TotalResults is the number of results of the whole list, 0 when it
	// was never reported. v2 reports it on the first page and the cursor
	// carries it to the later pages; v3 reports it on the first page only,
	// and only when V3ListOptions.Count asks for it.
	TotalResults int
}

// HasNext reports whether there is a page after this one.
func (p *Page[T]) HasNext() bool { return p.NextCursor != "" }

// Paging limits.
const (
	// DefaultPageSize is the page size List and All ask for when the
	// options leave Limit at 0.
	DefaultPageSize = 1000
	// MaxPageSize is the largest Limit accepted: the largest page the v2
	// and v3 APIs serve (resultLimit).
	MaxPageSize = 10000
)

// offsetCursor is the position a cursor stands for: the offset of the next
// page's first result, and the list's total (-1 when unknown), which the
// platform sends on the first page only.
type offsetCursor struct{ start, total int }

// String returns the cursor as NextCursor carries it.
func (c offsetCursor) String() string {
	return strconv.Itoa(c.start) + ":" + strconv.Itoa(c.total)
}

// parseCursor reads "<start>:<total>"; "" is the first page.
func parseCursor(s string) (offsetCursor, error) {
	if s == "" {
		return offsetCursor{total: -1}, nil
	}
	a, b, ok := strings.Cut(s, ":")
	start, err1 := strconv.Atoi(a)
	total, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || start < 0 || total < -1 {
		return offsetCursor{}, invalid("Cursor", "%q is not a NextCursor from a previous page", clip(s))
	}
	return offsetCursor{start: start, total: total}, nil
}
