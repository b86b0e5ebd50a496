package canary

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// SearchTokensOptions filters Tokens.Search.
type SearchTokensOptions struct {
	// Query is a word-delimited prefix search on the token ID and memo.
	Query   string
	Kind    Kind
	FlockID string
	// Active limits the results to enabled (true) or disabled (false)
	// tokens; nil returns both.
	Active *bool
	Limit  int
	Cursor string
}

func (o *SearchTokensOptions) query(cursor string) (url.Values, error) {
	if cursor == "" {
		cursor = o.Cursor
	}
	if cursor != "" {
		return url.Values{"cursor": {cursor}}, nil
	}
	limit, err := pageLimit("Limit", o.Limit)
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limit}}
	if o.Query != "" {
		q.Set("search_string", o.Query)
	}
	if o.Kind != "" {
		q.Set("kind", string(o.Kind))
	}
	if o.FlockID != "" {
		q.Set("flock_id", o.FlockID)
	}
	if o.Active != nil {
		q.Set("active", strconv.FormatBool(*o.Active))
	}
	return q, nil
}

// Search returns one page of tokens matching opts (GET /canarytokens/search).
//
// Canary API docs: https://docs.canary.tools/canarytokens/queries.html#search-canarytokens
//
//meta:operation GET /api/v1/canarytokens/search
func (s *TokensService) Search(ctx context.Context, opts *SearchTokensOptions) (*Page[*Token], error) {
	var o SearchTokensOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query("")
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, s.client, "/canarytokens/search", q, decodeTokensPage, nil)
}

// SearchAll iterates over every token matching opts, page by page, like All.
//
// Canary API docs: https://docs.canary.tools/canarytokens/queries.html#search-canarytokens
//
//meta:operation GET /api/v1/canarytokens/search
func (s *TokensService) SearchAll(ctx context.Context, opts *SearchTokensOptions) iter.Seq2[*Token, error] {
	var o SearchTokensOptions
	if opts != nil {
		o = *opts
	}
	return listAll(ctx, s.client, "/canarytokens/search", o.query, decodeTokensPage)
}
