package audit

import (
	"context"
	"iter"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/auditview"
)

// Source is the data an audit reads: the Console's tokens and incidents as
// iterators. An audit ranges over Tokens once and then over Incidents once,
// and stops at the first error either yields. (FromClient's two listings
// overlap, and Full lists FromClient's incidents itself, the same ones
// Incidents yields, decoding only what it reads of each; any other Source is
// read one listing after the other.) FromClient, FromJSON and
// FromFiles make one; a test can implement it over slices.
type Source interface {
	// Tokens yields every token. An error ends the audit.
	Tokens(ctx context.Context) iter.Seq2[*canary.Token, error]
	// Incidents yields every incident, acknowledged or not. An error ends
	// the audit. It is not called by Coverage.
	Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error]
}

// sourcePageSize is the page size FromClient asks for: large pages mean few
// round trips, and an audit holds one page of incidents at a time.
const sourcePageSize = 1000

// FromClient returns a Source over a live Console: every token
// (c.Tokens.All) and every incident (c.Incidents.All, all states), fetched
// page by page as the audit consumes them.
func FromClient(c *canary.Client) Source { return clientSource{c} }

type clientSource struct{ c *canary.Client }

func (s clientSource) Tokens(ctx context.Context) iter.Seq2[*canary.Token, error] {
	if s.c == nil {
		return failed[*canary.Token](invalid("FromClient", "the client is nil; make one with canary.NewClient"))
	}
	return s.c.Tokens.All(ctx, &canary.ListTokensOptions{Limit: sourcePageSize})
}

func (s clientSource) Incidents(ctx context.Context) iter.Seq2[*canary.Incident, error] {
	if s.c == nil {
		return failed[*canary.Incident](invalid("FromClient", "the client is nil; make one with canary.NewClient"))
	}
	return s.c.Incidents.All(ctx, &canary.ListIncidentsOptions{State: canary.StateAll, Limit: sourcePageSize})
}

// incidentViews is Incidents as Full reads them: the same incidents, each
// decoded only as far as an audit reads it.
func (s clientSource) incidentViews(ctx context.Context) iter.Seq2[*auditview.Incident, error] {
	if s.c == nil {
		return failed[*auditview.Incident](invalid("FromClient", "the client is nil; make one with canary.NewClient"))
	}
	return auditview.Incidents(ctx, s.c, &canary.ListIncidentsOptions{State: canary.StateAll, Limit: sourcePageSize})
}

// viewSource is a Source that lists its incidents' views itself.
type viewSource interface {
	incidentViews(ctx context.Context) iter.Seq2[*auditview.Incident, error]
}

// overlapping is a Source whose reads may run at the same time (Tokens,
// Incidents and, for a BirdSource, Birds): Full then overlaps them.
type overlapping interface{ overlaps() }

func (clientSource) overlaps() {}

// Read-ahead bounds for an overlapped incident listing: batches of
// readAheadBatch incidents, at most incidentReadAhead of them waiting (one
// page of FromClient's), on top of the pages the client itself holds.
const (
	readAheadBatch    = 250
	incidentReadAhead = sourcePageSize
)

// readAhead ranges over an iterator in its own goroutine from the moment it
// is started, handing items over in batches through a bounded channel.
type readAhead[T any] struct {
	ch     chan []T
	err    error // set before ch is closed
	cancel context.CancelFunc
	done   chan struct{}
}

func startReadAhead[T any](ctx context.Context, seq iter.Seq2[T, error], batch, depth int) *readAhead[T] {
	ctx, cancel := context.WithCancel(ctx)
	r := &readAhead[T]{ch: make(chan []T, depth), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer close(r.ch)
		buf := make([]T, 0, batch)
		send := func() bool {
			select {
			case r.ch <- buf:
				buf = make([]T, 0, batch)
				return true
			case <-ctx.Done():
				return false
			}
		}
		for v, err := range seq {
			if err != nil {
				r.err = err
				break
			}
			if buf = append(buf, v); len(buf) == batch && !send() {
				return
			}
		}
		if len(buf) > 0 {
			send()
		}
	}()
	return r
}

// all yields what the iterator yielded, in order, and its error; it can be
// ranged over once. A cancelled ctx ends it with ctx's error.
func (r *readAhead[T]) all(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for b := range r.ch {
			for _, v := range b {
				if !yield(v, nil) {
					return
				}
			}
		}
		if r.err != nil {
			yield(zero, r.err)
		} else if err := ctx.Err(); err != nil {
			yield(zero, err)
		}
	}
}

// stop cancels the read-ahead and waits for its goroutine.
func (r *readAhead[T]) stop() {
	r.cancel()
	<-r.done
}

// startBirds fetches the devices and flocks in the background; the function
// it returns waits for them (and may be called more than once).
func startBirds(ctx context.Context, bs BirdSource) func() (*Birds, error) {
	var b *Birds
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, err = bs.Birds(ctx)
	}()
	return func() (*Birds, error) {
		<-done
		return b, err
	}
}

// failed is an iterator that yields err once.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
