package threatconnect

import (
	"context"
	"net/http"
)

// Owner is an organization, community or source.
type Owner struct {
	ID   int64  `json:"id"`   // the owner's ID
	Name string `json:"name"` // the name to pass as an Owner option
	Type string `json:"type"` // "Organization", "Community" or "Source"
}

// OwnersService lists owners (the v2 /owners endpoints).
type OwnersService service

// List returns every owner the API user can reach: its organization, and
// the communities and sources it belongs to.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/owners/owners.html
//
//meta:operation GET /v2/owners
func (s *OwnersService) List(ctx context.Context) ([]*Owner, error) {
	var owners []*Owner
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: []string{"v2", "owners"}}, "owner", &owners); err != nil {
		return nil, err
	}
	return owners, nil
}

// Mine returns the API user's own organization, the default owner of every
// call that names none.
//
// ThreatConnect API docs: https://docs.threatconnect.com/en/latest/rest_api/v2/owners/owners.html
//
//meta:operation GET /v2/owners/mine
func (s *OwnersService) Mine(ctx context.Context) (*Owner, error) {
	o := &Owner{}
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: []string{"v2", "owners", "mine"}}, "owner", o); err != nil {
		return nil, err
	}
	return o, nil
}
