package threatconnect_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

const (
	testID     = "TESTACCESSID0001"
	testSecret = "tc-test-secret-do-not-print"
)

// counter counts the HTTP requests a client sends (measured at the client,
// independently of the fake's own log).
type counter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// newFake starts a tctest server and a client for it, with the client-side
// request counter.
func newFake(t *testing.T, srvOpts ...tctest.Option) (*tctest.Server, *threatconnect.Client, *counter) {
	t.Helper()
	srv := tctest.NewServer(append([]tctest.Option{tctest.WithHMAC(testID, testSecret)}, srvOpts...)...)
	t.Cleanup(srv.Close)
	cnt := &counter{next: srv.HTTPClient().Transport}
	c := srv.Client(threatconnect.WithHTTPClient(&http.Client{Transport: cnt}), threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1}))
	return srv, c, cnt
}

// newHost creates the host indicator evil.example, with ind's other fields,
// in the owner "Common Community", and returns the options that address
// that owner.
func newHost(t *testing.T, c *threatconnect.Client, ind threatconnect.Indicator) (*threatconnect.WriteOptions, *threatconnect.ReadOptions) {
	t.Helper()
	const owner = "Common Community"
	ind.Type, ind.Summary = threatconnect.Host, "evil.example"
	_, err := c.Indicators.Create(context.Background(), ind, &threatconnect.WriteOptions{Owner: owner})
	require.NoError(t, err)
	return &threatconnect.WriteOptions{Owner: owner}, &threatconnect.ReadOptions{Owner: owner}
}
