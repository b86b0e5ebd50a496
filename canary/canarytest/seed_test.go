package canarytest_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }
	seed := func(s uint64) ([]canarytest.Token, []canarytest.Incident) {
		srv := canarytest.NewServer(canarytest.WithSeed(s), canarytest.WithClock(clock))
		defer srv.Close()
		_, err := srv.Seed(canarytest.Estate{Tokens: 50, Incidents: 200, AcknowledgedFraction: 0.5, DisabledFraction: 0.2})
		require.NoError(t, err)
		return srv.Tokens(), srv.Incidents()
	}
	t1, i1 := seed(5)
	t2, i2 := seed(5)
	assert.Equal(t, t1, t2)
	assert.Equal(t, i1, i2)
	t3, _ := seed(6)
	assert.NotEqual(t, t1[0].ID, t3[0].ID)
}

func TestSeedMakesAMixedEstate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return now }))
	t.Cleanup(srv.Close)
	sum, err := srv.Seed(canarytest.Estate{Tokens: 300, Incidents: 1000, TriggeredTokens: 20,
		DisabledFraction: 0.1, AcknowledgedFraction: 0.25, Age: 100 * 24 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, 300, sum.Tokens)
	assert.Equal(t, 1000, sum.Incidents)
	assert.Len(t, sum.TokenIDs, 300)
	assert.InDelta(t, 30, sum.Disabled, 15)
	assert.InDelta(t, 250, sum.Acknowledged, 60)

	kinds := map[string]bool{}
	triggered := map[string]bool{}
	for _, tk := range srv.Tokens() {
		kinds[tk.Kind] = true
		assert.False(t, tk.Created.Before(now.Add(-100*24*time.Hour)))
		assert.True(t, tk.Created.Before(now))
		if tk.Incidents > 0 {
			triggered[tk.ID] = true
			assert.True(t, tk.Enabled, "disabled tokens raise no incidents")
		}
	}
	assert.Len(t, kinds, 29, "every kind /canarytoken/create accepts")
	assert.Len(t, triggered, 20)
	var last int64
	for _, inc := range srv.Incidents() {
		assert.Greater(t, inc.UpdatedID, last)
		last = inc.UpdatedID
		assert.True(t, inDocumentationRange(inc.SrcHost), "%s is not an RFC 5737 documentation address", inc.SrcHost)
	}
}

func TestSeedRejectsBadEstates(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	for _, e := range []canarytest.Estate{
		{Tokens: -1},
		{Tokens: 1, DisabledFraction: 2},
		{Tokens: 1, Kinds: []string{"gmail"}},
		{Tokens: 1, Kinds: []string{"web-bug"}},
		{Tokens: 1, Incidents: 1, SourceIPs: []string{"evil.example"}},
		{Incidents: 5},
		{Tokens: 3, Incidents: 5, DisabledFraction: 1},
	} {
		_, err := srv.Seed(e)
		assert.ErrorContains(t, err, "canarytest: Seed:")
	}
	assert.Empty(t, srv.Tokens())
}

func TestDemoEstate(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	sum, err := srv.Seed(canarytest.DemoEstate())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, sum.Tokens, 24, "dozens of tokens")
	assert.Positive(t, sum.Disabled)
	assert.Positive(t, sum.Acknowledged)
	assert.Less(t, sum.Acknowledged, sum.Incidents)

	kinds := map[canary.Kind]bool{}
	old := 0
	for _, tk := range srv.Tokens() {
		kinds[canary.Kind(tk.Kind)] = true
		if time.Since(tk.Created) > 180*24*time.Hour {
			old++
		}
	}
	assert.GreaterOrEqual(t, len(kinds), 15, "most kinds")
	var missing []canary.Kind
	for _, k := range canary.RecommendedKinds() {
		if !kinds[k] {
			missing = append(missing, k)
		}
	}
	assert.Equal(t, []canary.Kind{canary.KindQRCode, canary.KindWindowsDir}, missing, "coverage has gaps to report")
	assert.Positive(t, old, "some tokens are old")

	sources := map[string]bool{}
	for _, inc := range srv.Incidents() {
		sources[inc.SrcHost] = true
		ip := netip.MustParseAddr(inc.SrcHost)
		doc := false
		for _, p := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"} {
			doc = doc || netip.MustParsePrefix(p).Contains(ip)
		}
		assert.True(t, doc, "%s is in a documentation range", ip)
	}
	assert.GreaterOrEqual(t, len(sources), 3, "a handful of source IPs")

	// The SDK reads all of it.
	n := 0
	for _, err := range srv.Client().Incidents.All(context.Background(), nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, sum.Incidents, n)
}

func TestSeedAsOfKeepsKeysStableAcrossClocks(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	keys := func(clock time.Time) []string {
		srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return clock }))
		defer srv.Close()
		e := canarytest.DemoEstate()
		e.AsOf = asOf
		_, err := srv.Seed(e)
		require.NoError(t, err)
		var out []string
		for _, inc := range srv.Incidents() {
			out = append(out, inc.Key)
			assert.False(t, inc.Created.After(asOf))
		}
		return out
	}
	assert.Equal(t, keys(asOf.Add(3*time.Hour)), keys(asOf.Add(9*time.Hour)))
}

// inDocumentationRange reports whether ip is in one of the RFC 5737
// documentation ranges, where a seeded estate's default sources live.
func inDocumentationRange(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"} {
		if netip.MustParsePrefix(p).Contains(a) {
			return true
		}
	}
	return false
}
