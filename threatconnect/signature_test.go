package threatconnect_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

// refSign is a second, independent implementation of the documented
// algorithm: base64(HMAC-SHA256(secret, "<path>?<query>:<METHOD>:<ts>")).
func refSign(secret, signed string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signed))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

var fixedTime = time.Unix(1513703787, 0)

func TestSignMessageKnownVectors(t *testing.T) {
	t.Parallel()
	// Vectors from research/threatconnect-api.md §1.2 (computed there with
	// openssl, Python and Go, independently of this package).
	tests := []struct{ secret, signed, want string }{
		{"secret", "/api/v2/indicators?owner=Common%20Community:GET:1513703787", "SOPLhaC4laqJMWIVamCoBCIcJRza/avjXVibWG6cZAU="},
		{"secret", "/api/v2/indicators/addresses?owner=Example%20Org:POST:1700000000", "AvNwMV6t/NPePZ5mQE5cUvlr2Tfmd9RmwxatqMx/wYQ="},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, threatconnect.SignMessage([]byte(tt.secret), tt.signed))
		assert.Equal(t, tt.want, refSign(tt.secret, tt.signed))
	}
}

func TestSigningString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, query, method string
		ts                        int64
		want                      string
	}{
		{"no query, no question mark", "/api/v2/owners", "", "GET", 1513703787, "/api/v2/owners:GET:1513703787"},
		{"space as %20 stays %20", "/api/v2/indicators", "owner=Common%20Community", "GET", 1513703787, "/api/v2/indicators?owner=Common%20Community:GET:1513703787"},
		{"space as + stays +", "/api/v2/indicators", "owner=Common+Community", "GET", 1513703787, "/api/v2/indicators?owner=Common+Community:GET:1513703787"},
		{"escaped plus and percent", "/api/v2/indicators/hosts/a.example/tags/Nation%20State", "owner=A%2BB+%2520", "post", 1700000000, "/api/v2/indicators/hosts/a.example/tags/Nation%20State?owner=A%2BB+%2520:POST:1700000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, threatconnect.SigningString(tt.path, tt.query, tt.method, tt.ts))
		})
	}
}

// TestAuthorizationHeaderOnTheWire drives real calls through a mock
// transport with a fixed clock and checks the headers against refSign over
// hand-written expected request targets.
func TestAuthorizationHeaderOnTheWire(t *testing.T) {
	t.Parallel()
	const id, secret = "12345678901234567890", "s3cr3t-key-for-tests"
	tests := []struct {
		name       string
		call       func(context.Context, *threatconnect.Client) error
		method     string
		wantTarget string // path?query exactly as it must go on the wire
	}{
		{
			name:       "owners, no query",
			call:       func(ctx context.Context, c *threatconnect.Client) error { _, err := c.Owners.List(ctx); return err },
			method:     "GET",
			wantTarget: "/api/v2/owners",
		},
		{
			name: "owner with a space is sent as +",
			call: func(ctx context.Context, c *threatconnect.Client) error {
				_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Owner: "Common Community"})
				return err
			},
			method:     "GET",
			wantTarget: "/api/v2/indicators?owner=Common+Community&resultLimit=1000",
		},
		{
			name: "owner with a literal + and %20, tag with a space",
			call: func(ctx context.Context, c *threatconnect.Client) error {
				return c.Indicators.AddTag(ctx, threatconnect.Host, "a.example", "Nation State", &threatconnect.WriteOptions{Owner: "A+B %20"})
			},
			method:     "POST",
			wantTarget: "/api/v2/indicators/hosts/a.example/tags/Nation%20State?owner=A%2BB+%2520",
		},
		{
			name: "URL indicator: slashes inside the segment stay escaped",
			call: func(ctx context.Context, c *threatconnect.Client) error {
				_, err := c.Indicators.Get(ctx, threatconnect.URL, "http://bad.example/login?x=1+2", nil)
				return err
			},
			method:     "GET",
			wantTarget: "/api/v2/indicators/urls/http:%2F%2Fbad.example%2Flogin%3Fx=1+2",
		},
		{
			name: "filters are percent-encoded",
			call: func(ctx context.Context, c *threatconnect.Client) error {
				_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Type: threatconnect.Address,
					Filters: []threatconnect.Filter{{Field: "rating", Op: threatconnect.FilterGt, Value: "3"}, {Field: "summary", Op: threatconnect.FilterPrefix, Value: "10."}},
					Limit:   50})
				return err
			},
			method:     "GET",
			wantTarget: "/api/v2/indicators/addresses?filters=rating%3E3%2Csummary%5E10.&resultLimit=50",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			var got *http.Request
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewStringResponse(200, `{"status":"Success","data":{"resultCount":0,"owner":[],"indicator":[],"address":[],"url":{"text":"x"}}}`), nil
			})
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"),
				threatconnect.WithHMAC(id, secret), threatconnect.WithHTTPClient(&http.Client{Transport: mt}),
				threatconnect.WithClock(func() time.Time { return fixedTime }))
			require.NoError(t, err)
			require.NoError(t, tt.call(context.Background(), c))
			require.NotNil(t, got)
			assert.Equal(t, tt.wantTarget, got.URL.RequestURI(), "request target on the wire")
			assert.Equal(t, "1513703787", got.Header.Get("Timestamp"))
			want := "TC " + id + ":" + refSign(secret, tt.wantTarget+":"+tt.method+":1513703787")
			assert.Equal(t, want, got.Header.Get("Authorization"))
		})
	}
}

