package threatconnect_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

// TestRetriesAreResigned: a retried read is signed again with the time of
// the new attempt; a create is not retried. Runs in a synctest bubble, so
// the backoff passes on the fake clock.
func TestRetriesAreResigned(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var seen []http.Header
		var targets []string
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, r.Header.Clone())
			targets = append(targets, r.URL.RequestURI())
			if len(seen)%2 == 1 {
				resp := httpmock.NewStringResponse(503, "Service Unavailable")
				resp.Header.Set("Retry-After", "7")
				return resp, nil
			}
			return httpmock.NewStringResponse(200, `{"status":"Success","data":{"owner":[{"id":1,"name":"Acme","type":"Organization"}]}}`), nil
		})
		var events []threatconnect.RetryEvent
		c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithHMAC("AID", "retry-secret"),
			threatconnect.WithHTTPClient(&http.Client{Transport: mt}),
			threatconnect.WithRetry(threatconnect.RetryPolicy{OnRetry: func(e threatconnect.RetryEvent) { events = append(events, e) }}))
		require.NoError(t, err)
		start := time.Now()
		owners, err := c.Owners.List(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Acme", owners[0].Name)
		assert.Equal(t, 7*time.Second, time.Since(start), "Retry-After honoured on the bubble's clock")
		require.Len(t, seen, 2)
		require.Len(t, events, 1)
		assert.Equal(t, 503, events[0].StatusCode)
		for i, h := range seen {
			ts := h.Get("Timestamp")
			assert.Equal(t, "TC AID:"+refSign("retry-secret", targets[i]+":GET:"+ts), h.Get("Authorization"))
		}
		assert.NotEqual(t, seen[0].Get("Timestamp"), seen[1].Get("Timestamp"), "each attempt has its own timestamp")

		// A create answered with 503 is not sent again.
		_, err = c.Indicators.Create(context.Background(), threatconnect.Indicator{Type: threatconnect.Host, Summary: "a.example"}, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, threatconnect.ErrServer)
		assert.Len(t, seen, 3)
		assert.True(t, strings.HasPrefix(targets[2], "/api/v2/indicators/hosts"))
	})
}
