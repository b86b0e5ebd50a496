package pager

import (
	"context"
	"fmt"
	"iter"
)

// RawFetch fetches the raw body of the page at cursor ("" for the first page).
type RawFetch func(ctx context.Context, cursor string) ([]byte, error)

// Codec reads a raw page: Next finds the next page's cursor cheaply (without
// decoding the items), Decode decodes the whole page. Decode's Page.Next is
// authoritative; Next is only used to start the next request early.
type Codec[T any] struct {
	Next   func(body []byte) (string, error)
	Decode func(body []byte) (Page[T], error)
}

type fetched struct {
	body []byte
	err  error
}

// Pipelined is All with one page of read-ahead: as soon as a page's body has
// arrived and its next cursor is found, the next page is requested, and the
// current page is decoded and yielded while that request is in flight. Order
// and exactly-once delivery are as in All; at most one page is fetched ahead;
// a break or a cancelled ctx cancels the request in flight and waits for it,
// so nothing is left running when the loop ends.
func Pipelined[T any](ctx context.Context, fetch RawFetch, codec Codec[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		ctx, cancel := context.WithCancel(ctx)
		var ahead chan fetched // the read-ahead in flight, if any
		defer func() {
			cancel()
			if ahead != nil {
				<-ahead // the request ends promptly once ctx is cancelled
			}
		}()
		start := func(cursor string) chan fetched {
			ch := make(chan fetched, 1)
			go func() {
				b, err := fetch(ctx, cursor)
				ch <- fetched{b, err}
			}()
			return ch
		}
		seen := make(map[string]struct{})
		cursor := ""
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		body, err := fetch(ctx, cursor)
		for page := 1; ; page++ {
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(zero, fmt.Errorf("page %d: %w", page, err))
				return
			}
			early := ""
			if n, nerr := codec.Next(body); nerr == nil && n != "" {
				if _, dup := seen[n]; !dup && n != cursor {
					early = n
					ahead = start(early)
				}
			}
			p, derr := codec.Decode(body)
			body = nil // let the page's bytes go while its items are yielded
			if derr != nil {
				yield(zero, fmt.Errorf("page %d: %w", page, derr))
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
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			if ahead != nil && early == p.Next {
				r := <-ahead
				ahead = nil
				body, err = r.body, r.err
				continue
			}
			if ahead != nil { // the cheap cursor disagreed with the decoded one
				<-ahead // wait for it: it shares ctx, so it cannot be cancelled alone
				ahead = nil
			}
			body, err = fetch(ctx, cursor)
		}
	}
}
