package canary

import (
	"context"
	"iter"
)

// Incidents iterates over the incidents of one Canarytoken. The Console has
// no per-token incident endpoint: a token's incidents are the feed's
// incidents for the token's node_id, so this fetches the token (GET
// /canarytoken/fetch) to learn its node_id, then ranges over Incidents.All
// with opts.NodeID set to it (opts may set State, Since, times, Limit; its
// NodeID is replaced). Errors, including an unknown token, are yielded once.
// When the *Token is at hand, skip the fetch: range over Incidents.All with
// NodeID set to its NodeID.
//
// Canary API docs: https://docs.canary.tools/incidents/queries.html#all-incidents
//
//meta:operation GET /api/v1/canarytoken/fetch
//meta:operation GET /api/v1/incidents/all
//meta:operation GET /api/v1/incidents/unacknowledged
//meta:operation GET /api/v1/incidents/acknowledged
func (s *TokensService) Incidents(ctx context.Context, id string, opts *ListIncidentsOptions) iter.Seq2[*Incident, error] {
	return func(yield func(*Incident, error) bool) {
		if err := requireID("id", id); err != nil {
			yield(nil, err)
			return
		}
		tok, err := s.Get(ctx, id)
		if err != nil {
			yield(nil, err)
			return
		}
		for inc, err := range s.incidentsOf(ctx, tok, opts) {
			if !yield(inc, err) || err != nil {
				return
			}
		}
	}
}

// incidentsOf iterates over the incidents of tok through its NodeID, like
// Incidents without fetching the token first.
func (s *TokensService) incidentsOf(ctx context.Context, tok *Token, opts *ListIncidentsOptions) iter.Seq2[*Incident, error] {
	var o ListIncidentsOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(*Incident, error) bool) {
		if tok == nil {
			yield(nil, invalid("tok", "must not be nil"))
			return
		}
		if tok.NodeID == "" {
			yield(nil, invalid("tok.NodeID", "token %q has no node_id; fetch it with Tokens.Get first", clip(tok.ID)))
			return
		}
		o.NodeID = tok.NodeID
		o.Cursor = ""
		for inc, err := range (*IncidentsService)(s).All(ctx, &o) {
			if !yield(inc, err) || err != nil {
				return
			}
		}
	}
}
