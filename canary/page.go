package canary

// Page is one page of a cursor-paginated list.
type Page[T any] struct {
	Items []T
	// NextCursor fetches the next page (pass it as the options' Cursor);
	// "" on the last page.
	NextCursor string
	// PrevCursor fetches the previous page, where the Console offers one.
	PrevCursor string
	// PageNumber, TotalPages and TotalResults are filled where the endpoint
	// reports them (0 otherwise).
	PageNumber, TotalPages, TotalResults int
}

// HasNext reports whether there is a page after this one.
func (p *Page[T]) HasNext() bool { return p.NextCursor != "" }

// DefaultPageSize is the page size List and All ask for when the options
// leave Limit at 0.
const DefaultPageSize = 500

// MaxPageSize is the largest Limit accepted.
const MaxPageSize = 5000

// cursorWire is the Console's cursor object.
type cursorWire struct {
	Next *string `json:"next"`
	Prev *string `json:"prev"`
	// next_link and prev_link carry the auth token in their query string;
	// they are deliberately not decoded.
}

func (c *cursorWire) next() string {
	if c == nil || c.Next == nil {
		return ""
	}
	return *c.Next
}

func (c *cursorWire) prev() string {
	if c == nil || c.Prev == nil {
		return ""
	}
	return *c.Prev
}
