package canary

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensSearch(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/canarytokens/search", 200, "@tokens/search.json")
	p, err := f.c.Tokens.Search(context.Background(), &SearchTokensOptions{Query: "web", Kind: KindHTTP, Active: Ptr(true), Limit: 20})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"search_string": {"web"}, "kind": {"http"}, "active": {"true"}, "limit": {"20"}}, (*calls)[0].Query)
	require.Len(t, p.Items, 1)
	assert.Equal(t, 2, p.Items[0].UnackedAlertCount)
	assert.Equal(t, 1, p.TotalResults)
	assert.Equal(t, 1, p.TotalPages)
	assert.Equal(t, 1, p.PageNumber)
	n := 0
	for _, err := range f.c.Tokens.SearchAll(context.Background(), &SearchTokensOptions{Query: "web"}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1, n)
}
