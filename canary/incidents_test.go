package canary

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"net/url"
	"slices"

	"github.com/decoykit/decoykit/internal/pager"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncidentsListGoldenFeed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incidents/all", 200, "@incidents/feed_all_limit1.json")

	page, err := f.c.Incidents.List(context.Background(), &ListIncidentsOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, *calls, 1)
	assert.Equal(t, "1", (*calls)[0].Query.Get("limit"))
	assert.Equal(t, "MTE6MTA6MTQ0OjE6MjowOjI6NQ==", page.NextCursor)
	assert.Empty(t, page.PrevCursor)
	require.Len(t, page.Items, 1)

	inc := page.Items[0]
	assert.Equal(t, "<incident_key>", inc.Key)
	assert.Equal(t, "<hash_id>", inc.HashID)
	assert.Equal(t, "Canarytoken triggered", inc.Summary)
	assert.Equal(t, "Canarytoken triggered", inc.Description)
	assert.False(t, inc.Acknowledged)
	assert.Equal(t, time.Unix(1586249623, 0).UTC(), inc.Created)
	assert.Equal(t, time.Unix(1586249623, 0).UTC(), inc.Updated)
	assert.Equal(t, int64(10), inc.UpdatedID)
	assert.Equal(t, "17012", inc.Logtype)
	assert.True(t, inc.IsCanarytoken())
	assert.Equal(t, "<node_id>", inc.NodeID)
	assert.Equal(t, "Example Memo", inc.Memo)
	assert.Equal(t, 80, inc.DestPort)
	assert.Equal(t, 0, inc.SourcePort)
	assert.Equal(t, 1, inc.EventsCount)
	assert.False(t, inc.Notified)
	require.Len(t, inc.Events, 1)
	ev := inc.Events[0]
	assert.Equal(t, "aws-id", ev.Type)
	assert.Equal(t, time.Unix(1586249623, 0).UTC(), ev.Timestamp)
	tok, ok := ev.String("canarytoken")
	assert.True(t, ok)
	assert.Equal(t, "<token_code>", tok)
	port, ok := ev.Int("dst_port")
	assert.True(t, ok)
	assert.Equal(t, int64(80), port)
	var headers map[string]string
	require.NoError(t, ev.Decode("headers", &headers))
	assert.Equal(t, "gzip, deflate", headers["Accept-Encoding"])
	assert.Contains(t, string(inc.Raw), `"summary": "Canarytoken triggered"`)
}

func TestIncidentsListQuery(t *testing.T) {
	t.Parallel()
	newer := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	older := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	yes := true
	tests := []struct {
		name string
		opts *ListIncidentsOptions
		path string
		want map[string]string
	}{
		{"nil options", nil, "/incidents/all", map[string]string{"limit": "500"}},
		{"unacknowledged with filters", &ListIncidentsOptions{
			State: StateUnacknowledged, NodeID: "n1", FlockID: "flock:default", Since: 42,
			NewerThan: newer, OlderThan: older, EventLimit: 3, Shrink: &yes, Limit: 100,
		}, "/incidents/unacknowledged", map[string]string{
			"limit": "100", "node_id": "n1", "flock_id": "flock:default", "incidents_since": "42",
			"newer_than": "2026-01-02-02:04:05", "older_than": "2026-02-01-00:00:00", "event_limit": "3", "shrink": "true",
		}},
		{"acknowledged", &ListIncidentsOptions{State: StateAcknowledged}, "/incidents/acknowledged", map[string]string{"limit": "500"}},
		{"cursor only", &ListIncidentsOptions{Cursor: "abc", NodeID: "n1", Limit: 7, Since: 9}, "/incidents/all", map[string]string{"cursor": "abc"}},
		{"cursor keeps shrink like next_link", &ListIncidentsOptions{Cursor: "abc", Shrink: &yes, EventLimit: 2}, "/incidents/all", map[string]string{"cursor": "abc", "shrink": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, "GET", tt.path, 200, `{"result":"success","feed":"x","incidents":null}`)
			page, err := f.c.Incidents.List(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.Empty(t, page.Items)
			require.Len(t, *calls, 1)
			q := (*calls)[0].Query
			assert.Len(t, q, len(tt.want), "query %v", q)
			for k, v := range tt.want {
				assert.Equal(t, v, q.Get(k), k)
			}
		})
	}
}

