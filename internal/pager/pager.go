// Package pager turns a "fetch one page by cursor" function into a lazy,
// re-rangeable iter.Seq2, the engine behind every All method.
package pager

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// Page is one page of items and the opaque cursor of the next page ("" at the
// end).
type Page[T any] struct {
	Items []T
	Next  string
}

// Fetch fetches the page at cursor; cursor is "" for the first page, which
// carries the caller's filters. Later pages must send only the cursor.
type Fetch[T any] func(ctx context.Context, cursor string) (Page[T], error)

// ErrRepeatedCursor is returned when the server hands back a cursor it has
// already given during the same iteration, which would otherwise loop forever.
var ErrRepeatedCursor = errors.New("pager: the server repeated a cursor; stopping to avoid an endless loop")

// All returns an iterator over every item of every page. It does no I/O until
// ranged over; each range starts again from the first page; a break stops
// fetching at once; an error (a failed page, a cancelled ctx, a repeated
// cursor) is yielded once, with the zero T, and ends the iteration.
func All[T any](ctx context.Context, fetch Fetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := make(map[string]struct{})
		cursor := ""
		for page := 1; ; page++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			p, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, fmt.Errorf("page %d: %w", page, err))
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			if _, dup := seen[p.Next]; dup || p.Next == cursor {
				yield(zero, ErrRepeatedCursor)
				return
			}
			seen[p.Next] = struct{}{}
			cursor = p.Next
		}
	}
}
