package canary

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncidentsSourceHistoryGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incidents/history/source", 200, "@incidents/history_source.json")
	h, err := f.c.Incidents.SourceHistory(context.Background(), "192.0.2.7", "flock:default")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"src_ip": {"192.0.2.7"}, "flock_id": {"flock:default"}}, (*calls)[0].Query)
	require.Len(t, h, 1)
	assert.Equal(t, &SourceIncident{Key: "<incident_key>", NodeID: "<node_id>", FlockID: "flock:default", Description: "SSH Login Attempt",
		SourceHost: "<source_ip>", DstPort: 22, Created: time.Unix(1586260659, 0).UTC()}, h[0])
}

func TestIncidentsSourceCountsGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incidents/search", 200, "@incidents/search_node_limit1.json")
	counts, err := f.c.Incidents.SourceCounts(context.Background(), &SearchIncidentsOptions{NodeID: "<node_id>", Limit: 50, Cursor: "ignored"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"<source_ip>": 8}, counts)
	assert.Equal(t, "1", (*calls)[0].Query.Get("limit"), "one incident is enough for the counts")
	assert.Empty(t, (*calls)[0].Query.Get("cursor"))
}

func TestIncidentsFetchOptions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incident/fetch", 200, "@incidents/fetch.json")
	ctx := context.Background()
	inc, err := f.c.Incidents.Fetch(ctx, FetchIncidentOptions{HashID: "abc", ExtendedDetails: true, TZ: "Europe/Berlin"})
	require.NoError(t, err)
	require.NotNil(t, inc)
	assert.Equal(t, url.Values{"hash_id": {"abc"}, "extended_details": {"true"}, "tz": {"Europe/Berlin"}}, (*calls)[0].Query)
	_, err = f.c.Incidents.Fetch(ctx, FetchIncidentOptions{Key: "k"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"incident": {"k"}}, (*calls)[1].Query)

	for name, o := range map[string]FetchIncidentOptions{
		"neither": {}, "both": {Key: "k", HashID: "h"}, "bad tz": {Key: "k", TZ: "Nowhere/Here"}, "key ctl": {Key: "a\nb"},
	} {
		_, err := f.c.Incidents.Fetch(ctx, o)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, name)
	}
	_, err = f.c.Incidents.SourceHistory(ctx, "not-an-ip", "")
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)
	assert.Len(t, *calls, 2, "validation happens before I/O")
}

func TestListIncidentsTZ(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incidents/all", 200, "@incidents/feed_all_limit1.json")
	ctx := context.Background()
	_, err := f.c.Incidents.List(ctx, &ListIncidentsOptions{TZ: "Europe/Berlin", Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", (*calls)[0].Query.Get("tz"))
	_, err = f.c.Incidents.List(ctx, &ListIncidentsOptions{TZ: "Europe/Berlin", Cursor: "c1"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"cursor": {"c1"}, "tz": {"Europe/Berlin"}}, (*calls)[1].Query, "tz goes with the cursor too")
	_, err = f.c.Incidents.List(ctx, &ListIncidentsOptions{TZ: "Atlantis/Central"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, *calls, 2)
}