func TestIncidentsValidationBeforeIO(t *testing.T) {
	t.Parallel()
	f := setup(t) // no responders: any request fails the test with a transport error
	ctx := context.Background()
	tests := []struct {
		name  string
		field string
		call  func() error
	}{
		{"bad state", "State", func() error {
			_, err := f.c.Incidents.List(ctx, &ListIncidentsOptions{State: "open"})
			return err
		}},
		{"negative limit", "Limit", func() error {
			_, err := f.c.Incidents.List(ctx, &ListIncidentsOptions{Limit: -1})
			return err
		}},
		{"negative since", "Since", func() error {
			_, err := f.c.Incidents.List(ctx, &ListIncidentsOptions{Since: -1})
			return err
		}},
		{"newer after older", "NewerThan", func() error {
			_, err := f.c.Incidents.List(ctx, &ListIncidentsOptions{NewerThan: time.Unix(200, 0), OlderThan: time.Unix(100, 0)})
			return err
		}},
		{"empty key get", "key", func() error { _, err := f.c.Incidents.Get(ctx, ""); return err }},
		{"blank key ack", "key", func() error { return f.c.Incidents.Acknowledge(ctx, "  ") }},
		{"empty key unack", "key", func() error { return f.c.Incidents.Unacknowledge(ctx, "") }},
		{"newline key delete", "key", func() error { return f.c.Incidents.Delete(ctx, "a\nb") }},
		{"empty hash", "hashID", func() error { _, err := f.c.Incidents.GetByHashID(ctx, ""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.True(t, errors.Is(err, ErrInvalidRequest))
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount(), "validation must happen before any request")
}

func TestIncidentActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		call   func(*Client) error
	}{
		{"acknowledge", http.MethodPost, "/incident/acknowledge", "@incidents/acknowledge.json",
			func(c *Client) error { return c.Incidents.Acknowledge(context.Background(), "<incident_key>") }},
		{"unacknowledge", http.MethodPost, "/incident/unacknowledge", "@incidents/unacknowledge.json",
			func(c *Client) error { return c.Incidents.Unacknowledge(context.Background(), "<incident_key>") }},
		{"delete", http.MethodDelete, "/incident/delete", "@incidents/delete.json",
			func(c *Client) error { return c.Incidents.Delete(context.Background(), "<incident_key>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, tt.method, tt.path, 200, tt.body)
			require.NoError(t, tt.call(f.c))
			require.Len(t, *calls, 1)
			got := (*calls)[0]
			params := got.Form
			if tt.method == http.MethodDelete {
				params = got.Query
			}
			assert.Equal(t, "<incident_key>", params.Get("incident"))
		})
	}
}

func TestIncidentActionNotFound(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "POST", "/incident/acknowledge", 200, `{"result":"error","message":"Incident not found"}`)
	err := f.c.Incidents.Acknowledge(context.Background(), "incident:nope")
	require.ErrorIs(t, err, ErrNotFound)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "Incident not found", ae.Message)
}

func TestIncidentsGetGoldenFetch(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incident/fetch", 200, "@incidents/fetch.json")
	inc, err := f.c.Incidents.Get(context.Background(), "<incident_key>")
	require.NoError(t, err)
	require.Len(t, *calls, 1)
	assert.Equal(t, "<incident_key>", (*calls)[0].Query.Get("incident"))

	assert.Equal(t, "<incident_key>", inc.Key)
	assert.Equal(t, "Telnet Login Attempt", inc.Description)
	assert.Equal(t, "6001", inc.Logtype)
	assert.Equal(t, time.Unix(1586260854, 0).UTC(), inc.Created)
	assert.Equal(t, 23, inc.DestPort)
	assert.Equal(t, 54968, inc.SourcePort)
	assert.Equal(t, 3, inc.EventsCount)
	assert.Equal(t, "<source_ip>", inc.SourceHost)
	assert.Equal(t, "<source_hostname>", inc.SourceHostReverse)
	require.Len(t, inc.Events, 1)
	user, ok := inc.Events[0].String("USERNAME")
	assert.True(t, ok)
	assert.Equal(t, "<username>", user)
	assert.Empty(t, inc.Events[0].Type)
}