func TestTokenAuthHeader(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var got http.Header
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		return httpmock.NewStringResponse(200, `{"status":"Success","data":{"owner":[]}}`), nil
	})
	c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"),
		threatconnect.WithAPIToken("APIV2:430:abc:123:xyz="), threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Owners.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "TC-Token APIV2:430:abc:123:xyz=", got.Get("Authorization"))
	assert.Empty(t, got.Get("Timestamp"))
}

// tamper rewrites the query after the request was signed.
type tamper struct{ next http.RoundTripper }

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = strings.Replace(r2.URL.RawQuery, "resultLimit=5", "resultLimit=500", 1)
	return t.next.RoundTrip(r2)
}

func TestFakeRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	const id, secret = "AID", "the-right-secret"
	var mu sync.Mutex
	serverNow := fixedTime
	srv := tctest.NewServer(tctest.WithHMAC(id, secret), tctest.WithAPIToken("good-token"),
		tctest.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return serverNow }))
	t.Cleanup(srv.Close)

	tests := []struct {
		name      string
		opts      []threatconnect.Option
		transport func(http.RoundTripper) http.RoundTripper
		wantMsg   string
		wantSkew  bool
	}{
		{name: "right secret", opts: []threatconnect.Option{threatconnect.WithHMAC(id, secret), threatconnect.WithClock(func() time.Time { return fixedTime })}},
		{name: "clock 4m59s behind is accepted", opts: []threatconnect.Option{threatconnect.WithHMAC(id, secret), threatconnect.WithClock(func() time.Time { return fixedTime.Add(-299 * time.Second) })}},
		{name: "wrong secret", opts: []threatconnect.Option{threatconnect.WithHMAC(id, "a-wrong-secret"), threatconnect.WithClock(func() time.Time { return fixedTime })},
			wantMsg: "Signature data did not match expected result"},
		{name: "unknown access id", opts: []threatconnect.Option{threatconnect.WithHMAC("OTHER", secret), threatconnect.WithClock(func() time.Time { return fixedTime })},
			wantMsg: "Access Denied"},
		{name: "stale timestamp", opts: []threatconnect.Option{threatconnect.WithHMAC(id, secret), threatconnect.WithClock(func() time.Time { return fixedTime.Add(-6 * time.Minute) })},
			wantMsg: "Timestamp out of acceptable time range", wantSkew: true},
		{name: "future timestamp", opts: []threatconnect.Option{threatconnect.WithHMAC(id, secret), threatconnect.WithClock(func() time.Time { return fixedTime.Add(6 * time.Minute) })},
			wantMsg: "Timestamp out of acceptable time range", wantSkew: true},
		{name: "tampered query", opts: []threatconnect.Option{threatconnect.WithHMAC(id, secret), threatconnect.WithClock(func() time.Time { return fixedTime })},
			transport: func(rt http.RoundTripper) http.RoundTripper { return tamper{rt} },
			wantMsg:   "Signature data did not match expected result"},
		{name: "right token", opts: []threatconnect.Option{threatconnect.WithAPIToken("good-token")}},
		{name: "wrong token", opts: []threatconnect.Option{threatconnect.WithAPIToken("bad-token")}, wantMsg: "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hc := srv.HTTPClient()
			if tt.transport != nil {
				hc = &http.Client{Transport: tt.transport(hc.Transport)}
			}
			c, err := threatconnect.NewClient(append([]threatconnect.Option{threatconnect.WithBaseURL(srv.BaseURL()), threatconnect.WithHTTPClient(hc)}, tt.opts...)...)
			require.NoError(t, err)
			_, err = c.Indicators.List(context.Background(), &threatconnect.ListOptions{Owner: "Common Community", Limit: 5,
				Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterPrefix, Value: "a b+c"}}})
			if tt.wantMsg == "" {
				require.NoError(t, err)
				return
			}
			var ae *threatconnect.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
			assert.Equal(t, tt.wantMsg, ae.Message)
			assert.ErrorIs(t, err, threatconnect.ErrUnauthorized)
			assert.Equal(t, tt.wantSkew, errors.Is(err, threatconnect.ErrClockSkew))
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestFakeTimestampWindow(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	srv := tctest.NewServer(tctest.WithHMAC("AID", "window-secret"), tctest.WithClock(func() time.Time { return now }),
		tctest.WithTimestampWindow(time.Minute))
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		skew time.Duration
		ok   bool
	}{{0, true}, {59 * time.Second, true}, {-59 * time.Second, true}, {61 * time.Second, false}, {-2 * time.Minute, false}} {
		c := srv.Client(threatconnect.WithClock(func() time.Time { return now.Add(tt.skew) }))
		_, err := c.Owners.Mine(context.Background())
		if tt.ok {
			assert.NoError(t, err, tt.skew)
		} else {
			assert.ErrorIs(t, err, threatconnect.ErrClockSkew, tt.skew)
		}
	}
}

