package canary

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncidentsBulkGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		path     string
		golden   string
		call     func(*Client, BulkIncidentFilter) ([]string, error)
		filter   BulkIncidentFilter
		wantForm url.Values
		wantKeys int
	}{
		{"acknowledge by node", http.MethodPost, "/incidents/acknowledge", "@incidents/bulk_acknowledge.json",
			func(c *Client, f BulkIncidentFilter) ([]string, error) {
				return c.Incidents.AcknowledgeMatching(context.Background(), f)
			},
			BulkIncidentFilter{NodeID: "EXAMPLE_NODE_ID"}, url.Values{"node_id": {"EXAMPLE_NODE_ID"}}, 7},
		{"unacknowledge by source and age", http.MethodPost, "/incidents/unacknowledge", "@incidents/bulk_unacknowledge.json",
			func(c *Client, f BulkIncidentFilter) ([]string, error) {
				return c.Incidents.UnacknowledgeMatching(context.Background(), f)
			},
			BulkIncidentFilter{SourceHost: "203.0.113.9", OlderThan: 48 * time.Hour, FlockID: "flock:default"},
			url.Values{"src_host": {"203.0.113.9"}, "older_than": {"2d"}, "flock_id": {"flock:default"}}, 7},
		{"delete with everything", http.MethodDelete, "/incidents/delete", "@incidents/bulk_delete.json",
			func(c *Client, f BulkIncidentFilter) ([]string, error) {
				return c.Incidents.DeleteMatching(context.Background(), f)
			},
			BulkIncidentFilter{NodeID: "n1", OlderThan: 14 * 24 * time.Hour, Query: "10.1.1.1", Logtypes: []string{"17000", "17012"}, IncludeUnacknowledged: true},
			url.Values{"node_id": {"n1"}, "older_than": {"2w"}, "filter_str": {"10.1.1.1"}, "filter_logtypes": {"17000,17012"}, "include_unacknowledged": {"true"}}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, tt.method, tt.path, 200, tt.golden)
			keys, err := tt.call(f.c, tt.filter)
			require.NoError(t, err)
			assert.Len(t, keys, tt.wantKeys)
			assert.Equal(t, "<incident_key>", keys[0])
			require.Len(t, *calls, 1)
			got := (*calls)[0].Form
			if tt.method == http.MethodDelete {
				got = (*calls)[0].Query
			}
			assert.Equal(t, tt.wantForm, got)
		})
	}
}

func TestIncidentsBulkValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		filter BulkIncidentFilter
		del    bool
		field  string
		reason string
	}{
		{"node and source host together", BulkIncidentFilter{NodeID: "n", SourceHost: "1.2.3.4"}, false, "SourceHost", "cannot be combined with NodeID"},
		{"node and source host on delete", BulkIncidentFilter{NodeID: "n", SourceHost: "1.2.3.4"}, true, "SourceHost", "cannot be combined"},
		{"empty filter", BulkIncidentFilter{}, false, "BulkIncidentFilter", "at least one"},
		{"empty filter on delete", BulkIncidentFilter{IncludeUnacknowledged: true}, true, "BulkIncidentFilter", "at least one"},
		{"include unacknowledged on ack", BulkIncidentFilter{NodeID: "n", IncludeUnacknowledged: true}, false, "IncludeUnacknowledged", "DeleteMatching only"},
		{"fractional hours", BulkIncidentFilter{OlderThan: 90 * time.Minute}, false, "OlderThan", "whole number of hours"},
		{"negative period", BulkIncidentFilter{OlderThan: -time.Hour}, true, "OlderThan", "whole number of hours"},
		{"bad logtype", BulkIncidentFilter{Logtypes: []string{"http"}}, false, "Logtypes", "not a log type"},
		{"control characters", BulkIncidentFilter{NodeID: "n\r\nX-Evil: 1"}, false, "NodeID", "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.del {
				_, err = f.c.Incidents.DeleteMatching(ctx, tt.filter)
			} else {
				_, err = f.c.Incidents.AcknowledgeMatching(ctx, tt.filter)
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Error(), tt.reason)
			assert.ErrorIs(t, err, ErrInvalidRequest)
		})
	}
	t.Cleanup(func() { assert.Zero(t, f.mock.GetTotalCallCount(), "validation happens before any request") })
}

func TestPeriod(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 5 * time.Hour: "5h", 24 * time.Hour: "1d", 36 * time.Hour: "36h", 7 * 24 * time.Hour: "1w", 21 * 24 * time.Hour: "3w", 10 * 24 * time.Hour: "10d",
	} {
		got, err := period(d)
		require.NoError(t, err)
		assert.Equal(t, want, got, d.String())
	}
}

func TestIncidentsBulkConsoleError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "POST", "/incidents/acknowledge", 200, `{"result":"error","message":"Parameter older_than was invalid."}`)
	_, err := f.c.Incidents.AcknowledgeMatching(context.Background(), BulkIncidentFilter{OlderThan: time.Hour})
	require.ErrorIs(t, err, ErrInvalidRequest)
	assert.Contains(t, err.Error(), "Parameter older_than was invalid.")
}