func TestIncidentsGetByHashID(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/incident/fetch", 200, "@incidents/fetch.json")
	inc, err := f.c.Incidents.GetByHashID(context.Background(), "6e03471c0ab5905579e8dbd170a7ebb0")
	require.NoError(t, err)
	assert.Equal(t, "<incident_key>", inc.Key)
	assert.Equal(t, "6e03471c0ab5905579e8dbd170a7ebb0", (*calls)[0].Query.Get("hash_id"))
	assert.Empty(t, (*calls)[0].Query.Get("incident"))
}

// The docs' fetch example has a trailing comma (hand-edited JSON): a
// Console sending that gets a clear malformed-response error, not a panic
// or a half-filled incident.
func TestIncidentsGetDocsTrailingCommaIsMalformed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/incident/fetch", 200, "@incidents/fetch_docs_trailing_comma.json")
	inc, err := f.c.Incidents.Get(context.Background(), "<incident_key>")
	assert.Nil(t, inc)
	require.ErrorIs(t, err, ErrMalformedResponse)
	assert.Contains(t, err.Error(), "/incident/fetch")
}

func TestIncidentsGetMissingIncident(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/incident/fetch", 200, `{"result":"success"}`)
	_, err := f.c.Incidents.Get(context.Background(), "k")
	require.ErrorIs(t, err, ErrMalformedResponse)
}

func TestIncidentsListGoldenAcknowledgedDevice(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/incidents/acknowledged", 200, "@incidents/feed_acknowledged_limit1.json")
	page, err := f.c.Incidents.List(context.Background(), &ListIncidentsOptions{State: StateAcknowledged, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	inc := page.Items[0]
	assert.True(t, inc.Acknowledged, `"True" decodes as true`)
	assert.Equal(t, "ExampleBird", inc.Name)
	assert.Equal(t, "3001", inc.Logtype)
	assert.Equal(t, int64(142), inc.UpdatedID)
	assert.Equal(t, time.Unix(1586338742, 0).UTC(), inc.Created)
	assert.Equal(t, time.Unix(1586343309, 0).UTC(), inc.Updated)
	resp, ok := inc.Events[0].Int("RESPONSE")
	assert.True(t, ok)
	assert.Equal(t, int64(200), resp)
	skin, _ := inc.Events[0].String("SKIN")
	assert.Equal(t, "nasLogin", skin)
	_, ok = inc.Events[0].String("missing")
	assert.False(t, ok)
	assert.Error(t, inc.Events[0].Decode("missing", new(string)))
}

func TestIncidentsListNullIncidents(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/incidents/all", 200, "@incidents/feed_null_incidents.json")
	page, err := f.c.Incidents.List(context.Background(), nil)
	require.NoError(t, err)
	assert.NotNil(t, page.Items)
	assert.Empty(t, page.Items)
	assert.False(t, page.HasNext())
}

func TestIncidentDecodeDrift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, inc *Incident)
	}{
		{"numbers as ints and bools as bools", `{"id":"k","acknowledged":true,"created":1586249623,"dst_port":80,"events_count":2,"notified":1}`,
			func(t *testing.T, inc *Incident) {
				assert.True(t, inc.Acknowledged)
				assert.True(t, inc.Notified)
				assert.Equal(t, 80, inc.DestPort)
				assert.Equal(t, 2, inc.EventsCount)
				assert.Equal(t, int64(1586249623), inc.Created.Unix())
			}},
		{"fractional epoch and garbage port", `{"id":"k","created":"1586249510.069870","dst_port":"N/A","src_port":null}`,
			func(t *testing.T, inc *Incident) {
				assert.Equal(t, time.Unix(1586249510, 69870000).UTC(), inc.Created)
				assert.Zero(t, inc.DestPort)
			}},
		{"null events and odd event items", `{"id":"k","events":[null, 5, {"timestamp":"1586249623","type":"dns"}]}`,
			func(t *testing.T, inc *Incident) {
				require.Len(t, inc.Events, 3)
				assert.Nil(t, inc.Events[0].Fields)
				v, ok := inc.Events[1].String("value")
				assert.True(t, ok)
				assert.Equal(t, "5", v)
				assert.Equal(t, "dns", inc.Events[2].Type)
				assert.Equal(t, int64(1586249623), inc.Events[2].Timestamp.Unix())
			}},
		{"search key wins, incident_key fallback", `{"incident_key":"ik","hash_id":"h"}`,
			func(t *testing.T, inc *Incident) { assert.Equal(t, "ik", inc.Key) }},
		{"wrapper fields fill the nested object", `{"id":"outer","updated_id":"7","updated_time":"1586249623","description":{"description":"x","logtype":"17000"}}`,
			func(t *testing.T, inc *Incident) {
				assert.Equal(t, "outer", inc.Key)
				assert.Equal(t, int64(7), inc.UpdatedID)
				assert.Equal(t, "x", inc.Description)
				assert.True(t, inc.IsCanarytoken())
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var inc Incident
			require.NoError(t, json.Unmarshal([]byte(tt.in), &inc))
			tt.check(t, &inc)
		})
	}
	var inc Incident
	assert.Error(t, json.Unmarshal([]byte(`{"acknowledged":"perhaps"}`), &inc), "an unreadable boolean is an error")
	assert.Error(t, json.Unmarshal([]byte(`[1,2]`), &inc))
}

func TestIncidentJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"feed_all_limit1.json", "feed_acknowledged_limit1.json", "search_node_limit1.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var page incidentPageWire
			require.NoError(t, json.Unmarshal([]byte(golden(t, "incidents/"+name)), &page))
			require.Len(t, page.Incidents, 1)
			orig := page.Incidents[0]
			b, err := json.Marshal(orig)
			require.NoError(t, err)
			var back Incident
			require.NoError(t, json.Unmarshal(b, &back))
			// Event fields come back re-encoded (compacted): compare them as JSON.
			require.Len(t, back.Events, len(orig.Events))
			for i := range orig.Events {
				assert.Equal(t, orig.Events[i].Keys(), back.Events[i].Keys())
				for k, v := range orig.Events[i].Fields {
					assert.JSONEq(t, string(v), string(back.Events[i].Fields[k]), k)
				}
				assert.Equal(t, orig.Events[i].Timestamp, back.Events[i].Timestamp)
				assert.Equal(t, orig.Events[i].Type, back.Events[i].Type)
			}
			want, got := *orig, back
			want.Raw, got.Raw, want.Events, got.Events = nil, nil, nil, nil
			assert.Equal(t, want, got)
		})
	}
}

// collect ranges over seq, returning the updated_ids seen and the errors.
func collect(seq func(func(*Incident, error) bool)) (ids []int64, errs []error) {
	for inc, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, inc.UpdatedID)
	}
	return ids, errs
}

func seqIDs(from, to int64) []int64 {
	var ids []int64
	for i := from; i <= to; i++ {
		ids = append(ids, i)
	}
	return ids
}

func TestIncidentsAllFollowsEveryPageSendingOnlyTheCursor(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 7}
	c := feedClient(t, f)
	ids, errs := collect(c.Incidents.All(context.Background(), &ListIncidentsOptions{
		State: StateUnacknowledged, NodeID: "node1", FlockID: "flock:default", Since: 0, EventLimit: 2, Limit: 3,
	}))
	require.Empty(t, errs)
	assert.Equal(t, seqIDs(1, 7), ids)

	calls := f.snapshot()
	require.Len(t, calls, 3, "7 incidents in pages of 3")
	for _, c := range calls {
		assert.Equal(t, "/incidents/unacknowledged", c.Path)
		assert.NotContains(t, c.Query, "auth_token", "next_link is never followed")
	}
	assert.Equal(t, url.Values{"limit": {"3"}, "node_id": {"node1"}, "flock_id": {"flock:default"}, "event_limit": {"2"}}, calls[0].Query)
	assert.Equal(t, url.Values{"cursor": {fakeCursor(3, 3)}}, calls[1].Query)
	assert.Equal(t, url.Values{"cursor": {fakeCursor(6, 3)}}, calls[2].Query)
}

func TestIncidentsAllSecondRangeStartsOver(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 5}
	c := feedClient(t, f)
	seq := c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 2})
	assert.Empty(t, f.snapshot(), "All does no I/O until ranged over")

	first, errs := collect(seq)
	require.Empty(t, errs)
	second, errs := collect(seq)
	require.Empty(t, errs)
	assert.Equal(t, seqIDs(1, 5), first)
	assert.Equal(t, first, second)

	calls := f.snapshot()
	require.Len(t, calls, 6)
	assert.Equal(t, "2", calls[3].Query.Get("limit"), "the second range starts from the first page")
	assert.Empty(t, calls[3].Query.Get("cursor"))
}

