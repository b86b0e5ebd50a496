package decoy

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

// place is one way a token can travel in a request.
type place struct {
	name     string
	format   honeytoken.Format
	secret   bool // use Token.Secret (AWS secret access key)
	build    func(r *http.Request, tok string) *http.Request
	kind     PlaceKind
	pname    string
	encoding string
	thorough bool // found by Scan only (Middleware needs WithThoroughScan)
}

func newReq(method, target, body string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	r.RemoteAddr = "198.51.100.23:50123"
	r.Header.Set("User-Agent", "curl/8.5.0")
	return r
}

// pctAll percent-encodes every byte of s, so the test never depends on
// whether a random token happens to contain a reserved character.
func pctAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

func places() []place {
	hdr := func(name, prefix string) func(*http.Request, string) *http.Request {
		return func(r *http.Request, tok string) *http.Request { r.Header.Set(name, prefix+tok); return r }
	}
	return []place{
		{name: "bearer", format: honeytoken.GitHubClassic, build: hdr("Authorization", "Bearer "), kind: InAuthorization, pname: "Authorization"},
		{name: "token scheme", format: honeytoken.GitHubFineGrained, build: hdr("Authorization", "token "), kind: InAuthorization, pname: "Authorization"},
		{name: "bare authorization", format: honeytoken.SendGrid, build: hdr("Authorization", ""), kind: InAuthorization, pname: "Authorization"},
		{name: "basic user (stripe style)", format: honeytoken.StripeSecret, kind: InAuthorization, pname: "Authorization", encoding: "base64",
			build: func(r *http.Request, tok string) *http.Request { r.SetBasicAuth(tok, ""); return r }},
		{name: "basic password", format: honeytoken.NPM, kind: InAuthorization, pname: "Authorization", encoding: "base64",
			build: func(r *http.Request, tok string) *http.Request { r.SetBasicAuth("deploy", tok); return r }},
		{name: "proxy authorization", format: honeytoken.OpenAI, build: hdr("Proxy-Authorization", "Bearer "), kind: InAuthorization, pname: "Proxy-Authorization"},
		{name: "aws sigv4 credential", format: honeytoken.AWSAccessKey, kind: InAuthorization, pname: "Authorization",
			build: hdr("Authorization", "AWS4-HMAC-SHA256 Credential="), // + key id below
		},
		{name: "x-api-key", format: honeytoken.Anthropic, build: hdr("X-Api-Key", ""), kind: InHeader, pname: "X-Api-Key"},
		{name: "private-token", format: honeytoken.GitLabPAT, build: hdr("Private-Token", ""), kind: InHeader, pname: "Private-Token"},
		{name: "x-goog-api-key", format: honeytoken.GoogleAPIKey, build: hdr("X-Goog-Api-Key", ""), kind: InHeader, pname: "X-Goog-Api-Key"},
		{name: "aws secret in a key header", format: honeytoken.AWSAccessKey, secret: true, build: hdr("X-Amz-Security-Token", ""), kind: InHeader, pname: "X-Amz-Security-Token"},
		{name: "cookie", format: honeytoken.SlackBot, kind: InCookie, pname: "slack_token",
			build: func(r *http.Request, tok string) *http.Request {
				r.Header.Set("Cookie", "theme=dark; slack_token="+tok+"; lang=en")
				return r
			}},
		{name: "jwt cookie", format: honeytoken.JWT, kind: InCookie, pname: "session",
			build: func(r *http.Request, tok string) *http.Request { r.Header.Set("Cookie", "session="+tok); return r }},
		{name: "url-encoded cookie", format: honeytoken.AWSAccessKey, secret: true, kind: InCookie, pname: "aws", encoding: "url",
			build: func(r *http.Request, tok string) *http.Request {
				r.Header.Set("Cookie", "aws="+pctAll(tok))
				return r
			}},
		{name: "query", format: honeytoken.GoogleAPIKey, kind: InQuery, pname: "key",
			build: func(r *http.Request, tok string) *http.Request {
				r.URL.RawQuery = "alt=json&key=" + tok
				return r
			}},
		{name: "percent-encoded query", format: honeytoken.AWSAccessKey, secret: true, kind: InQuery, pname: "secret", encoding: "url",
			build: func(r *http.Request, tok string) *http.Request {
				r.URL.RawQuery = "secret=" + pctAll(tok) + "&x=1"
				return r
			}},
		{name: "database url in query", format: honeytoken.DatabaseURL, kind: InQuery, pname: "dsn", encoding: "url",
			build: func(r *http.Request, tok string) *http.Request {
				r.URL.RawQuery = "dsn=" + url.QueryEscape(tok)
				return r
			}},
		{name: "json body", format: honeytoken.StripeRestricted, kind: InBody,
			build: func(_ *http.Request, tok string) *http.Request {
				r := newReq(http.MethodPost, "/v1/charges", `{"amount":100,"api_key":"`+tok+`"}`)
				r.Header.Set("Content-Type", "application/json")
				return r
			}},
		{name: "form body", format: honeytoken.GitHubOAuth, kind: InBody,
			build: func(_ *http.Request, tok string) *http.Request {
				r := newReq(http.MethodPost, "/login/oauth", url.Values{"access_token": {tok}}.Encode())
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			}},
		{name: "base64 body", format: honeytoken.SlackUser, kind: InBody, encoding: "base64",
			build: func(_ *http.Request, tok string) *http.Request {
				return newReq(http.MethodPut, "/v1/blob", base64.StdEncoding.EncodeToString([]byte("token="+tok+"\n")))
			}},
		{name: "path segment", format: honeytoken.GitLabPAT, kind: InPath, thorough: true,
			build: func(r *http.Request, tok string) *http.Request {
				return newReq(http.MethodDelete, "/api/v4/personal_access_tokens/"+tok, "")
			}},
		{name: "base64 in another header", format: honeytoken.GitHubApp, kind: InHeader, pname: "X-Debug-Context", encoding: "base64", thorough: true,
			build: func(r *http.Request, tok string) *http.Request {
				r.Header.Set("X-Debug-Context", base64.StdEncoding.EncodeToString([]byte(`{"gh":"`+tok+`"}`)))
				return r
			}},
	}
}

