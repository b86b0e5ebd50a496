package threatconnect

import (
	"context"
	"net/http"
)

// OwnersService lists owners (the v2 /owners endpoints).
type OwnersService service

// List returns every owner the API user can reach: its organization, and
// the communities and sources it belongs to.
func (s *OwnersService) List(ctx context.Context) ([]Owner, error) {
	var owners []Owner
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: []string{"v2", "owners"}}, "owner", &owners); err != nil {
		return nil, err
	}
	return owners, nil
}

// Mine returns the API user's own organization, the default owner of every
// call that names none.
func (s *OwnersService) Mine(ctx context.Context) (Owner, error) {
	var o Owner
	if _, err := s.client.doInto(ctx, call{method: http.MethodGet, segments: []string{"v2", "owners", "mine"}}, "owner", &o); err != nil {
		return Owner{}, err
	}
	return o, nil
}
