package canary

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/internal/lenient"
)

// TokensService manages Canarytokens: the endpoints under /canarytoken and
// /canarytokens.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html and
// https://docs.canary.tools/canarytokens/queries.html
type TokensService service

// Kinds returns the kinds this Console can create, with its descriptions
// (GET /canarytokens/list).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#list-kinds-of-canarytokens
//
//meta:operation GET /api/v1/canarytokens/list
func (s *TokensService) Kinds(ctx context.Context) (map[Kind]string, error) {
	var out struct {
		envelope
		Kinds map[string]lenient.String `json:"canarytokens"`
	}
	if err := s.client.get(ctx, "/canarytokens/list", nil, &out); err != nil {
		return nil, err
	}
	kinds := make(map[Kind]string, len(out.Kinds))
	for k, d := range out.Kinds {
		kinds[Kind(k)] = string(d)
	}
	return kinds, nil
}

// Get fetches one token by its ID, the token code (GET /canarytoken/fetch).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#fetch-a-canarytoken
//
//meta:operation GET /api/v1/canarytoken/fetch
func (s *TokensService) Get(ctx context.Context, id string) (*Token, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Token *Token `json:"token"`
	}
	if err := s.client.get(ctx, "/canarytoken/fetch", url.Values{"canarytoken": {id}}, &out); err != nil {
		return nil, err
	}
	if out.Token == nil {
		return nil, malformed("GET", "/canarytoken/fetch", `no "token" object in the response`)
	}
	return out.Token, nil
}

// ListTokensOptions filters and pages Tokens.List and Tokens.All.
type ListTokensOptions struct {
	// FlockID limits the list to one flock, e.g. "flock:default".
	FlockID string
	// Limit is the page size (default DefaultPageSize).
	Limit int
	// Cursor continues from a previous page's NextCursor. When set, only the
	// cursor is sent: the Console keeps the filters in it.
	Cursor string
}

// tokenPageWire is the body of /canarytokens/paginate and /canarytokens/search.
type tokenPageWire struct {
	envelope
	Tokens       []*Token    `json:"canarytokens"`
	Cursor       *cursorWire `json:"cursor"`
	PageNum      lenient.Int `json:"page_num"`
	PageTotal    lenient.Int `json:"page_total"`
	PageNumber   lenient.Int `json:"page_number"`
	TotalPages   lenient.Int `json:"total_pages"`
	TotalResults lenient.Int `json:"total_results"`
}

func (w *tokenPageWire) page() *Page[*Token] {
	p := &Page[*Token]{
		Items:      make([]*Token, 0, len(w.Tokens)),
		NextCursor: w.Cursor.next(), PrevCursor: w.Cursor.prev(),
		PageNumber: int(max(w.PageNum, w.PageNumber)), TotalPages: int(max(w.PageTotal, w.TotalPages)),
		TotalResults: int(w.TotalResults),
	}
	for _, t := range w.Tokens {
		// Factory endpoint entries carry no token code; they are not tokens.
		if t != nil && t.ID != "" {
			p.Items = append(p.Items, t)
		}
	}
	return p
}

func pageLimit(field string, limit int) (string, error) {
	if limit < 0 || limit > MaxPageSize {
		return "", invalid(field, "must be between 1 and %d (0 means %d)", MaxPageSize, DefaultPageSize)
	}
	if limit == 0 {
		limit = DefaultPageSize
	}
	return strconv.Itoa(limit), nil
}

// query returns the query of the page at cursor: the filters and limit on
// the first page, only the cursor after that.
func (o *ListTokensOptions) query(cursor string) (url.Values, error) {
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
	if o.FlockID != "" {
		q.Set("flock_id", o.FlockID)
	}
	return q, nil
}

