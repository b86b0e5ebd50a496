package audit

import (
	"context"
	"iter"

	"github.com/decoykit/decoykit/canary"
)

// Source is the data an audit reads: the Console's tokens and incidents as
// iterators. An audit ranges over Tokens once and then over Incidents once,
// and stops at the first error either yields. FromClient, FromJSON and
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

// failed is an iterator that yields err once.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
