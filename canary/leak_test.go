package canary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuthTokenNeverLeaks drives every error path and checks that the auth
// token appears in no error string and no log line, even when the server or
// the transport echoes it back.
func TestAuthTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	responders := map[string]httpmock.Responder{
		"bad status":       httpmock.NewStringResponder(500, `{"result":"error","message":"boom `+testToken+`"}`),
		"error envelope":   httpmock.NewStringResponder(200, `{"result":"error","message":"Invalid auth_token `+testToken+`"}`),
		"unauthorized":     httpmock.NewStringResponder(401, `{"result":"error","message":"Unauthorized"}`),
		"transport error":  httpmock.NewErrorResponder(errors.New("dial tcp: lookup failed for ?auth_token=" + testToken)),
		"malformed json":   httpmock.NewStringResponder(200, `{"result":"success", "token": {"canarytoken": `+testToken),
		"html error page":  httpmock.NewStringResponder(502, "<html><body>Bad gateway for "+testToken+"</body></html>"),
		"html on 200":      httpmock.NewStringResponder(200, "<html>login "+testToken+"</html>"),
		"oversized body":   httpmock.NewStringResponder(200, `{"result":"success","pad":"`+strings.Repeat(testToken, 200)+`"}`),
		"no result field":  httpmock.NewStringResponder(200, `{"token":{}}`),
		"rate limited":     httpmock.NewStringResponder(429, `{"result":"error","message":"slow down `+testToken+`"}`),
		"json body on 404": httpmock.NewStringResponder(404, `{"result":"error","message":"Could not find the Canarytoken `+testToken+`"}`),
	}
	for name, responder := range responders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, WithMaxResponseBytes(1024))
			f.mock.RegisterNoResponder(responder)
			var errs []error
			ctx := context.Background()
			_, err := f.c.Tokens.Get(ctx, "tok")
			errs = append(errs, err)
			_, err = f.c.Tokens.Create(ctx, CreateTokenRequest{Kind: KindHTTP, Memo: "m"})
			errs = append(errs, err)
			for _, err := range f.c.Tokens.All(ctx, nil) {
				errs = append(errs, err)
			}
			// A download of a 200 body without a JSON or HTML type is a file,
			// not an error; only its failures are checked.
			if dl, err := f.c.Tokens.Download(ctx, "tok"); err != nil {
				errs = append(errs, err)
			} else {
				_ = dl.Body.Close()
			}
			errs = append(errs, f.c.Ping(ctx))
			for _, err := range errs {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), testToken)
				var ae *APIError
				if errors.As(err, &ae) {
					assert.NotContains(t, string(ae.Body), testToken)
					assert.NotContains(t, ae.Message, testToken)
				}
			}
			assert.NotEmpty(t, f.logs.String())
			assert.NotContains(t, f.logs.String(), testToken)
		})
	}
}

func TestAuthTokenNotSentAcrossRedirect(t *testing.T) {
	t.Parallel()
	var leaked atomic.Bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("X-Canary-Auth-Token")+r.URL.RawQuery, testToken) {
			leaked.Store(true)
		}
		_, _ = w.Write([]byte(`{"result":"success"}`))
	}))
	defer evil.Close()
	console := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/api/v1/ping", http.StatusTemporaryRedirect)
	}))
	defer console.Close()
	logs := &syncBuffer{}
	c, err := NewClient(WithBaseURL(console.URL+"/api/v1"), WithAuthToken(testToken),
		WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	err = c.Ping(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused a redirect")
	assert.False(t, leaked.Load(), "the token must not reach another host")
	assert.NotContains(t, err.Error(), testToken)
	assert.NotContains(t, logs.String(), testToken)
}

// TestEstateSecretsNeverLeak drives the factory client, the factory and
// flock-key revocations and RemoveS3 through every error path with a server
// (or transport) that echoes the secret back, and checks that no error, API
// error body or log line holds it.
func TestEstateSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const secret = "estate-secret-under-test-0042"
	responders := map[string]httpmock.Responder{
		"bad status":      httpmock.NewStringResponder(500, `{"result":"error","message":"boom `+secret+`"}`),
		"error envelope":  httpmock.NewStringResponder(200, `{"result":"error","message":"Invalid factory_auth `+secret+`"}`),
		"unauthorized":    httpmock.NewStringResponder(401, `{"result":"error","message":"no `+secret+`"}`),
		"transport error": httpmock.NewErrorResponder(errors.New("dial tcp: lookup failed for ?factory_auth=" + secret)),
		"malformed json":  httpmock.NewStringResponder(200, `{"result":"success", "canarytoken": {"factory_auth": `+secret),
		"html error page": httpmock.NewStringResponder(502, "<html><body>Bad gateway for "+secret+"</body></html>"),
		"rate limited":    httpmock.NewStringResponder(429, `{"result":"error","message":"slow down `+secret+`"}`),
	}
	for name, responder := range responders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(responder)
			logs := &syncBuffer{}
			opts := []Option{WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{MaxAttempts: 1}),
				WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
			fc, err := NewFactoryClient(secret, opts...)
			require.NoError(t, err)
			c, err := NewClient(append(opts, WithAuthToken(testToken))...)
			require.NoError(t, err)
			ctx := context.Background()
			var errs []error
			_, err = fc.Create(ctx, CreateTokenRequest{Kind: KindDNS, Memo: "m"})
			errs = append(errs, err)
			if dl, err := fc.Download(ctx, "tok"); err != nil {
				errs = append(errs, err)
			} else {
				_ = dl.Body.Close()
			}
			errs = append(errs, c.Factories.Delete(ctx, secret))
			errs = append(errs, c.Flocks.RemoveAPIKey(ctx, secret))
			errs = append(errs, c.Tokens.RemoveS3(ctx, RemoveS3Request{ID: "t", AWSAccessKey: "AKIAEXAMPLE", AWSSecretKey: secret, AWSRegion: "eu-west-1"}))
			for _, err := range errs {
				require.Error(t, err)
				for e := err; e != nil; e = errors.Unwrap(e) {
					assert.NotContains(t, e.Error(), secret)
				}
				assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err), secret)
				var ae *APIError
				if errors.As(err, &ae) {
					assert.NotContains(t, string(ae.Body), secret)
					assert.NotContains(t, ae.Message, secret)
				}
			}
			assert.NotContains(t, logs.String(), secret)
		})
	}
}
