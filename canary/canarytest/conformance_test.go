package canarytest_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// conformanceServer has two tokens in two flocks, three incidents on the
// first (one 10 days old, two 1 hour old, one of those acknowledged) and one
// on the second, with the clock at t0.
func conformanceServer(t *testing.T, opts ...canarytest.Option) (*canarytest.Server, []canarytest.Incident) {
	t.Helper()
	srv := canarytest.NewServer(append([]canarytest.Option{canarytest.WithClock(func() time.Time { return t0 })}, opts...)...)
	t.Cleanup(srv.Close)
	a, err := srv.AddToken(canarytest.TokenSpec{Kind: "http", Memo: "web a", Created: t0.Add(-30 * 24 * time.Hour)})
	require.NoError(t, err)
	b, err := srv.AddToken(canarytest.TokenSpec{Kind: "dns", Memo: "dns b", FlockID: "flock:servers", Created: t0.Add(-30 * 24 * time.Hour)})
	require.NoError(t, err)
	var incs []canarytest.Incident
	for _, tr := range []struct {
		tok string
		src string
		at  time.Time
	}{{a.ID, "192.0.2.1", t0.Add(-10 * 24 * time.Hour)}, {a.ID, "192.0.2.2", t0.Add(-time.Hour)}, {a.ID, "192.0.2.3", t0.Add(-time.Hour)}, {b.ID, "192.0.2.4", t0.Add(-time.Hour)}} {
		inc, err := srv.TriggerAt(tr.tok, tr.src, tr.at)
		require.NoError(t, err)
		incs = append(incs, inc)
	}
	status, body := call(t, srv, http.MethodPost, "/incident/acknowledge", url.Values{"incident": {incs[2].Key}})
	require.Equal(t, http.StatusOK, status, body)
	return srv, incs
}

// TestBulkActionsTakeEveryDocumentedFilter is the regression test for
// finding 8: the docs make older_than, filter_str and filter_logtypes count
// as the one filter a bulk action needs, so the SDK's
// AcknowledgeMatching({OlderThan: ...}) must work against the fake.
func TestBulkActionsTakeEveryDocumentedFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter canary.BulkIncidentFilter
		want   []int // indexes of conformanceServer's incidents
	}{
		{"older_than alone", canary.BulkIncidentFilter{OlderThan: 24 * time.Hour}, []int{0}},
		{"filter_str alone", canary.BulkIncidentFilter{Query: "192.0.2.2"}, []int{1}},
		{"filter_logtypes alone", canary.BulkIncidentFilter{Logtypes: []string{"17000"}}, []int{0, 1, 2}},
		{"flock_id", canary.BulkIncidentFilter{FlockID: "flock:servers"}, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, incs := conformanceServer(t)
			keys, err := srv.Client().Incidents.AcknowledgeMatching(context.Background(), tt.filter)
			require.NoError(t, err)
			var want []string
			for _, i := range tt.want {
				want = append(want, incs[i].Key)
			}
			assert.ElementsMatch(t, want, keys)
			for _, inc := range srv.Incidents() {
				for _, k := range keys {
					if inc.Key == k {
						assert.True(t, inc.Acknowledged, inc.Key)
					}
				}
			}
		})
	}
}

// TestBulkActionsReportEveryMatch pins what the docs leave open: the keys
// a bulk action returns are those of every incident it matched, including
// one already in the requested state, not only those it changed.
func TestBulkActionsReportEveryMatch(t *testing.T) {
	t.Parallel()
	srv, incs := conformanceServer(t)
	keys, err := srv.Client().Incidents.AcknowledgeMatching(context.Background(), canary.BulkIncidentFilter{NodeID: incs[0].NodeID})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{incs[0].Key, incs[1].Key, incs[2].Key}, keys, "incs[2] was acknowledged already")
}

// TestTzSetsTheStdFields covers the feeds' and /incident/fetch's tz: it
// sets the time zone of the *_std fields, and only of those.
func TestTzSetsTheStdFields(t *testing.T) {
	t.Parallel()
	srv, incs := conformanceServer(t)
	// 2026-11-02 09:30 UTC is 10:30 in Berlin (CET, UTC+1).
	_, body := call(t, srv, http.MethodGet, "/incident/fetch", url.Values{"incident": {incs[1].Key}, "tz": {"Europe/Berlin"}})
	inc := body["incident"].(map[string]any)
	assert.Equal(t, "2026-11-02 09:30:00 UTC+0100", inc["created_std"])
	assert.Equal(t, "2026-11-02 09:30:00 UTC+0100", inc["events"].([]any)[0].(map[string]any)["timestamp_std"])
	assert.Equal(t, epochString(t0.Add(-time.Hour)), inc["created"], "created stays an epoch")

	_, body = call(t, srv, http.MethodGet, "/incidents/all", url.Values{"tz": {"America/New_York"}})
	items := body["incidents"].([]any)
	require.NotEmpty(t, items)
	d := items[0].(map[string]any)["description"].(map[string]any)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	created, err := strconv.ParseInt(d["created"].(string), 10, 64)
	require.NoError(t, err)
	assert.Equal(t, time.Unix(created, 0).In(ny).Format("2006-01-02 15:04:05 UTC-0700"), d["created_std"])
	assert.True(t, strings.HasSuffix(body["updated_std"].(string), "UTC-0500"), body["updated_std"]) // November: EST

	_, body = call(t, srv, http.MethodGet, "/incident/fetch", url.Values{"incident": {incs[1].Key}})
	assert.Equal(t, "2026-11-02 08:30:00 UTC+0000", body["incident"].(map[string]any)["created_std"], "UTC without tz")
}

func epochString(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// TestUnknownFlockIsRefusedOnCreate: the Console refuses a flock it does
// not have; WithFlocks and AddToken make flocks exist.
func TestUnknownFlockIsRefusedOnCreate(t *testing.T) {
	t.Parallel()
	srv, _ := conformanceServer(t, canarytest.WithFlocks("flock:declared"))
	c := srv.Client()
	ctx := context.Background()
	_, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "m", FlockID: "flock:nope"})
	require.ErrorIs(t, err, canary.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "Flock does not exist.")
	for _, flock := range []string{"", "flock:default", "flock:declared", "flock:servers"} {
		tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "m", FlockID: flock})
		require.NoError(t, err, flock)
		if flock != "" {
			assert.Equal(t, flock, tok.FlockID)
		}
	}
	assert.Panics(t, func() { canarytest.NewServer(canarytest.WithFlocks("servers")) })
}