// TestSignedPathFollowsTheBaseURL: the signed path is the one sent, so it
// has /api only when the base URL has it (older accounts use
// https://api.threatconnect.com with no /api).
func TestSignedPathFollowsTheBaseURL(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{
		"https://api.threatconnect.com":      "/v2/owners/mine",
		"https://tc.example.com/api/":        "/api/v2/owners/mine",
		"https://tc.example.com/tc%20api/v0": "/tc%20api/v0/v2/owners/mine",
	} {
		mt := httpmock.NewMockTransport()
		var got *http.Request
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			got = r
			return httpmock.NewStringResponse(200, `{"status":"Success","data":{"owner":{"id":1,"name":"Acme","type":"Organization"}}}`), nil
		})
		c, err := threatconnect.NewClient(threatconnect.WithBaseURL(base), threatconnect.WithHMAC("AID", "base-secret"),
			threatconnect.WithHTTPClient(&http.Client{Transport: mt}), threatconnect.WithClock(func() time.Time { return fixedTime }))
		require.NoError(t, err)
		o, err := c.Owners.Mine(context.Background())
		require.NoError(t, err, base)
		assert.Equal(t, "Acme", o.Name)
		assert.Equal(t, want, got.URL.RequestURI(), base)
		assert.Equal(t, "TC AID:"+refSign("base-secret", want+":GET:1513703787"), got.Header.Get("Authorization"), base)
	}
}
