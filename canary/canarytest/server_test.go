package canarytest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

func TestAuthByHeaderOrParameter(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithAuthToken("right"))
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		method     string
		header     []string // nil: no header
		param      string
		wantStatus int
		wantBody   map[string]any
	}{
		{"header", http.MethodGet, []string{"right"}, "", 200, map[string]any{"result": "success"}},
		{"wrong header", http.MethodGet, []string{"wrong"}, "", 401, map[string]any{"result": "error", "message": "Unauthorized"}},
		{"wrong header wins over a right param", http.MethodGet, []string{"wrong"}, "right", 401, map[string]any{"result": "error", "message": "Unauthorized"}},
		{"query parameter", http.MethodGet, nil, "right", 200, map[string]any{"result": "success"}},
		{"wrong parameter", http.MethodGet, nil, "wrong", 401, map[string]any{"result": "error", "message": "Invalid auth_token"}},
		{"nothing", http.MethodGet, nil, "", 401, map[string]any{"result": "error", "message": "Invalid auth_token"}},
		{"form parameter on POST", http.MethodPost, nil, "right", 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, params := "/ping", url.Values{}
			if tt.method == http.MethodPost {
				// POST /canarytoken/create with auth_token in the form body.
				path, params = "/canarytoken/create", url.Values{"kind": {"dns"}, "memo": {"m"}}
			}
			if tt.param != "" {
				params.Set("auth_token", tt.param)
			}
			req := rawRequest(t, srv, tt.method, path, params)
			if tt.header != nil {
				req.Header["X-Canary-Auth-Token"] = tt.header
			}
			status, body := do(t, req)
			assert.Equal(t, tt.wantStatus, status)
			if tt.wantBody != nil {
				assert.Equal(t, tt.wantBody, body)
			} else {
				assert.Equal(t, "success", body["result"])
			}
		})
	}
}

func TestSDKSeesAuthErrors(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	for _, on200 := range []bool{false, true} {
		opts := []canarytest.Option{canarytest.WithAuthToken("right-token")}
		if on200 {
			opts = append(opts, canarytest.WithErrorsOnHTTP200())
		}
		s := canarytest.NewServer(opts...)
		t.Cleanup(s.Close)
		err := s.Client(canary.WithAuthToken("wrong-token")).Ping(context.Background())
		require.Error(t, err)
		assert.ErrorIs(t, err, canary.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "wrong-token", "the token never reaches the error")
		var apiErr *canary.APIError
		require.ErrorAs(t, err, &apiErr)
		if on200 {
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
		} else {
			assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
		}
	}
	require.NoError(t, srv.Client().Ping(context.Background()))
}

func TestUnknownEndpointAndWrongMethod(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	status, body := call(t, srv, http.MethodGet, "/nope", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "error", body["result"])
	status, body = call(t, srv, http.MethodGet, "/canarytoken/create", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, "Method GET not allowed on /canarytoken/create", body["message"])
}

func TestLatencyIsCutShortByTheContext(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer(canarytest.WithLatency(time.Hour))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/ping", nil)
	req.Header.Set("X-Canary-Auth-Token", srv.AuthToken())
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req) // returns at once instead of waiting an hour
	assert.Empty(t, rec.Body.String(), "an abandoned request gets no answer")

	plain := canarytest.NewServer()
	t.Cleanup(plain.Close)
	rec = httptest.NewRecorder()
	plain.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/ping?auth_token="+canarytest.DefaultAuthToken, nil))
	assert.JSONEq(t, `{"result":"success"}`, rec.Body.String(), "the handler works without its listener too")
}

func TestClientPanicsOnBadOption(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	assert.PanicsWithValue(t, "canarytest: Server.Client: canary: invalid auth token: must not be empty; pass the Console's API auth token",
		func() { srv.Client(canary.WithAuthToken("")) })
}

func TestNewServerPanicsOnBadOption(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  canarytest.Option
		want string
	}{
		{"empty token", canarytest.WithAuthToken(""), "canarytest: option WithAuthToken: the token must be non-empty, without whitespace or control characters"},
		{"token with a space", canarytest.WithAuthToken("a b"), "canarytest: option WithAuthToken: the token must be non-empty, without whitespace or control characters"},
		{"negative latency", canarytest.WithLatency(-time.Second), "canarytest: option WithLatency: -1s is negative"},
		{"rate above 1", canarytest.WithFaultRate(1.5), "canarytest: option WithFaultRate: rate 1.5 is not a fraction from 0 to 1"},
		{"unknown fault", canarytest.WithFaults(canarytest.Faults{Rate: 1, Kinds: []canarytest.Fault{99}}), "canarytest: option WithFaults: Kinds holds 99, which is not a Fault"},
		{"negative Retry-After", canarytest.WithFaults(canarytest.Faults{RetryAfter: -time.Second}), "canarytest: option WithFaults: RetryAfter -1s is negative"},
		{"nil clock", canarytest.WithClock(nil), "canarytest: option WithClock: the clock must not be nil; omit WithClock for time.Now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.PanicsWithValue(t, tt.want, func() { canarytest.NewServer(tt.opt).Close() })
		})
	}
}

func TestHTTPClientReachesURL(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	assert.Equal(t, srv.URL+"/api/v1", srv.BaseURL(), "URL is the server root, BaseURL the API root")
	resp, err := srv.HTTPClient().Get(srv.BaseURL() + "/ping?auth_token=" + canarytest.DefaultAuthToken)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