func TestIncidentsAllBreakStopsFetching(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 50}
	c := feedClient(t, f)
	n := 0
	for inc, err := range c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 10}) {
		require.NoError(t, err)
		assert.Equal(t, int64(1), inc.UpdatedID)
		n++
		break
	}
	assert.Equal(t, 1, n)
	// The second page is requested as soon as the first page's cursor has
	// streamed in, and the third as soon as the second's has; a break
	// cancels them and fetches nothing more.
	assert.LessOrEqual(t, len(f.snapshot()), 3, "break after the first item fetches at most the two pages read ahead")
}

func TestIncidentsAllErrorMidStreamIsYieldedOnce(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 9, fail: func(call int, _ url.Values) int {
		if call == 2 {
			return http.StatusInternalServerError
		}
		return 0
	}}
	c := feedClient(t, f)
	var ids []int64
	var errs []error
	afterError := 0
	for inc, err := range c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 3}) {
		if len(errs) > 0 {
			afterError++
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, inc.UpdatedID)
	}
	assert.Equal(t, seqIDs(1, 3), ids)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.Zero(t, afterError, "nothing is yielded after the error")
	assert.ErrorIs(t, errs[0], ErrServer)
	var ae *APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)
	assert.Contains(t, errs[0].Error(), "page 2")
	assert.Len(t, f.snapshot(), 2, "no page is fetched after the failing one")
}

func TestIncidentsAllRefusesRepeatedCursor(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 100, repeatCursor: true}
	c := feedClient(t, f)
	ids, errs := collect(c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 4}))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], pager.ErrRepeatedCursor)
	// The fake's repeated cursor points at the start, so page 2 repeats
	// page 1; then the same cursor comes back and is refused.
	assert.Equal(t, append(seqIDs(1, 4), seqIDs(1, 4)...), ids)
	assert.Len(t, f.snapshot(), 2)
}

func TestIncidentsAllStopsOnCancelledContext(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 30}
	c := feedClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n := 0
	for _, err := range c.Incidents.All(ctx, &ListIncidentsOptions{Limit: 10}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		if n == 10 {
			cancel()
		}
	}
	assert.Equal(t, 10, n)
	require.Len(t, errs, 1)
	assert.True(t, errors.Is(errs[0], context.Canceled))
	// Pages 2 and 3 may have been requested ahead (page 2's cursor streams
	// in before page 1 is yielded); the cancel stops them and nothing more.
	assert.LessOrEqual(t, len(f.snapshot()), 3, "at most two pages are read ahead of the caller")
}

func TestIncidentsAllEmptyFeed(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 0}
	c := feedClient(t, f)
	ids, errs := collect(c.Incidents.All(context.Background(), nil))
	assert.Empty(t, ids)
	assert.Empty(t, errs)
	calls := f.snapshot()
	require.Len(t, calls, 1)
	assert.Equal(t, "/incidents/all", calls[0].Path)
	assert.Equal(t, "500", calls[0].Query.Get("limit"))
}

func TestIncidentsAllSinceSkipsOlder(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 12}
	c := feedClient(t, f)
	ids, errs := collect(c.Incidents.All(context.Background(), &ListIncidentsOptions{Since: 8, Limit: 3}))
	require.Empty(t, errs)
	assert.Equal(t, seqIDs(9, 12), ids)
	assert.Equal(t, "8", f.snapshot()[0].Query.Get("incidents_since"))
}

func TestIncidentsAllCarriesShrinkOnFollowUps(t *testing.T) {
	t.Parallel()
	f := &fakeFeed{n: 5}
	c := feedClient(t, f)
	yes := true
	ids, errs := collect(c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 2, Shrink: &yes, NodeID: "n"}))
	require.Empty(t, errs)
	assert.Equal(t, seqIDs(1, 5), ids)
	calls := f.snapshot()
	require.Len(t, calls, 3)
	assert.Equal(t, url.Values{"limit": {"2"}, "node_id": {"n"}, "shrink": {"true"}}, calls[0].Query)
	for _, c := range calls[1:] {
		assert.Equal(t, []string{"cursor", "shrink"}, sortedKeys(c.Query), "the filters stay in the cursor; shrink is repeated like next_link")
	}
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
