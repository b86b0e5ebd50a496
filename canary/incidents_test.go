package canary

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

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
			State: Unacknowledged, NodeID: "n1", FlockID: "flock:default", Since: 42,
			NewerThan: newer, OlderThan: older, EventLimit: 3, Shrink: &yes, Limit: 100,
		}, "/incidents/unacknowledged", map[string]string{
			"limit": "100", "node_id": "n1", "flock_id": "flock:default", "incidents_since": "42",
			"newer_than": "2026-01-02-02:04:05", "older_than": "2026-02-01-00:00:00", "event_limit": "3", "shrink": "true",
		}},
		{"acknowledged", &ListIncidentsOptions{State: Acknowledged}, "/incidents/acknowledged", map[string]string{"limit": "500"}},
		{"cursor only", &ListIncidentsOptions{Cursor: "abc", NodeID: "n1", Limit: 7, Since: 9}, "/incidents/all", map[string]string{"cursor": "abc"}},
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