// TestEveryPlace checks each place a token can hide, through Handler and
// through Middleware, and that the hit describes it without revealing it.
func TestEveryPlace(t *testing.T) {
	t.Parallel()
	g := newGen(t, "places")
	for _, p := range places() {
		tok := mint(t, g, p.format)
		want := tok.Value
		if p.secret {
			want = tok.Secret
		}
		text := want
		if p.name == "aws sigv4 credential" {
			text = tok.Value + "/20261125/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("ab", 32)
		}
		for _, mode := range []string{"handler", "middleware"} {
			t.Run(p.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				var rec collector
				nextCalled := false
				next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { nextCalled = true })
				opts := []Option{WithRecorder(&rec)}
				var h http.Handler
				if mode == "handler" {
					h = Handler(g, opts...)
				} else {
					opts = append(opts, WithBodyScan(1<<20))
					if p.thorough {
						opts = append(opts, WithThoroughScan(true))
					}
					h = Middleware(g, next, opts...)
				}
				r := p.build(newReq(http.MethodGet, "/v1/user", ""), text)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)

				assert.False(t, nextCalled, "a honeytoken request must not reach the real handler")
				assert.Equal(t, http.StatusUnauthorized, w.Code)
				hits := rec.all()
				require.Len(t, hits, 1, "one token, one hit")
				hit := hits[0]
				assert.Equal(t, tok.ID, hit.TokenID)
				assert.Equal(t, p.format, hit.Format)
				assert.Equal(t, p.kind, hit.Found.Kind)
				assert.Equal(t, p.pname, hit.Found.Name)
				assert.Equal(t, p.encoding, hit.Found.Encoding)
				assert.Equal(t, Mask(want), hit.Token)
				assert.Equal(t, "198.51.100.23", hit.RemoteIP.String())
				assert.Equal(t, "curl/8.5.0", hit.UserAgent)
				assert.Len(t, hit.ID, 16)
				assert.False(t, hit.Time.IsZero())
				if p.thorough && p.kind == InHeader {
					// Even a header kept on request keeps no encoded token.
					var rec2 collector
					r2 := p.build(newReq(http.MethodGet, "/v1/user", ""), text)
					Handler(g, WithRecorder(&rec2), WithRecordHeaders(p.pname)).ServeHTTP(httptest.NewRecorder(), r2)
					require.Len(t, rec2.all(), 1)
					assert.Equal(t, redacted, rec2.all()[0].Headers[p.pname])
				}
				js, err := json.Marshal(hit)
				require.NoError(t, err)
				assert.NotContains(t, string(js), want, "the honeytoken must be masked everywhere in a hit")
				assert.NotContains(t, string(js), want[len(want)/2:], "not even its second half")
			})
		}
	}
}

