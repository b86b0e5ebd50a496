package canary

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/internal/pager"
)

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
	assert.Len(t, f.snapshot(), 1, "break after the first item fetches no more pages")
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
	assert.Len(t, f.snapshot(), 1)
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
