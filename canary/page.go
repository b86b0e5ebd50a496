package canary

import (
	"context"
	"iter"
	"net/url"

	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/decoykit/decoykit/internal/pager"
)

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

// nextCursor finds cursor.next in a page body without decoding the page.
func nextCursor(body []byte) (string, error) {
	cur, ok, err := jsonscan.Lookup(body, "cursor")
	if err != nil || !ok || string(cur) == "null" {
		return "", err
	}
	next, _, err := jsonscan.String(cur, "next")
	return next, err
}

// pipelinedList is the read-ahead iterator behind every All: query gives the
// query of the page at cursor ("" for the first page, with the filters),
// decode turns a fetched body into a page. Bad options are reported before
// any I/O, as the only item of the iterator.
func pipelinedList[T any](ctx context.Context, c *Client, path string,
	query func(cursor string) (url.Values, error),
	decode func(path string, body []byte) (pager.Page[T], error)) iter.Seq2[T, error] {
	if _, err := query(""); err != nil {
		return errSeq[T](err)
	}
	fetch := func(ctx context.Context, cursor string) ([]byte, error) {
		q, err := query(cursor)
		if err != nil {
			return nil, err
		}
		return c.getRaw(ctx, path, q)
	}
	return loopChecked(pager.Pipelined(ctx, fetch, pager.Codec[T]{
		Next:   nextCursor,
		Decode: func(body []byte) (pager.Page[T], error) { return decode(path, body) },
	}))
}

// errSeq is an iterator that yields err once.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
