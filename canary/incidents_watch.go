package canary

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/decoykit/decoykit/internal/rest"
)

// WatchOptions configures Incidents.Watch. The zero value watches every
// incident from the beginning, polling once a minute.
type WatchOptions struct {
	// Since is the checkpoint: only incidents with a higher updated_id are
	// delivered. Persist the UpdatedID of each incident once handled and
	// pass the last one here to resume after a restart without missing or
	// repeating anything. 0 starts from the beginning of the feed.
	Since int64
	// State picks the feed to watch; the zero value means StateAll.
	State IncidentState
	// NodeID and FlockID narrow the watch to one device or token, or one
	// flock.
	NodeID, FlockID string
	// Interval is the wait between polls once caught up (default 1 minute,
	// at least 1 second).
	Interval time.Duration
	// PageSize is the page size of each poll (default DefaultPageSize).
	PageSize int
	// MinBackoff and MaxBackoff bound the wait after a failed poll: a
	// jittered wait whose ceiling doubles from MinBackoff with each
	// consecutive failure, never less than MinBackoff/2 nor more than
	// MaxBackoff (defaults 5s and 5m), as the client's own retries wait. A
	// successful poll resets it. Failures that retrying cannot fix (a wrong
	// auth token, a rejected parameter) end Watch instead.
	MinBackoff, MaxBackoff time.Duration
	// Shrink removes duplicated entries from the incidents; nil means true,
	// the setting the Console's documentation recommends for polling.
	Shrink *bool
	// OnError, if set, is called for each failed poll with the error and the
	// wait before the next one.
	OnError func(err error, wait time.Duration)
}

const (
	defaultWatchInterval = time.Minute
	defaultMinBackoff    = 5 * time.Second
	defaultMaxBackoff    = 5 * time.Minute
)

func (o *WatchOptions) normalize() (WatchOptions, error) {
	var w WatchOptions
	if o != nil {
		w = *o
	}
	if w.Since < 0 {
		return w, invalid("Since", "must not be negative (it is an updated_id)")
	}
	if _, err := w.State.check("State"); err != nil {
		return w, err
	}
	if _, err := pageLimit("PageSize", w.PageSize); err != nil {
		return w, err
	}
	if w.Interval < 0 || w.MinBackoff < 0 || w.MaxBackoff < 0 {
		return w, invalid("Interval", "durations must not be negative")
	}
	if w.Interval == 0 {
		w.Interval = defaultWatchInterval
	}
	if w.Interval < time.Second {
		return w, invalid("Interval", "%v is too short; poll at most once a second", w.Interval)
	}
	if w.MinBackoff == 0 {
		w.MinBackoff = defaultMinBackoff
	}
	if w.MaxBackoff == 0 {
		w.MaxBackoff = max(defaultMaxBackoff, w.MinBackoff)
	}
	if w.MaxBackoff < w.MinBackoff {
		return w, invalid("MaxBackoff", "must not be less than MinBackoff")
	}
	return w, nil
}

// errHandler marks an error returned by the caller's handler.
type errHandler struct{ err error }

func (e errHandler) Error() string { return e.err.Error() }
func (e errHandler) Unwrap() error { return e.err }

// Watch polls the incident feed with incidents_since, follows every page,
// and calls handle once for each new or changed incident, in updated_id
// order, for SOAR-style pipelines (with shrink=true unless opts.Shrink says
// otherwise). It is the polling loop the Console's
// documentation recommends (newer_than can miss incidents; incidents_since
// cannot).
//
// Delivery is exactly once per (incident, updated_id) as long as the caller
// persists inc.UpdatedID after handle succeeds and resumes with it as
// opts.Since: the checkpoint only moves past an incident once handle has
// returned nil. An incident that changes later (acknowledged, new events)
// comes again with a higher UpdatedID. The Console sends the feed in
// ascending updated_id order; Watch sorts each page and skips anything at or
// below the checkpoint (an incident without an updated_id cannot be
// checkpointed and is skipped).
//
// Transient failures (network errors, HTTP 429 and 5xx, a malformed page)
// are retried with backoff, resuming from the checkpoint. Watch returns
// ctx.Err() when ctx ends, the handler's error (wrapped) when handle fails,
// or the error that retrying cannot fix (ErrUnauthorized, a
// *ValidationError, ...).
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#all-incidents
//
//meta:operation GET /api/v1/incidents/all
//meta:operation GET /api/v1/incidents/unacknowledged
//meta:operation GET /api/v1/incidents/acknowledged
func (s *IncidentsService) Watch(ctx context.Context, opts *WatchOptions, handle func(ctx context.Context, inc *Incident) error) error {
	if handle == nil {
		return invalid("handle", "must not be nil: it receives each incident")
	}
	o, err := opts.normalize()
	if err != nil {
		return err
	}
	checkpoint := o.Since
	failures := 0
	for {
		err := s.poll(ctx, &o, &checkpoint, handle)
		var he errHandler
		switch {
		case errors.As(err, &he):
			return he.err
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && !transient(err):
			return err
		}
		wait := o.Interval
		if err != nil {
			failures++
			wait = rest.Backoff(o.MinBackoff, o.MaxBackoff, failures)
			if o.OnError != nil {
				o.OnError(err, wait)
			}
		} else {
			failures = 0
		}
		if err := rest.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// poll runs one pass over the feed from *checkpoint, advancing it past each
// incident handled.
func (s *IncidentsService) poll(ctx context.Context, o *WatchOptions, checkpoint *int64, handle func(context.Context, *Incident) error) error {
	shrink := true
	if o.Shrink != nil {
		shrink = *o.Shrink
	}
	opts := ListIncidentsOptions{
		State: o.State, NodeID: o.NodeID, FlockID: o.FlockID, Since: *checkpoint, Limit: o.PageSize, Shrink: &shrink,
	}
	var page []*Incident
	var pageErr error
	flush := func() error {
		// Deliver one page in updated_id order; the Console sends pages in
		// ascending order, this guards the order within a page.
		slices.SortStableFunc(page, func(a, b *Incident) int { return cmp.Compare(a.UpdatedID, b.UpdatedID) })
		for _, inc := range page {
			if ctx.Err() != nil {
				break // stopped: the rest comes again after a restart
			}
			if inc.UpdatedID <= *checkpoint {
				continue // already delivered (or no updated_id at all)
			}
			if err := handle(ctx, inc); err != nil {
				return errHandler{fmt.Errorf("canary: watch: handling incident %s (updated_id %d): %w", inc.Key, inc.UpdatedID, err)}
			}
			*checkpoint = inc.UpdatedID
		}
		page = page[:0]
		return nil
	}
	// Pages are gathered from the iterator as they come: All yields a
	// page's items back to back, so a page boundary is where the next fetch
	// happens. Buffering at most PageSize incidents keeps memory flat.
	limit := o.PageSize
	if limit == 0 {
		limit = DefaultPageSize
	}
	for inc, err := range s.All(ctx, &opts) {
		if err != nil {
			pageErr = err
			break
		}
		page = append(page, inc)
		if len(page) >= limit {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pageErr
}

// transient reports whether a failed poll is worth retrying.
func transient(err error) bool {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Is(ErrServer) || ae.Is(ErrRateLimited) || ae.StatusCode == 408
	}
	return true // network errors, malformed pages, a repeated cursor
}
