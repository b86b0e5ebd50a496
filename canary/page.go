package canary

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"sync"

	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/decoykit/decoykit/internal/pager"
	"github.com/decoykit/decoykit/internal/rest"
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

// The page path. Every listing call (List, Search, All, SearchAll of tokens
// and incidents) fetches a page with fetchPage: one GET through
// rest.Sender.Read, the body read as it streams in (watched for the cursor,
// see cursorWatch) and decoded in one pass by the fast decoders, which also
// check the envelope; what they cannot decode goes to encoding/json, which
// reports the error. A body cut short, like a 429/5xx, is retried by the
// sender (same page, same retry budget), and a page is handed on only once
// it has decoded whole, so each item is delivered exactly once.

// pageDecoder decodes a page body; status is the response's HTTP status.
type pageDecoder[T any] func(c *Client, r rest.Request, status int, body []byte) (*Page[T], error)

// fetchPage fetches and decodes the page at path and q. onCursor, if set, is
// called with the next page's cursor as soon as it has streamed in, before
// the rest of the body (possibly again if the request is retried).
func fetchPage[T any](ctx context.Context, c *Client, path string, q url.Values, decode pageDecoder[T], onCursor func(string)) (*Page[T], error) {
	r := rest.Request{Method: http.MethodGet, Path: path, Query: q}
	limit := c.sender.MaxBodyBytes()
	var page *Page[T]
	var derr error
	err := c.sender.Read(ctx, r, func(resp *http.Response) error {
		var w *cursorWatch
		if onCursor != nil {
			w = &cursorWatch{notify: onCursor}
		}
		body, err := readPage(resp.Body, resp.ContentLength, limit, w)
		if err != nil {
			return err
		}
		page, derr = decode(c, r, resp.StatusCode, body)
		if derr == nil { // an error may keep the body
			putPageBuf(body)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, c.mapError(r, err)
	case derr != nil:
		return nil, derr
	}
	return page, nil
}

// pageBufs recycles page bodies: the decoders copy what they keep (strings,
// Raw, event arenas), so a body is free once its page is decoded. This
// halves what the garbage collector has to chase on a long listing.
var pageBufs sync.Pool

const maxPooledPage = 16 << 20

func getPageBuf(size int) []byte {
	if b, ok := pageBufs.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

func putPageBuf(b []byte) {
	if cap(b) > 0 && cap(b) <= maxPooledPage {
		b = b[:0]
		pageBufs.Put(&b)
	}
}

// readPage reads a whole body of at most limit bytes, feeding what has
// arrived so far to w (if set) after every read.
func readPage(r io.Reader, contentLength, limit int64, w *cursorWatch) ([]byte, error) {
	size := 64 << 10
	if contentLength > 0 && contentLength < limit {
		size = int(contentLength) + 1 // +1: room to read the EOF without growing
	}
	buf := getPageBuf(size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			putPageBuf(buf)
			return nil, rest.ErrBodyTooLarge
		}
		if n > 0 && w != nil {
			w.feed(buf)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			putPageBuf(buf)
			return nil, err
		}
	}
}

// cursorWindow bounds where cursorWatch looks for the cursor: in the first
// 64 KiB of a body. A token page puts "canarytokens" before "cursor", and
// scanning its items only to find the cursor would cost as much as decoding.
const cursorWindow = 64 << 10

// cursorWatch finds the top-level "cursor" member of a page while the body
// is still arriving. The Console's documented incident pages sort their keys
// ("cursor" < "feed" < "incidents"), so the next cursor is known after the
// first few hundred bytes and the next request can go out while this page
// is still in transit. It is only a head start: the decoded page's cursor is
// authoritative, and a page that puts the cursor last just gets none.
//
// It scans with the decoders' scanner, from the start of the first member
// it has not yet stepped over; a member still incomplete is scanned again
// only once the unscanned part has doubled, so the whole watch costs a few
// passes over at most cursorWindow bytes, whatever the chunk sizes.
type cursorWatch struct {
	notify  func(next string)
	off     int // where the next top-level member starts (0: before '{')
	wait    int // scan again once this many bytes have arrived
	stopped bool
}

func (w *cursorWatch) feed(data []byte) {
	if w.stopped || len(data) < w.wait {
		return
	}
	full := len(data) >= cursorWindow
	data = data[:min(len(data), cursorWindow)]
	s := scanner{Scanner: jsonscan.Scanner{Data: data, Pos: w.off}}
	if w.off == 0 {
		switch s.Peek() {
		case 0:
			return
		case '{':
			s.Pos++
			w.off = s.Pos
		default:
			w.stopped = true
			return
		}
	}
	for {
		var err error
		if s.Peek() == 0 {
			err = errFast
		} else {
			var key []byte
			if key, err = s.Key(); err == nil {
				if isCursorName(key) {
					var c *cursorWire
					if c, err = s.cursor(nil); err == nil {
						w.stopped = true
						if n := c.next(); n != "" {
							w.notify(n)
						}
						return
					}
				} else {
					err = s.Skip()
				}
			}
		}
		if err == nil && s.Peek() == 0 {
			err = errFast
		}
		if err != nil { // incomplete so far, or not a page
			if full {
				w.stopped = true
			} else {
				w.wait = len(data) + max(256, len(data)-w.off)
			}
			return
		}
		if s.Data[s.Pos] != ',' {
			w.stopped = true // '}' (no cursor) or not JSON: nothing to find
			return
		}
		s.Pos++
		w.off = s.Pos
	}
}

func isCursorName(k []byte) bool {
	return string(k) == "cursor" || jsonscan.FoldLookup(k, cursorMember) == 0
}

var cursorMember = jsonscan.FoldedNames("cursor")

// listAll is the iterator behind every All and SearchAll. query gives the
// query of the page at cursor ("" for the first page, with the filters).
// Bad options are reported before any I/O, as the only item.
//
// Pages are fetched by a producer goroutine, each decoded in the goroutine
// that fetched it (on the second core, while the caller handles the
// previous page), and handed over whole. The next page is requested as soon
// as its cursor is known: while the current body is still arriving when the
// cursor comes first, else as soon as the page has decoded. At most one
// page is being fetched while one waits for the caller and the caller holds
// one, so memory stays a few pages whatever the listing's length. Order,
// exactly-once delivery, break (which cancels and waits for what is in
// flight) and ctx are as in pager.All; a repeated cursor ends the loop with
// ErrPaginationLoop.
func listAll[T any](ctx context.Context, c *Client, path string, query func(cursor string) (url.Values, error), decode pageDecoder[T]) iter.Seq2[T, error] {
	if _, err := query(""); err != nil {
		return errSeq[T](err)
	}
	l := &lister[T]{c: c, path: path, query: query, decode: decode}
	return loopChecked(func(yield func(T, error) bool) {
		var zero T
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		pctx, cancel := context.WithCancel(ctx)
		out := make(chan pageResult[T])
		done := make(chan struct{})
		go func() {
			defer close(done)
			l.produce(pctx, out)
		}()
		defer func() {
			cancel()
			<-done
		}()
		for r := range out {
			if r.err != nil {
				yield(zero, r.err)
				return
			}
			for _, it := range r.page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
		}
	})
}

type lister[T any] struct {
	c      *Client
	path   string
	query  func(cursor string) (url.Values, error)
	decode pageDecoder[T]
}

type pageResult[T any] struct {
	page *Page[T]
	err  error
}

// pageFetch is one page being fetched in its own goroutine.
type pageFetch[T any] struct {
	cursor string
	early  chan string // the next cursor, as soon as it has streamed in
	done   chan pageResult[T]
	cancel context.CancelFunc
}

func (l *lister[T]) start(ctx context.Context, cursor string) *pageFetch[T] {
	ctx, cancel := context.WithCancel(ctx)
	f := &pageFetch[T]{cursor: cursor, early: make(chan string, 1), done: make(chan pageResult[T], 1), cancel: cancel}
	go func() {
		defer cancel()
		q, err := l.query(cursor)
		if err != nil {
			f.done <- pageResult[T]{err: err}
			return
		}
		told := false
		p, err := fetchPage(ctx, l.c, l.path, q, l.decode, func(next string) {
			if !told {
				told = true
				f.early <- next
			}
		})
		f.done <- pageResult[T]{page: p, err: err}
	}()
	return f
}

// stop cancels a fetch and waits for its goroutine.
func (f *pageFetch[T]) stop() {
	if f != nil {
		f.cancel()
		<-f.done
	}
}

func (l *lister[T]) produce(ctx context.Context, out chan<- pageResult[T]) {
	defer close(out)
	send := func(r pageResult[T]) bool {
		select {
		case out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	seen := make(map[string]struct{})
	cursor := ""
	cur := l.start(ctx, cursor)
	var ahead *pageFetch[T]
	defer func() { cur.stop(); ahead.stop() }()
	for page := 1; ; page++ {
		var res pageResult[T]
		select {
		case early := <-cur.early:
			if _, dup := seen[early]; !dup && early != cursor {
				ahead = l.start(ctx, early)
			}
			res = <-cur.done
		case res = <-cur.done:
		}
		cur = nil
		if res.err != nil {
			if err := ctx.Err(); err != nil {
				res.err = err
			}
			send(pageResult[T]{err: fmt.Errorf("page %d: %w", page, res.err)})
			return
		}
		next := res.page.NextCursor
		if next == "" {
			send(res)
			return
		}
		if _, dup := seen[next]; dup || next == cursor {
			if send(res) {
				send(pageResult[T]{err: pager.ErrRepeatedCursor})
			}
			return
		}
		seen[next] = struct{}{}
		if ahead != nil && ahead.cursor == next {
			cur, ahead = ahead, nil
		} else {
			ahead.stop() // the streamed cursor was not the page's last word
			ahead = nil
			cur = l.start(ctx, next)
		}
		cursor = next
		if !send(res) {
			return
		}
	}
}

// errSeq is an iterator that yields err once.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// decodeTokensPage decodes a token page (/canarytokens/paginate, /canarytokens/search)
// with the fast decoder, which also reads the envelope; encoding/json
// decodes (and reports) what it gives up on or an error envelope.
func decodeTokensPage(c *Client, r rest.Request, status int, body []byte) (*Page[*Token], error) {
	var w tokenPageWire
	if decodeTokenPage(body, &w) != nil || w.Result == "" || w.Result == "error" {
		w = tokenPageWire{}
		// A local type of the same name keeps encoding/json's messages.
		type tokenPageWire tokenPageWireStd
		if err := c.decode(r, status, body, (*tokenPageWire)(&w)); err != nil {
			return nil, err
		}
	}
	return w.page(), nil
}

// decodeIncidentsPage decodes an incident page (the feeds, /incidents/search) as
// tokenPage does.
func decodeIncidentsPage(c *Client, r rest.Request, status int, body []byte) (*Page[*Incident], error) {
	if p, err := decodeIncidentPage(body); err == nil {
		return &Page[*Incident]{Items: p.Items, NextCursor: p.Next, PrevCursor: p.Prev,
			PageNumber: p.PageNumber, TotalPages: p.TotalPages, TotalResults: p.TotalResults}, nil
	}
	var w incidentPageWire
	type incidentPageWire incidentPageWireStd
	if err := c.decode(r, status, body, (*incidentPageWire)(&w)); err != nil {
		return nil, err
	}
	return w.page(), nil
}
