package main

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary/canarytest"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v.UTC()
}

// consoleToken is the auth token the fake behind every DOMAIN.canary.tools
// accepts in these tests.
const consoleToken = "console-test-token"

// TestMain puts a fake Console behind every DOMAIN.canary.tools name, so
// that run() tests of --console, $CANARY_CONSOLE and canarytools.config
// reach it without the network. Other hosts (--base-url) are untouched.
func TestMain(m *testing.M) {
	srv := canarytest.NewServer(canarytest.WithAuthToken(consoleToken))
	target, err := url.Parse(srv.URL)
	if err != nil {
		panic(err)
	}
	fake := srv.HTTPClient().Transport
	real := consoleTransport()
	consoleTransport = func() http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			if !strings.HasSuffix(r.URL.Hostname(), ".canary.tools") {
				return real.RoundTrip(r)
			}
			r = r.Clone(r.Context())
			r.URL.Scheme, r.URL.Host, r.Host = target.Scheme, target.Host, ""
			return fake.RoundTrip(r)
		})
	}
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
