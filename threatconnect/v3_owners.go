package threatconnect

import (
	"context"

	"github.com/decoykit/decoykit/internal/pager"
	"github.com/decoykit/decoykit/internal/rest"
)

// V3OwnersService lists owners through the v3 API.
type V3OwnersService service

// List returns every owner the API user can reach (following next links
// if the platform pages them).
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v3/owners/owners.html
//
//meta:operation GET /v3/security/owners
func (s *V3OwnersService) List(ctx context.Context) ([]*Owner, error) {
	segs := []string{"v3", "security", "owners"}
	var out []*Owner
	seen := map[string]bool{}
	for rq := ""; ; {
		var page []*Owner
		next, _, err := s.client.v3Page(ctx, segs, rq, &page)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" || len(page) == 0 {
			return out, nil
		}
		if seen[next] {
			return nil, errRepeatedNext("GET /v3/security/owners")
		}
		seen[next], rq = true, next
	}
}

// errRepeatedPage is a page that starts and ends like the one before it: a
// server that ignores resultStart, which would loop forever.
func errRepeatedPage() error {
	return &rest.KindError{Msg: "threatconnect: pagination loop: the server sent the same page again (it may ignore resultStart); stopped rather than loop for ever",
		Kind: ErrPaginationLoop, Err: pager.ErrRepeatedCursor}
}

// errRepeatedNext is a next link seen before in the same listing, which
// would loop forever.
func errRepeatedNext(where string) error {
	return &rest.KindError{Msg: "threatconnect: " + where + ": pagination loop: ThreatConnect repeated a next link; stopped rather than loop for ever",
		Kind: ErrPaginationLoop, Err: pager.ErrRepeatedCursor}
}
