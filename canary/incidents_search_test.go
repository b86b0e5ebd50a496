package canary

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncidentsSearchGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incidents/search", 200, "@incidents/search_node_limit1.json")
	page, err := f.c.Incidents.Search(context.Background(), &SearchIncidentsOptions{NodeID: "<node_id>", Limit: 1})
	require.NoError(t, err)
	require.Len(t, *calls, 1)
	assert.Equal(t, url.Values{"node_id": {"<node_id>"}, "limit": {"1"}, "filter_incident_state": {"all"}}, (*calls)[0].Query,
		"the zero State means all, so it is sent: the Console's own default is unacknowledged")

	assert.Equal(t, "Mzg6Mzk6MTY6MTowOjE6Mjo4", page.NextCursor)
	assert.Equal(t, 1, page.PageNumber)
	assert.Equal(t, 8, page.TotalPages)
	assert.Equal(t, 8, page.TotalResults)
	require.Len(t, page.Items, 1)
	inc := page.Items[0]
	assert.Equal(t, "<incident_key>", inc.Key)
	assert.Equal(t, "<hash_id>", inc.HashID)
	assert.Equal(t, "ModBus Request", inc.Description)
	assert.False(t, inc.Acknowledged)
	assert.Equal(t, time.Unix(1586262520, 0).UTC(), inc.Created)
	assert.Equal(t, time.Unix(1586262520, 0).UTC(), inc.Updated)
	assert.Equal(t, int64(39), inc.UpdatedID)
	assert.Equal(t, "18001", inc.Logtype)
	assert.False(t, inc.IsCanarytoken())
	assert.Equal(t, "flock:default", inc.FlockID)
	assert.Equal(t, 502, inc.DestPort)
	assert.Equal(t, 55378, inc.SourcePort)
	assert.Equal(t, "<source_hostname>", inc.SourceHostReverse)
	require.Len(t, inc.Events, 1, "logdata is read as the events")
	code, ok := inc.Events[0].Int("FUNC_CODE")
	assert.True(t, ok)
	assert.Equal(t, int64(17), code)
	assert.Equal(t, []string{"FUNC_CODE", "FUNC_NAME", "UNIT_ID"}, inc.Events[0].Keys())
	assert.Contains(t, string(inc.Raw), `"previously_seen_count": 9`, "unmodelled fields stay reachable")
}

func TestIncidentsSearchQuery(t *testing.T) {
	t.Parallel()
	newer := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		name string
		opts *SearchIncidentsOptions
		want url.Values
	}{
		{"nil means every state", nil, url.Values{"limit": {"500"}, "filter_incident_state": {"all"}}},
		{"unacknowledged", &SearchIncidentsOptions{State: StateUnacknowledged}, url.Values{"filter_incident_state": {"unacknowledged"}, "limit": {"500"}}},
		{"all filters", &SearchIncidentsOptions{
			Query: "10.0.0.5", Logtypes: []string{"17012", "3001"}, State: StateAll, NodeID: "n", FlockID: "flock:x",
			NewerThan: newer, Limit: 50,
		}, url.Values{
			"filter_str": {"10.0.0.5"}, "filter_logtypes": {"17012,3001"}, "filter_incident_state": {"all"},
			"node_id": {"n"}, "flock_id": {"flock:x"}, "newer_than": {"2026-03-04-05:06:07"}, "limit": {"50"},
		}},
		{"acknowledged", &SearchIncidentsOptions{State: StateAcknowledged}, url.Values{"filter_incident_state": {"acknowledged"}, "limit": {"500"}}},
		{"cursor keeps node_id like next_link", &SearchIncidentsOptions{Cursor: "c1", NodeID: "n", Query: "x", Limit: 9},
			url.Values{"cursor": {"c1"}, "node_id": {"n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, "GET", "/incidents/search", 200, `{"result":"success","incidents":[],"cursor":{"next":null}}`)
			_, err := f.c.Incidents.Search(context.Background(), tt.opts)
			require.NoError(t, err)
			require.Len(t, *calls, 1)
			assert.Equal(t, tt.want, (*calls)[0].Query)
		})
	}
}

func TestIncidentsSearchAllPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	page1 := `{"result":"success","incidents":[{"key":"k1","updated_id":1}],"cursor":{"next":"c2"},"page_number":1,"total_pages":2}`
	page2 := `{"result":"success","incidents":[{"key":"k2","updated_id":2}],"cursor":{"next":null},"page_number":2,"total_pages":2}`
	var queries []url.Values
	f.mock.RegisterResponder("GET", testBase+"/incidents/search", func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.Query())
		if r.URL.Query().Get("cursor") == "c2" {
			return httpmock.NewStringResponse(200, page2), nil
		}
		return httpmock.NewStringResponse(200, page1), nil
	})
	var keys []string
	for inc, err := range f.c.Incidents.SearchAll(context.Background(), &SearchIncidentsOptions{Query: "x"}) {
		require.NoError(t, err)
		keys = append(keys, inc.Key)
	}
	assert.Equal(t, []string{"k1", "k2"}, keys)
	require.Len(t, queries, 2)
	assert.Equal(t, url.Values{"cursor": {"c2"}}, queries[1])
}

func TestIncidentsSearchValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for name, opts := range map[string]*SearchIncidentsOptions{
		"State":    {State: "closed"},
		"Logtypes": {Logtypes: []string{"17012", "aws-id"}},
		"Limit":    {Limit: MaxPageSize + 1},
	} {
		_, err := f.c.Incidents.Search(context.Background(), opts)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, name, ve.Field)
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