func TestResponses(t *testing.T) {
	t.Parallel()
	g := newGen(t, "responses")
	tok := mint(t, g, honeytoken.GitHubClassic)
	ok := JSON(http.StatusOK, `{"login":"deploy-bot","id":4711}`)
	cases := []struct {
		name       string
		opts       []Option
		token      bool
		wantStatus int
		wantBody   string
	}{
		{"default clean", nil, false, 401, string(Unauthorized().Body)},
		{"default token: same answer", nil, true, 401, string(Unauthorized().Body)},
		{"convincing 200", []Option{WithResponse(ok)}, true, 200, `{"login":"deploy-bot","id":4711}`},
		{"200 for everyone", []Option{WithResponse(ok)}, false, 200, `{"login":"deploy-bot","id":4711}`},
		{"clean gets its own", []Option{WithResponse(ok), WithCleanResponse(Unauthorized())}, false, 401, string(Unauthorized().Body)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newReq(http.MethodGet, "/user", "")
			if c.token {
				r.Header.Set("Authorization", "Bearer "+tok.Value)
			}
			w := httptest.NewRecorder()
			Handler(g, append(c.opts, WithRecorder(&collector{}))...).ServeHTTP(w, r)
			assert.Equal(t, c.wantStatus, w.Code)
			assert.Equal(t, c.wantBody, w.Body.String())
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
		})
	}
}

func TestMiddlewarePassThroughAndCustomResponse(t *testing.T) {
	t.Parallel()
	g := newGen(t, "passthrough")
	tok := mint(t, g, honeytoken.StripeSecret)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	var rec collector
	r := newReq(http.MethodGet, "/v1/balance", "")
	r.Header.Set("Authorization", "Bearer "+tok.Value)
	w := httptest.NewRecorder()
	Middleware(g, next, WithRecorder(&rec), WithPassThrough()).ServeHTTP(w, r)
	assert.Equal(t, http.StatusTeapot, w.Code, "passed on to the real handler")
	require.Len(t, rec.all(), 1, "and recorded")

	w = httptest.NewRecorder()
	Middleware(g, next, WithRecorder(&rec), WithResponse(JSON(403, `{"error":"forbidden"}`))).ServeHTTP(w, r)
	assert.Equal(t, 403, w.Code)
	assert.Equal(t, `{"error":"forbidden"}`, w.Body.String())
}

func TestNilDetectorAndNoRecorder(t *testing.T) {
	t.Parallel()
	g := newGen(t, "nil")
	tok := mint(t, g, honeytoken.GitHubClassic)
	r := newReq(http.MethodGet, "/", "")
	r.Header.Set("Authorization", "Bearer "+tok.Value)

	w := httptest.NewRecorder()
	Handler(nil).ServeHTTP(w, r)
	assert.Equal(t, 401, w.Code, "a nil detector detects nothing but still answers")

	var logs strings.Builder
	w = httptest.NewRecorder()
	Handler(g, WithLogger(newTextLogger(&logs))).ServeHTTP(w, r)
	assert.Contains(t, logs.String(), "honeytoken used", "without a recorder, hits go to the logger")
	assert.Contains(t, logs.String(), tok.ID)
	assert.NotContains(t, logs.String(), tok.Value)
}

// TestHitsWithoutRecorderGoToDefaultLogger is not parallel: it swaps
// slog.Default for its duration.
func TestHitsWithoutRecorderGoToDefaultLogger(t *testing.T) {
	g := newGen(t, "default-logger")
	tok := mint(t, g, honeytoken.NPM)
	var logs strings.Builder
	old := slog.Default()
	slog.SetDefault(newTextLogger(&logs))
	defer slog.SetDefault(old)
	r := newReq(http.MethodGet, "/", "")
	r.Header.Set("Authorization", "Bearer "+tok.Value)
	Middleware(g, okHandler{}).ServeHTTP(httptest.NewRecorder(), r)
	assert.Contains(t, logs.String(), `msg="honeytoken used"`)
	assert.Contains(t, logs.String(), "token_id="+tok.ID)
	assert.NotContains(t, logs.String(), tok.Value)
}
