package canarytest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// Clients and test code may use one Server from many goroutines; run with
// -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 50, Incidents: 200})
	require.NoError(t, err)
	c := srv.Client()
	ctx := context.Background()
	const workers, each = 6, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					errs <- err
					continue
				}
				inc, err := srv.Trigger(tok.ID, "192.0.2.9")
				if err != nil {
					errs <- err
					continue
				}
				if err := c.Incidents.Acknowledge(ctx, inc.Key); err != nil {
					errs <- err
				}
				if _, err := c.Incidents.List(ctx, &canary.ListIncidentsOptions{Since: inc.UpdatedID - 1, Limit: 20}); err != nil {
					errs <- err
				}
				if _, err := c.Tokens.List(ctx, &canary.ListTokensOptions{Limit: 20}); err != nil {
					errs <- err
				}
				_ = srv.Tokens()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, srv.Tokens(), 50+workers*each)
	assert.Len(t, srv.Incidents(), 200+workers*each)
	acked := 0
	for _, inc := range srv.Incidents() {
		if inc.SrcHost == "192.0.2.9" && inc.Acknowledged {
			acked++
		}
	}
	assert.Equal(t, workers*each, acked)
}
