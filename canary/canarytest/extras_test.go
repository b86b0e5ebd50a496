package canarytest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

func TestRedirectUpdateAndRemove(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	fast, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindFastRedirect, Memo: "m", BrowserRedirectURL: "https://www.example.com/a"})
	require.NoError(t, err)
	qr, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindQRCode, Memo: "m", BrowserRedirectURL: "https://www.example.com/q"})
	require.NoError(t, err)

	got, err := c.Tokens.UpdateRedirect(ctx, fast.ID, "https://www.example.com/b")
	require.NoError(t, err)
	assert.Equal(t, "https://www.example.com/b", got.BrowserRedirectURL)
	assert.Greater(t, got.UpdatedID, fast.UpdatedID)
	fetched, err := c.Tokens.Get(ctx, fast.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://www.example.com/b", fetched.BrowserRedirectURL)

	_, err = c.Tokens.RemoveRedirect(ctx, fast.ID)
	require.ErrorIs(t, err, canary.ErrInvalidRequest, "a fast-redirect needs its URL")
	got, err = c.Tokens.RemoveRedirect(ctx, qr.ID)
	require.NoError(t, err)
	assert.Empty(t, got.BrowserRedirectURL)
	_, err = c.Tokens.UpdateRedirect(ctx, "nope", "https://www.example.com/")
	require.ErrorIs(t, err, canary.ErrNotFound)
}

func TestDeleteByDomains(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	var onA []string
	for i, d := range []string{"a.example.com", "a.example.com", "b.example.com", ""} {
		tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "m", CustomDomain: d})
		require.NoError(t, err, i)
		if d == "a.example.com" {
			onA = append(onA, tok.ID)
		}
	}
	_, err := srv.Trigger(onA[0], "192.0.2.1")
	require.NoError(t, err)
	_, err = c.Tokens.DeleteByDomains(ctx, []string{"a.example.com"}, false)
	require.ErrorIs(t, err, canary.ErrInvalidRequest, "a token with incidents blocks the whole delete")
	assert.Len(t, srv.Tokens(), 4)
	n, err := c.Tokens.DeleteByDomains(ctx, []string{"a.example.com", "c.example.com"}, true)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Len(t, srv.Tokens(), 2)
	assert.Empty(t, srv.Incidents())
}

func TestRemoveS3(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	s3, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-s3", Memo: "m", Params: map[string]string{"s3_source_bucket": "src", "s3_log_bucket": "logs"}})
	require.NoError(t, err)
	dns, err := srv.AddToken(canarytest.TokenSpec{Kind: "dns", Memo: "m"})
	require.NoError(t, err)
	req := canary.RemoveS3Request{ID: s3.ID, AWSAccessKey: "AKIAEXAMPLE", AWSSecretKey: "aws-secret-for-test-0004", AWSRegion: "eu-west-1"}
	require.NoError(t, c.Tokens.RemoveS3(ctx, req))
	req.ID = dns.ID
	require.ErrorIs(t, c.Tokens.RemoveS3(ctx, req), canary.ErrInvalidRequest)
}

func TestSourceHistoryAndCounts(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	c := srv.Client()
	ctx := context.Background()
	want := map[string]int{}
	for _, inc := range srv.Incidents() {
		want[inc.SrcHost]++
	}
	counts, err := c.Incidents.SourceCounts(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, want, counts)

	h, err := c.Incidents.SourceHistory(ctx, "203.0.113.7", "")
	require.NoError(t, err)
	assert.Len(t, h, want["203.0.113.7"])
	for i := 1; i < len(h); i++ {
		assert.False(t, h[i].Created.Before(h[i-1].Created), "oldest first")
	}
	inc, err := c.Incidents.Fetch(ctx, canary.FetchIncidentOptions{Key: h[0].Key, ExtendedDetails: true, TZ: "Europe/Berlin"})
	require.NoError(t, err)
	assert.Equal(t, "203.0.113.7", inc.SourceHost)
	one, err := c.Incidents.SourceHistory(ctx, "203.0.113.7", h[0].FlockID)
	require.NoError(t, err)
	for _, x := range one {
		assert.Equal(t, h[0].FlockID, x.FlockID)
	}
	assert.Less(t, len(one), len(h), "the demo's roaming address hits tokens in several flocks")
}

func TestIncidentFeedTZKeepsInstants(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	c := srv.Client()
	ctx := context.Background()
	var utc, tokyo []*canary.Incident
	for inc, err := range c.Incidents.All(ctx, &canary.ListIncidentsOptions{Limit: 10}) {
		require.NoError(t, err)
		utc = append(utc, inc)
	}
	for inc, err := range c.Incidents.All(ctx, &canary.ListIncidentsOptions{Limit: 10, TZ: "Asia/Tokyo"}) {
		require.NoError(t, err)
		tokyo = append(tokyo, inc)
	}
	require.Len(t, tokyo, len(utc))
	for i := range utc {
		assert.True(t, utc[i].Created.Equal(tokyo[i].Created))
	}
	assert.Contains(t, string(tokyo[0].Raw), "UTC+0900", "the _std fields are in the asked zone on every page")
	assert.Contains(t, string(tokyo[len(tokyo)-1].Raw), "UTC+0900")
}
