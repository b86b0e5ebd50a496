package canarytest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// With 20% of responses failing (429, 502, 503, 504, resets), the SDK's
// retries still deliver every token exactly once.
func TestTokensAllUnderFaults(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithFaultRate(0.2), canarytest.WithSeed(7))
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 1000})
	require.NoError(t, err)
	seen := map[string]int{}
	for tok, err := range srv.Client().Tokens.All(context.Background(), &canary.ListTokensOptions{Limit: 10}) {
		require.NoError(t, err)
		seen[tok.ID]++
	}
	require.Len(t, seen, 1000)
	for id, n := range seen {
		require.Equal(t, 1, n, id)
	}
	st := srv.Stats()
	assert.Greater(t, st.Faults, int64(10), "faults were injected (%+v)", st)
	assert.InDelta(t, 0.2, float64(st.Faults)/float64(st.Requests), 0.08)
}

func TestEachFaultKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault      canarytest.Fault
		wantStatus int
		wantErr    error
	}{
		{canarytest.FaultRateLimited, http.StatusTooManyRequests, canary.ErrRateLimited},
		{canarytest.FaultBadGateway, http.StatusBadGateway, canary.ErrServer},
		{canarytest.FaultUnavailable, http.StatusServiceUnavailable, canary.ErrServer},
		{canarytest.FaultGatewayTimeout, http.StatusGatewayTimeout, canary.ErrServer},
		{canarytest.FaultConnectionReset, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			t.Parallel()
			srv := canarytest.NewServer(canarytest.WithFaults(canarytest.Faults{Rate: 1, Kinds: []canarytest.Fault{tt.fault}}))
			t.Cleanup(srv.Close)
			err := srv.Client(canary.WithRetry(canary.RetryPolicy{MaxAttempts: 1})).Ping(context.Background())
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				var apiErr *canary.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantStatus, apiErr.StatusCode)
			} else {
				var apiErr *canary.APIError
				assert.NotErrorAs(t, err, &apiErr, "a reset is a transport error: %v", err)
			}
			assert.Equal(t, int64(1), srv.Stats().Faults)
		})
	}
}

func TestFaultsAreDeterministicAndPathScoped(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []bool {
		srv := canarytest.NewServer(canarytest.WithSeed(seed), canarytest.WithFaults(canarytest.Faults{
			Rate: 0.5, Kinds: []canarytest.Fault{canarytest.FaultUnavailable}, Paths: []string{"/ping"}}))
		defer srv.Close()
		c := srv.Client(canary.WithRetry(canary.RetryPolicy{MaxAttempts: 1}))
		var got []bool
		for range 40 {
			got = append(got, c.Ping(context.Background()) == nil)
			_, err := c.Tokens.Kinds(context.Background())
			require.NoError(t, err, "other paths are not touched")
		}
		return got
	}
	a, b := run(3), run(3)
	assert.Equal(t, a, b)
	assert.Contains(t, a, true)
	assert.Contains(t, a, false)
	assert.NotEqual(t, a, run(4))
}

func TestRetryAfterHeader(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithFaults(canarytest.Faults{Rate: 1, Kinds: []canarytest.Fault{canarytest.FaultRateLimited}, RetryAfter: 1500e6}))
	t.Cleanup(srv.Close)
	err := srv.Client(canary.WithRetry(canary.RetryPolicy{MaxAttempts: 1})).Ping(context.Background())
	var apiErr *canary.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2e9, float64(apiErr.RetryAfter), "1.5s is sent as 2 whole seconds")
}
