package threatconnect_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func TestPaginationOver2500(t *testing.T) {
	t.Parallel()
	srv, c, cnt := newFake(t)
	seed := make([]tctest.Indicator, 2500)
	for i := range seed {
		seed[i] = tctest.Indicator{Type: "Address", Summary: fmt.Sprintf("10.0.%d.%d", i/250, i%250), Rating: 3, Confidence: 70, Active: true}
	}
	srv.AddIndicators("Common Community", seed...)
	ctx := context.Background()

	tests := []struct {
		name      string
		limit     int
		typ       threatconnect.IndicatorType
		wantPages int64
	}{
		{"default page size (1000)", 0, "", 3},
		{"pages of 500, typed", 500, threatconnect.Address, 5},
		{"pages of 100", 100, "", 25},
		{"exact multiple: 2500 in one page", 2500, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: each subtest measures the shared counter.
			before := cnt.n.Load()
			seen := map[string]bool{}
			for ind, err := range c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community", Type: tt.typ, Limit: tt.limit}) {
				require.NoError(t, err)
				require.False(t, seen[ind.Summary], "duplicate %s", ind.Summary)
				seen[ind.Summary] = true
				assert.Equal(t, threatconnect.Address, ind.Type)
			}
			assert.Len(t, seen, 2500)
			t.Logf("2,500 indicators: %d HTTP requests", cnt.n.Load()-before)
			assert.Equal(t, tt.wantPages, cnt.n.Load()-before, "requests")
		})
	}

	t.Run("an instance that caps pages at 500 without saying so", func(t *testing.T) {
		capped, cc, ccnt := newFake(t, tctest.WithPageCap(500))
		capped.AddIndicators("", seed...)
		n := 0
		for _, err := range cc.Indicators.All(ctx, &threatconnect.ListOptions{Limit: 1000}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 2500, n, "short pages are not the end while the total is not reached")
		assert.Equal(t, int64(5), ccnt.n.Load())
	})

	t.Run("List pages by hand", func(t *testing.T) {
		opts := &threatconnect.ListOptions{Owner: "Common Community", Limit: 1000}
		p, err := c.Indicators.List(ctx, opts)
		require.NoError(t, err)
		assert.Len(t, p.Items, 1000)
		assert.Equal(t, 2500, p.TotalResults)
		require.True(t, p.HasNext())
		var pages, n int
		for {
			pages++
			n += len(p.Items)
			if !p.HasNext() {
				break
			}
			opts.Cursor = p.NextCursor
			p, err = c.Indicators.List(ctx, opts)
			require.NoError(t, err)
			assert.Equal(t, 2500, p.TotalResults, "the cursor carries the total the platform sends on the first page only")
		}
		assert.Equal(t, 3, pages)
		assert.Equal(t, 2500, n)
		assert.Len(t, p.Items, 500)
		assert.Empty(t, p.NextCursor)

		_, err = c.Indicators.List(ctx, &threatconnect.ListOptions{Cursor: "not a cursor"})
		var ve *threatconnect.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Cursor", ve.Field)
	})

	t.Run("break stops fetching; re-ranging starts over", func(t *testing.T) {
		seq := c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community", Limit: 100})
		before := cnt.n.Load()
		n := 0
		for _, err := range seq {
			require.NoError(t, err)
			if n++; n == 150 {
				break
			}
		}
		assert.Equal(t, int64(2), cnt.n.Load()-before)
		var first string
		for ind, err := range seq {
			require.NoError(t, err)
			first = ind.Summary
			break
		}
		assert.Equal(t, "10.0.0.0", first)
	})

	t.Run("filters", func(t *testing.T) {
		n := 0
		for ind, err := range c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community",
			Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterPrefix, Value: "10.0.3."}}}) {
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(ind.Summary, "10.0.3."))
			n++
		}
		assert.Equal(t, 250, n)
	})
}

func TestAllYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	seed := make([]tctest.Indicator, 30)
	for i := range seed {
		seed[i] = tctest.Indicator{Type: "Host", Summary: fmt.Sprintf("h%d.example", i), Active: true}
	}
	srv.AddIndicators("", seed...)
	ctx := context.Background()
	seq := c.Indicators.All(ctx, &threatconnect.ListOptions{Limit: 10})
	var items, errs int
	first := true
	for _, err := range seq {
		if first {
			srv.FailNext(http.StatusInternalServerError, "text/plain", "Could not find resource for relative : /v2/indicators")
			first = false
		}
		if err != nil {
			errs++
			assert.ErrorIs(t, err, threatconnect.ErrServer)
			assert.Contains(t, err.Error(), "page 2")
			continue
		}
		items++
	}
	assert.Equal(t, 10, items)
	assert.Equal(t, 1, errs)
}

// TestErrorEnvelopes checks how bodies map to errors at the wire level.

func TestListFilters(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	srv.AddIndicators("",
		tctest.Indicator{Type: "Host", Summary: "a.example", Rating: 1, Confidence: 10, Active: true},
		tctest.Indicator{Type: "Host", Summary: "b.example", Rating: 4, Confidence: 90, Active: true},
		tctest.Indicator{Type: "Address", Summary: "192.0.2.1", Rating: 5, Confidence: 20, Active: true},
		tctest.Indicator{Type: "Address", Summary: "192.0.2.2", Rating: 5, Confidence: 20, Active: false},
	)
	ctx := context.Background()
	tests := []struct {
		name string
		opts threatconnect.ListOptions
		want []string
	}{
		{"rating > 3", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "rating", Op: threatconnect.FilterGt, Value: "3"}}}, []string{"b.example", "192.0.2.1"}},
		{"rating > 3 AND confidence > 50", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "rating", Op: threatconnect.FilterGt, Value: "3"}, {Field: "confidence", Op: threatconnect.FilterGt, Value: "50"}}}, []string{"b.example"}},
		{"summary = a OR rating = 5", threatconnect.ListOptions{OrFilters: true, Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterEq, Value: "a.example"}, {Field: "rating", Op: threatconnect.FilterEq, Value: "5"}}}, []string{"a.example", "192.0.2.1"}},
		{"inactive on request", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "active", Op: threatconnect.FilterEq, Value: "false"}}}, []string{"192.0.2.2"}},
		{"one type", threatconnect.ListOptions{Type: threatconnect.Host}, []string{"a.example", "b.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for ind, err := range c.Indicators.All(ctx, &tt.opts) {
				require.NoError(t, err)
				got = append(got, ind.Summary)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
