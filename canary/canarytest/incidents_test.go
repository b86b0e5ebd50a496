package canarytest_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// fixedClock is a settable clock for WithClock.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

func TestIncidentShapesMatchTheDocumentedExamples(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	tok, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: "Example Memo"})
	require.NoError(t, err)
	inc, err := srv.Trigger(tok.ID, "203.0.113.5")
	require.NoError(t, err)
	_, err = srv.Trigger(tok.ID, "203.0.113.6") // so the first page has a next cursor
	require.NoError(t, err)

	status, feed := call(t, srv, http.MethodGet, "/incidents/all", url.Values{"limit": {"1"}})
	require.Equal(t, http.StatusOK, status)
	doc := readJSON(t, "../testdata/incidents/feed_all_limit1.json")
	sameShape(t, doc, feed, "feed")
	item := feed["incidents"].([]any)[0].(map[string]any)
	d := item["description"].(map[string]any)
	assert.Equal(t, "False", d["acknowledged"])
	assert.Equal(t, strconv.FormatInt(inc.Created.Unix(), 10), d["created"])
	assert.Equal(t, "17012", d["logtype"])
	assert.Equal(t, "Example Memo", d["memo"])
	assert.Equal(t, "203.0.113.5", d["src_host"])
	assert.Equal(t, tok.NodeID, d["node_id"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0000$`, d["created_std"])
	assert.Equal(t, inc.Key, item["id"])
	assert.Regexp(t, `^incident:canarytoken:[0-9a-f]{24}:203\.0\.113\.5:\d+$`, inc.Key)
	ev := d["events"].([]any)[0].(map[string]any)
	assert.Equal(t, tok.ID, ev["canarytoken"])
	assert.Equal(t, "aws-id", ev["type"])
	assert.Equal(t, item["updated_id"], feed["max_updated_id"])

	// The fetch shape is the description object, flattened, plus id.
	_, fetched := call(t, srv, http.MethodGet, "/incident/fetch", url.Values{"incident": {inc.Key}})
	flat := fetched["incident"].(map[string]any)
	sameShape(t, doc["incidents"].([]any)[0].(map[string]any)["description"], flat, "fetch")
	assert.Equal(t, inc.Key, flat["id"])
	assert.NotContains(t, flat, "summary")
	_, byHash := call(t, srv, http.MethodGet, "/incident/fetch", url.Values{"hash_id": {inc.HashID}})
	assert.Equal(t, fetched, byHash)

	// The search shape is flat, with logdata instead of events.
	_, found := call(t, srv, http.MethodGet, "/incidents/search", url.Values{"limit": {"5"}})
	s := found["incidents"].([]any)[0].(map[string]any)
	for _, k := range []string{"key", "incident_key", "hash_id", "flock_id", "created_age", "created_age_seconds", "created_printable", "events_list", "logdata", "previously_seen_count", "updated_id"} {
		assert.Contains(t, s, k)
	}
	assert.NotContains(t, s, "events")
	assert.Equal(t, map[string]any{"203.0.113.5": 1.0, "203.0.113.6": 1.0}, found["incident_source_counts"])
	assert.EqualValues(t, 2, found["total_results"])
}

func TestFeedPagingOnTheWire(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 20, Incidents: 95})
	require.NoError(t, err)

	// Without limit: one answer, no cursor.
	_, all := call(t, srv, http.MethodGet, "/incidents/all", nil)
	assert.Len(t, all["incidents"], 95)
	assert.NotContains(t, all, "cursor")
	assert.Equal(t, "All Incidents", all["feed"])

	since := srv.Incidents()[9].UpdatedID
	params := url.Values{"limit": {"20"}, "incidents_since": {strconv.FormatInt(since, 10)}}
	last, pages := since, 0
	var keys []string
	for {
		status, body := call(t, srv, http.MethodGet, "/incidents/all", params)
		require.Equal(t, http.StatusOK, status, "%v", body)
		pages++
		items := body["incidents"].([]any)
		for _, it := range items {
			id := int64(it.(map[string]any)["updated_id"].(float64))
			assert.Greater(t, id, last, "ascending updated_id")
			last = id
			keys = append(keys, it.(map[string]any)["id"].(string))
		}
		if len(items) > 0 {
			assert.EqualValues(t, last, body["max_updated_id"], "max_updated_id is the page's own")
		}
		next, _ := body["cursor"].(map[string]any)["next"].(string)
		if next == "" {
			break
		}
		params = url.Values{"cursor": {next}}
	}
	assert.Equal(t, 5, pages)
	assert.Len(t, keys, 85)

	_, empty := call(t, srv, http.MethodGet, "/incidents/all", url.Values{"incidents_since": {strconv.FormatInt(last, 10)}})
	assert.Empty(t, empty["incidents"])
	assert.NotContains(t, empty, "max_updated_id", "absent when the list is empty")
}

func TestFeedRejectsBadParameters(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithErrorsOnHTTP200())
	t.Cleanup(srv.Close)
	tests := []struct {
		path   string
		params url.Values
		msg    string
	}{
		{"/incidents/all", url.Values{"older_than": {"2024-01-01 00:00:00"}}, "Parameter older_than was invalid."},
		{"/incidents/all", url.Values{"newer_than": {"yesterday"}}, "Parameter newer_than was invalid."},
		{"/incidents/unacknowledged", url.Values{"incidents_since": {"x"}}, "Parameter incidents_since was invalid."},
		{"/incidents/all", url.Values{"limit": {"0"}}, "Parameter limit was invalid."},
		{"/incidents/all", url.Values{"cursor": {"!!"}}, "Parameter cursor was invalid."},
		{"/incidents/search", url.Values{"filter_incident_state": {"open"}}, "Parameter filter_incident_state was invalid."},
		{"/incidents/acknowledge", url.Values{"node_id": {"n"}, "src_host": {"192.0.2.1"}}, "Cannot use src_host and node_id together"},
		{"/incidents/acknowledge", url.Values{"flock_id": {"flock:default"}, "older_than": {"2024-01-01-00:00:00"}}, "Parameter older_than was invalid."},
		{"/incidents/acknowledge", url.Values{"include_unacknowledged": {"true"}}, "Missing required parameter: one of flock_id, node_id, src_host, older_than, filter_str or filter_logtypes"},
		{"/incidents/all", url.Values{"tz": {"Mars/Olympus_Mons"}}, "Parameter tz was invalid."},
		{"/incident/fetch", url.Values{"incident": {"incident:nope"}, "tz": {"Nowhere/Else"}}, "Parameter tz was invalid."},
		{"/incident/fetch", url.Values{"incident": {"incident:nope"}}, "Incident not found"},
		{"/incident/acknowledge", url.Values{}, "Missing required parameter incident"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.params.Encode(), func(t *testing.T) {
			t.Parallel()
			method := http.MethodGet
			if tt.path == "/incidents/acknowledge" || tt.path == "/incident/acknowledge" {
				method = http.MethodPost
			}
			status, body := call(t, srv, method, tt.path, tt.params)
			assert.Equal(t, http.StatusOK, status, "WithErrorsOnHTTP200")
			assert.Equal(t, map[string]any{"result": "error", "message": tt.msg}, body)
		})
	}
}

func TestSDKIncidentsAllPaginates10000(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	sum, err := srv.Seed(canarytest.Estate{Tokens: 2500, Incidents: 10000, AcknowledgedFraction: 0.3})
	require.NoError(t, err)
	c := srv.Client()
	ctx := context.Background()

	seen := make(map[string]int, 10000)
	var last int64
	unacked := 0
	for inc, err := range c.Incidents.All(ctx, &canary.ListIncidentsOptions{Limit: 500}) {
		require.NoError(t, err)
		seen[inc.Key]++
		require.Greater(t, inc.UpdatedID, last)
		last = inc.UpdatedID
		if !inc.Acknowledged {
			unacked++
		}
	}
	require.Len(t, seen, 10000)
	for _, inc := range srv.Incidents() {
		require.Equal(t, 1, seen[inc.Key])
	}
	assert.Equal(t, sum.Incidents-sum.Acknowledged, unacked)
	assert.InDelta(t, 3000, sum.Acknowledged, 300)
}

func TestSDKIncidentLifecycle(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	srv := canarytest.NewServer(canarytest.WithClock(clock.now))
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "wiki"})
	require.NoError(t, err)
	got, err := c.Tokens.Get(ctx, tok.ID)
	require.NoError(t, err)
	first, err := srv.Trigger(tok.ID, "198.51.100.7")
	require.NoError(t, err)
	clock.t = clock.t.Add(2 * time.Hour)
	second, err := srv.Trigger(tok.ID, "192.0.2.8")
	require.NoError(t, err)

	page, err := c.Incidents.List(ctx, &canary.ListIncidentsOptions{NodeID: got.NodeID})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	inc := page.Items[0]
	assert.Equal(t, first.Key, inc.Key)
	assert.Equal(t, "198.51.100.7", inc.SourceHost)
	assert.Equal(t, "wiki", inc.Memo)
	assert.Equal(t, "17000", inc.Logtype)
	assert.Equal(t, 80, inc.DestPort)
	assert.True(t, inc.IsCanarytoken())
	assert.Equal(t, clock.t.Add(-2*time.Hour), inc.Created)
	require.Len(t, inc.Events, 1)
	assert.Equal(t, "http", inc.Events[0].Type)

	// newer_than / older_than in yyyy-mm-dd-hh:mm:ss.
	page, err = c.Incidents.List(ctx, &canary.ListIncidentsOptions{NewerThan: clock.t.Add(-time.Hour)})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, second.Key, page.Items[0].Key)
	page, err = c.Incidents.List(ctx, &canary.ListIncidentsOptions{OlderThan: clock.t.Add(-time.Hour)})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, first.Key, page.Items[0].Key)

	// Acknowledge: a new updated_id, so an incidents_since poller sees it.
	maxID := second.UpdatedID
	require.NoError(t, c.Incidents.Acknowledge(ctx, first.Key))
	one, err := c.Incidents.Get(ctx, first.Key)
	require.NoError(t, err)
	assert.True(t, one.Acknowledged)
	page, err = c.Incidents.List(ctx, &canary.ListIncidentsOptions{Since: maxID})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, first.Key, page.Items[0].Key)
	assert.True(t, page.Items[0].Acknowledged)
	page, err = c.Incidents.List(ctx, &canary.ListIncidentsOptions{State: canary.StateUnacknowledged})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, second.Key, page.Items[0].Key)
	page, err = c.Incidents.List(ctx, &canary.ListIncidentsOptions{State: canary.StateAcknowledged})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)

	byHash, err := c.Incidents.GetByHashID(ctx, second.HashID)
	require.NoError(t, err)
	assert.Equal(t, second.Key, byHash.Key)

	require.NoError(t, c.Incidents.Unacknowledge(ctx, first.Key))
	tk, _ := srv.Token(tok.ID)
	assert.Equal(t, 2, tk.Unacknowledged)

	require.NoError(t, c.Incidents.Delete(ctx, first.Key))
	_, err = c.Incidents.Get(ctx, first.Key)
	assert.ErrorIs(t, err, canary.ErrNotFound)
	assert.ErrorContains(t, err, "Incident not found")
	assert.ErrorIs(t, c.Incidents.Acknowledge(ctx, first.Key), canary.ErrNotFound)
	require.Len(t, srv.Incidents(), 1)
}

func TestSDKBulkActions(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	srv := canarytest.NewServer(canarytest.WithClock(clock.now))
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	a, err := srv.AddToken(canarytest.TokenSpec{Kind: "dns", Memo: "a"})
	require.NoError(t, err)
	b, err := srv.AddToken(canarytest.TokenSpec{Kind: "http", Memo: "b"})
	require.NoError(t, err)
	old, err := srv.TriggerAt(a.ID, "203.0.113.1", clock.t.Add(-72*time.Hour))
	require.NoError(t, err)
	_, err = srv.Trigger(a.ID, "203.0.113.1")
	require.NoError(t, err)
	other, err := srv.Trigger(b.ID, "203.0.113.2")
	require.NoError(t, err)

	keys, err := c.Incidents.AcknowledgeMatching(ctx, canary.BulkIncidentFilter{SourceHost: "203.0.113.1", OlderThan: 48 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, []string{old.Key}, keys)

	keys, err = c.Incidents.AcknowledgeMatching(ctx, canary.BulkIncidentFilter{NodeID: a.NodeID})
	require.NoError(t, err)
	assert.Len(t, keys, 2)

	// Delete takes only acknowledged incidents unless told otherwise.
	keys, err = c.Incidents.DeleteMatching(ctx, canary.BulkIncidentFilter{FlockID: "flock:default"})
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	require.Len(t, srv.Incidents(), 1)
	assert.Equal(t, other.Key, srv.Incidents()[0].Key)

	keys, err = c.Incidents.UnacknowledgeMatching(ctx, canary.BulkIncidentFilter{FlockID: "flock:default"})
	require.NoError(t, err)
	assert.Equal(t, []string{other.Key}, keys)
	keys, err = c.Incidents.DeleteMatching(ctx, canary.BulkIncidentFilter{FlockID: "flock:default", IncludeUnacknowledged: true})
	require.NoError(t, err)
	assert.Equal(t, []string{other.Key}, keys)
	assert.Empty(t, srv.Incidents())
	tk, _ := srv.Token(a.ID)
	assert.Zero(t, tk.Incidents)
	require.NoError(t, c.Tokens.Delete(ctx, a.ID, nil), "with its incidents gone the token can be deleted")
}

func TestSDKIncidentSearch(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	a, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: "payroll keys"})
	require.NoError(t, err)
	b, err := srv.AddToken(canarytest.TokenSpec{Kind: "dns", Memo: "hosts file"})
	require.NoError(t, err)
	for range 3 {
		_, err = srv.Trigger(a.ID, "198.51.100.9")
		require.NoError(t, err)
	}
	acked, err := srv.Trigger(b.ID, "192.0.2.77")
	require.NoError(t, err)
	c := srv.Client()
	ctx := context.Background()
	require.NoError(t, c.Incidents.Acknowledge(ctx, acked.Key))

	tests := []struct {
		name string
		opts canary.SearchIncidentsOptions
		want int
	}{
		{"zero state means all", canary.SearchIncidentsOptions{}, 4},
		{"all", canary.SearchIncidentsOptions{State: canary.StateAll}, 4},
		{"unacknowledged", canary.SearchIncidentsOptions{State: canary.StateUnacknowledged}, 3},
		{"acknowledged", canary.SearchIncidentsOptions{State: canary.StateAcknowledged}, 1},
		{"query on memo", canary.SearchIncidentsOptions{State: canary.StateAll, Query: "payroll"}, 3},
		{"query on source", canary.SearchIncidentsOptions{State: canary.StateAll, Query: "192.0.2.77"}, 1},
		{"logtypes", canary.SearchIncidentsOptions{State: canary.StateAll, Logtypes: []string{"16000"}}, 1},
		{"paged", canary.SearchIncidentsOptions{State: canary.StateAll, Limit: 1}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := 0
			for inc, err := range c.Incidents.SearchAll(ctx, &tt.opts) {
				require.NoError(t, err)
				assert.NotEmpty(t, inc.Key)
				n++
			}
			assert.Equal(t, tt.want, n)
		})
	}
}

func TestEventLimit(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	tok, err := srv.AddToken(canarytest.TokenSpec{Kind: "http", Memo: "m"})
	require.NoError(t, err)
	_, err = srv.Trigger(tok.ID, "192.0.2.1")
	require.NoError(t, err)
	_, body := call(t, srv, http.MethodGet, "/incidents/all", url.Values{"event_limit": {"0"}})
	d := body["incidents"].([]any)[0].(map[string]any)["description"].(map[string]any)
	assert.Empty(t, d["events"])
	assert.Equal(t, "1", d["events_count"], "the count still says how many there are")
}

// With 20% of responses failing, Incidents.All still yields every
// incident exactly once.
func TestIncidentsAllUnderFaults(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithFaultRate(0.2), canarytest.WithSeed(11))
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 300, Incidents: 2000})
	require.NoError(t, err)
	seen := map[string]int{}
	for inc, err := range srv.Client().Incidents.All(context.Background(), &canary.ListIncidentsOptions{Limit: 25}) {
		require.NoError(t, err)
		seen[inc.Key]++
	}
	require.Len(t, seen, 2000)
	for k, n := range seen {
		require.Equal(t, 1, n, k)
	}
	assert.Greater(t, srv.Stats().Faults, int64(5))
}