// List returns one page of tokens (GET /canarytokens/paginate).
//
// Canary API docs: https://docs.canary.tools/canarytokens/queries.html#paginate-canarytokens
//
//meta:operation GET /api/v1/canarytokens/paginate
func (s *TokensService) List(ctx context.Context, opts *ListTokensOptions) (*Page[*Token], error) {
	var o ListTokensOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query("")
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, s.client, "/canarytokens/paginate", q, decodeTokensPage, nil)
}

// All iterates over every token, fetching pages lazily as the loop advances:
// the next page is requested as soon as its cursor is known, and pages are
// decoded in the background while the loop handles the previous one (two
// pages ahead of the loop at most). A page's tokens are yielded only once it
// has decoded whole, so a page cut short and fetched again yields each token
// once. Each range starts from the first page; break cancels what is in
// flight and stops fetching; an error is yielded once and ends the loop.
//
// Canary API docs: https://docs.canary.tools/canarytokens/queries.html#paginate-canarytokens
//
//meta:operation GET /api/v1/canarytokens/paginate
func (s *TokensService) All(ctx context.Context, opts *ListTokensOptions) iter.Seq2[*Token, error] {
	var o ListTokensOptions
	if opts != nil {
		o = *opts
	}
	return listAll(ctx, s.client, "/canarytokens/paginate", o.query, decodeTokensPage)
}

// Enable turns a token's alerts on (POST /canarytoken/enable).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#enable-canarytoken
//
//meta:operation POST /api/v1/canarytoken/enable
func (s *TokensService) Enable(ctx context.Context, id string) error {
	return s.action(ctx, "/canarytoken/enable", id)
}

// Disable turns a token's alerts off without deleting it
// (POST /canarytoken/disable).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#disable-canarytoken
//
//meta:operation POST /api/v1/canarytoken/disable
func (s *TokensService) Disable(ctx context.Context, id string) error {
	return s.action(ctx, "/canarytoken/disable", id)
}

func (s *TokensService) action(ctx context.Context, path, id string) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	return s.client.post(ctx, path, url.Values{"canarytoken": {id}}, true, nil)
}

// UpdateMemo replaces a token's memo, the reminder shown in its alerts
// (POST /canarytoken/update).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#update-canarytoken-memo
//
//meta:operation POST /api/v1/canarytoken/update
func (s *TokensService) UpdateMemo(ctx context.Context, id, memo string) (*Token, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := checkMemo(memo); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Token       *Token `json:"token"`
		Canarytoken *Token `json:"canarytoken"`
	}
	if err := s.client.post(ctx, "/canarytoken/update", url.Values{"canarytoken": {id}, "memo": {memo}}, true, &out); err != nil {
		return nil, err
	}
	if out.Token == nil {
		out.Token = out.Canarytoken
	}
	if out.Token == nil {
		return nil, malformed("POST", "/canarytoken/update", `no "token" object in the response`)
	}
	return out.Token, nil
}

// DeleteTokenOptions controls Tokens.Delete.
type DeleteTokenOptions struct {
	// ClearIncidents deletes the token's incidents with it. Without it the
	// Console refuses to delete a token that still has incidents.
	ClearIncidents bool
}

// Delete deletes a token (POST /canarytoken/delete).
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#delete-canarytoken
//
//meta:operation POST /api/v1/canarytoken/delete
func (s *TokensService) Delete(ctx context.Context, id string, opts *DeleteTokenOptions) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	form := url.Values{"canarytoken": {id}}
	if opts != nil && opts.ClearIncidents {
		form.Set("clear_incidents", "true")
	}
	return s.client.post(ctx, "/canarytoken/delete", form, false, nil)
}

func checkMemo(memo string) error {
	if strings.TrimSpace(memo) == "" {
		return invalid("Memo", "must not be empty: the memo is the reminder an alert shows (say where the token is planted)")
	}
	if n := len([]rune(memo)); n > maxMemoRunes {
		return invalid("Memo", "is %d characters; the Console accepts at most %d", n, maxMemoRunes)
	}
	return nil
}

const maxMemoRunes = 10000
