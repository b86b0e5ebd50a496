package tctest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func TestURLIsTheServerRoot(t *testing.T) {
	t.Parallel()
	srv := tctest.NewServer(tctest.WithAPIToken("tok-123456"))
	t.Cleanup(srv.Close)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	assert.NotContains(t, strings.TrimPrefix(srv.URL, "http://"), "/")
	assert.Equal(t, srv.URL+"/api", srv.BaseURL())

	req, err := http.NewRequest(http.MethodGet, srv.BaseURL()+"/v2/owners", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "TC-Token tok-123456")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestClientIsReady(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Unix(1513703787, 0) }
	for name, opt := range map[string]tctest.Option{
		"hmac":  tctest.WithHMAC("AID", "client-secret"),
		"token": tctest.WithAPIToken("client-token"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A fixed server clock: the client signs with it too.
			srv := tctest.NewServer(opt, tctest.WithClock(clock))
			t.Cleanup(srv.Close)
			tc := srv.Client()
			assert.Equal(t, srv.BaseURL(), tc.BaseURL())
			mine, err := tc.Owners.Mine(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tctest.DefaultOwner, mine.Name)
		})
	}

	t.Run("options override the defaults", func(t *testing.T) {
		t.Parallel()
		srv := tctest.NewServer(tctest.WithHMAC("AID", "client-secret"))
		t.Cleanup(srv.Close)
		srv.FailNext(http.StatusServiceUnavailable, "text/plain", "down")
		_, err := srv.Client(threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1})).Owners.List(context.Background())
		assert.ErrorIs(t, err, threatconnect.ErrServer)
	})
}

func TestPanics(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		f    func()
		want string
	}{
		"empty access ID":     {func() { tctest.NewServer(tctest.WithHMAC("", "x")) }, "tctest: option WithHMAC: "},
		"nil clock":           {func() { tctest.NewServer(tctest.WithClock(nil)) }, "tctest: option WithClock: "},
		"no owners":           {func() { tctest.NewServer(tctest.WithOwners()) }, "tctest: option WithOwners: "},
		"negative page cap":   {func() { tctest.NewServer(tctest.WithPageCap(-1)) }, "tctest: option WithPageCap: "},
		"client, no creds":    {func() { srv := tctest.NewServer(); defer srv.Close(); srv.Client() }, "tctest: Server.Client: the server has no credentials"},
		"client, short token": {func() { srv := tctest.NewServer(tctest.WithAPIToken("abc")); defer srv.Close(); srv.Client() }, "tctest: Server.Client: "},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				require.NotNil(t, r, "want a panic")
				assert.Contains(t, r, tt.want)
			}()
			tt.f()
		})
	}
}
