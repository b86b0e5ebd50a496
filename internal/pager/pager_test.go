package pager

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pages serves items 0..n-1 in pages of size, with cursors "c<start>".
func pages(n, size int, calls *[]string) Fetch[int] {
	return func(_ context.Context, cursor string) (Page[int], error) {
		*calls = append(*calls, cursor)
		start := 0
		if cursor != "" {
			_, _ = fmt.Sscanf(cursor, "c%d", &start)
		}
		var p Page[int]
		for i := start; i < n && i < start+size; i++ {
			p.Items = append(p.Items, i)
		}
		if start+size < n {
			p.Next = fmt.Sprintf("c%d", start+size)
		}
		return p, nil
	}
}

func TestAllFollowsEveryPageAndRestarts(t *testing.T) {
	t.Parallel()
	var calls []string
	seq := All(context.Background(), pages(7, 3, &calls))
	assert.Empty(t, calls, "no I/O before ranging")
	for range 2 {
		var got []int
		for v, err := range seq {
			require.NoError(t, err)
			got = append(got, v)
		}
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6}, got)
	}
	assert.Equal(t, []string{"", "c3", "c6", "", "c3", "c6"}, calls)
}

func TestAllBreakStopsFetching(t *testing.T) {
	t.Parallel()
	var calls []string
	for range All(context.Background(), pages(10, 3, &calls)) {
		break
	}
	assert.Equal(t, []string{""}, calls)
}

func TestAllYieldsErrorOnceAndStops(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	n := 0
	fetch := func(_ context.Context, cursor string) (Page[int], error) {
		n++
		if cursor == "" {
			return Page[int]{Items: []int{1}, Next: "x"}, nil
		}
		return Page[int]{}, boom
	}
	var errs []error
	var items []int
	for v, err := range All(context.Background(), fetch) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], boom)
	assert.Contains(t, errs[0].Error(), "page 2")
	assert.Equal(t, []int{1}, items)
	assert.Equal(t, 2, n)
}

func TestAllRefusesRepeatedCursor(t *testing.T) {
	t.Parallel()
	next := map[string]string{"": "a", "a": "b", "b": "a"}
	fetch := func(_ context.Context, cursor string) (Page[int], error) {
		return Page[int]{Items: []int{len(cursor)}, Next: next[cursor]}, nil
	}
	var last error
	count := 0
	for _, err := range All(context.Background(), fetch) {
		count++
		last = err
	}
	assert.ErrorIs(t, last, ErrRepeatedCursor)
	assert.Equal(t, 4, count) // three items, then the error
}

func TestAllStopsOnCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls []string
	var errs []error
	for _, err := range All(ctx, pages(10, 2, &calls)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cancel()
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Len(t, calls, 1)
}
