package threatconnect_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestErrorEnvelopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantStatus int
		wantEnv    string
		wantMsg    string
		wantIs     error
	}{
		{"Failure envelope on 404", 404, "application/json", `{"status":"Failure","message":"The requested resource was not found"}`, 404, "Failure", "The requested resource was not found", threatconnect.ErrNotFound},
		{"Failure envelope on 200", 200, "application/json", `{"status":"Failure","message":"The requested owner was not found"}`, 200, "Failure", "The requested owner was not found", threatconnect.ErrNotFound},
		{"v3-style Error envelope", 400, "application/json", `{"status":"Error","errCode":"0x1001","message":"Invalid indicator"}`, 400, "Error", "Invalid indicator", threatconnect.ErrInvalidRequest},
		{"plain-text 500", 500, "text/plain", "Could not find resource for relative : /v2/owners of full path: https://x/api/v2/owners", 500, "", "Could not find resource for relative : /v2/owners of full path: https://x/api/v2/owners", threatconnect.ErrServer},
		{"plain-text 401 from the batch API", 401, "text/plain", "You do not have permission to create Indicators", 401, "", "You do not have permission to create Indicators", threatconnect.ErrUnauthorized},
		{"HTML from a proxy", 502, "text/html", "<html><body>Bad gateway</body></html>", 502, "", "Bad Gateway (HTML error page)", threatconnect.ErrServer},
		{"empty 403", 403, "", "", 403, "", "Forbidden", threatconnect.ErrUnauthorized},
		{"timestamp skew", 401, "application/json", `{"status":"Failure","message":"Timestamp out of acceptable time range"}`, 401, "Failure", "Timestamp out of acceptable time range", threatconnect.ErrClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tt.status, tt.body)
				if tt.ctype != "" {
					resp.Header.Set("Content-Type", tt.ctype)
				}
				return resp, nil
			})
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("test-token-123456"),
				threatconnect.WithHTTPClient(&http.Client{Transport: mt}), threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = c.Owners.List(context.Background())
			var ae *threatconnect.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantStatus, ae.StatusCode)
			assert.Equal(t, tt.wantEnv, ae.Status)
			assert.Equal(t, tt.wantMsg, ae.Message)
			assert.Equal(t, "GET", ae.Method)
			assert.Equal(t, "/v2/owners", ae.Path)
			assert.ErrorIs(t, err, tt.wantIs)
			assert.True(t, strings.HasPrefix(err.Error(), "threatconnect: GET /v2/owners: "), err.Error())
		})
	}
}

func TestMalformedSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"not JSON", "OK", "malformed response"},
		{"HTML", "<html>login</html>", "got HTML instead of JSON"},
		{"no data", `{"status":"Success"}`, `no "data"`},
		{"wrong key", `{"status":"Success","data":{"owners":[]}}`, `no "data.owner"`},
		{"wrong shape", `{"status":"Success","data":{"owner":{"id":"x"}}}`, "data.owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, tt.body))
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("test-token-123456"),
				threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)
			_, err = c.Owners.List(context.Background())
			require.Error(t, err)
			assert.True(t, errors.Is(err, threatconnect.ErrMalformedResponse), err.Error())
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestDecodesDocumentedShapes feeds the documented v2 responses (string
// IDs, decimal ratings, string booleans, times with and without a zone).
