package canary

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuditTrailListGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/audit_trail/fetch", 200, "@audit_trail/fetch.json")
	p, err := f.c.AuditTrail.List(context.Background(), &AuditTrailOptions{ActionFilter: "user_login", Limit: 5,
		StartDate: time.Date(2020, 4, 1, 15, 0, 0, 0, time.UTC), EndDate: time.Date(2020, 4, 3, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"action_filter": {"user_login"}, "limit": {"5"}, "start_date": {"2020-04-01"}, "end_date": {"2020-04-03"}}, (*calls)[0].Query)
	require.Len(t, p.Items, 5)
	assert.Equal(t, "MDo2OTo1OjM6MjoxNQ==", p.NextCursor)
	assert.Equal(t, 15, p.TotalPages)
	assert.Equal(t, 1, p.PageNumber)
	e := p.Items[3]
	assert.Equal(t, int64(70), e.ID)
	assert.Equal(t, "device_schedule_reboot", e.ActionType)
	assert.Equal(t, "flock:default", e.FlockID)
	assert.Equal(t, time.Date(2020, 4, 2, 13, 14, 49, 0, time.UTC), e.Timestamp)
	assert.Empty(t, p.Items[0].FlockID, `"flock_id": null`)
	assert.Nil(t, p.Items[0].AdditionalInfo)
}

// auditPages serves a trail of n entries (IDs n..1, newest first) in pages
// of size, by cursor, and records every query.
func auditPages(t *testing.T, f *fixture, n, size int) *[]url.Values {
	var mu sync.Mutex
	var queries []url.Values
	f.mock.RegisterResponder("GET", testBase+"/audit_trail/fetch", func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		mu.Lock()
		queries = append(queries, q)
		mu.Unlock()
		start := 0
		if c := q.Get("cursor"); c != "" {
			_, err := fmtSscan(c, &start)
			require.NoError(t, err)
		}
		var items []map[string]any
		for i := start; i < min(start+size, n); i++ {
			items = append(items, map[string]any{"id": n - i, "action_type": "user_login", "timestamp": "2020-04-03 12:56:42 UTC+0000", "flock_id": nil})
		}
		var next any
		if start+size < n {
			next = itoa(start + size)
		}
		return httpmock.NewJsonResponse(200, map[string]any{"audit_trail": items, "cursor": map[string]any{"next": next, "prev": nil},
			"page_count": (n + size - 1) / size, "page_number": start/size + 1, "result": "success"})
	})
	return &queries
}

func TestAuditTrailAllPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	queries := auditPages(t, f, 12, 5)
	var ids []int64
	for e, err := range f.c.AuditTrail.All(context.Background(), &AuditTrailOptions{ActionFilter: "user_login", SearchTerm: "bob", AfterID: 3, Limit: 5}) {
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	assert.Equal(t, []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, ids)
	require.Len(t, *queries, 3)
	assert.Equal(t, url.Values{"action_filter": {"user_login"}, "search_term": {"bob"}, "after_id": {"3"}, "limit": {"5"}}, (*queries)[0])
	// Later pages resend the filters with the cursor, never limit or after_id.
	assert.Equal(t, url.Values{"action_filter": {"user_login"}, "search_term": {"bob"}, "cursor": {"5"}}, (*queries)[1])
	assert.Equal(t, url.Values{"action_filter": {"user_login"}, "search_term": {"bob"}, "cursor": {"10"}}, (*queries)[2])
}

func TestAuditTrailEmptyNull(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/audit_trail/fetch", 200, `{"audit_trail": null, "cursor": {"next": null, "prev": null}, "page_count": 0, "page_number": 1, "result": "success"}`)
	n := 0
	for _, err := range f.c.AuditTrail.All(context.Background(), nil) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)
}

func TestAuditTrailValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	day := time.Date(2020, 4, 3, 0, 0, 0, 0, time.UTC)
	for name, o := range map[string]*AuditTrailOptions{
		"after_id and cursor": {AfterID: 3, Cursor: "abc"},
		"limit and cursor":    {Limit: 5, Cursor: "abc"},
		"negative after_id":   {AfterID: -1},
		"limit too large":     {Limit: MaxPageSize + 1},
		"end before start":    {StartDate: day, EndDate: day.Add(-48 * time.Hour)},
		"bad tz":              {TZ: "Mars/Olympus"},
		"control chars":       {SearchTerm: "a\nb"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.c.AuditTrail.List(context.Background(), o)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			for _, err := range f.c.AuditTrail.All(context.Background(), o) {
				require.ErrorAs(t, err, &ve)
			}
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
