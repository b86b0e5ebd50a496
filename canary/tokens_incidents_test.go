package canary

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensIncidentsUsesNodeID(t *testing.T) {
	t.Parallel()
	f := setup(t)
	fetches := f.on(t, "GET", "/canarytoken/fetch", 200, "@tokens/fetch.json")
	feed := f.on(t, "GET", "/incidents/all", 200, "@incidents/feed_all_limit1.json")
	// The golden page has a next cursor: the follow-up gets an empty last page.
	f.mock.RegisterResponderWithQuery("GET", testBase+"/incidents/all", map[string]string{"cursor": "MTE6MTA6MTQ0OjE6MjowOjI6NQ=="},
		func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, `{"result":"success","feed":"All Incidents","incidents":null,"cursor":{"next":null}}`), nil
		})

	var keys []string
	for inc, err := range f.c.Tokens.Incidents(context.Background(), "<token_code>", &ListIncidentsOptions{State: StateAll, NodeID: "ignored", Limit: 1}) {
		require.NoError(t, err)
		keys = append(keys, inc.Key)
		assert.Equal(t, "<node_id>", inc.NodeID)
	}
	assert.Equal(t, []string{"<incident_key>"}, keys)
	require.Len(t, *fetches, 1)
	assert.Equal(t, "<token_code>", (*fetches)[0].Query.Get("canarytoken"))
	require.Len(t, *feed, 1)
	assert.Equal(t, "<node_id>", (*feed)[0].Query.Get("node_id"), "the token's node_id replaces the option's")
	assert.Equal(t, "1", (*feed)[0].Query.Get("limit"))
}

func TestTokensIncidentsErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/canarytoken/fetch", 200, `{"result":"error","message":"Could not find the Canarytoken"}`)

	var errs []error
	for inc, err := range f.c.Tokens.Incidents(context.Background(), "missing", nil) {
		assert.Nil(t, inc)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrNotFound)

	tests := []struct {
		name  string
		seq   func(func(*Incident, error) bool)
		field string
	}{
		{"empty id", f.c.Tokens.Incidents(context.Background(), "", nil), "id"},
		{"nil token", f.c.Tokens.incidentsOf(context.Background(), nil, nil), "tok"},
		{"token without node_id", f.c.Tokens.incidentsOf(context.Background(), &Token{ID: "abc"}, nil), "tok.NodeID"},
	}
	for _, tt := range tests {
		n := 0
		for _, err := range tt.seq {
			n++
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, tt.name)
			assert.Equal(t, tt.field, ve.Field, tt.name)
		}
		assert.Equal(t, 1, n, tt.name)
	}
}
