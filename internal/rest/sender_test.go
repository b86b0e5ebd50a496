package rest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/internal/multipartx"
)

const secret = "sekrit-token-value"

func newMocked(t *testing.T, p Policy, logs *bytes.Buffer) (*Sender, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base, err := ParseBaseURL("https://acme.canary.tools/api/v1")
	require.NoError(t, err)
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(Config{
		Name: "test", BaseURL: base, HTTPClient: &http.Client{Transport: mt}, Retry: p,
		Secrets: []string{secret}, Logger: log, UserAgent: "ua/1",
		Authorize: func(r *http.Request) error { r.Header.Set("X-Canary-Auth-Token", secret); return nil },
	})
	require.NoError(t, err)
	return s, mt
}

func TestDoBuildsRequest(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	mt.RegisterResponder("POST", "https://acme.canary.tools/api/v1/canarytoken/create", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, secret, r.Header.Get("X-Canary-Auth-Token"))
		assert.Equal(t, "ua/1", r.Header.Get("User-Agent"))
		assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "http", r.PostForm.Get("kind"))
		assert.Empty(t, r.URL.RawQuery)
		return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
	})
	resp, err := s.Do(context.Background(), Request{Method: "POST", Path: "/canarytoken/create", Form: url.Values{"kind": {"http"}}})
	require.NoError(t, err)
	assert.Equal(t, `{"result":"success"}`, string(resp.Body))
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{}, nil)
		var calls atomic.Int32
		mt.RegisterResponder("GET", "=~/ping", func(*http.Request) (*http.Response, error) {
			if calls.Add(1) == 1 {
				r := httpmock.NewStringResponse(429, `{"result":"error","message":"slow down"}`)
				r.Header.Set("Retry-After", "7")
				return r, nil
			}
			return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
		})
		start := time.Now()
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
		require.NoError(t, err)
		assert.Equal(t, int32(2), calls.Load())
		assert.Equal(t, 7*time.Second, time.Since(start), "waited exactly Retry-After (fake clock)")
	})
}

func TestRetryAfterTooLongIsNotWaited(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxRetryAfter: time.Minute}, nil)
		mt.RegisterResponder("GET", "=~/ping", func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(429, `{}`)
			r.Header.Set("Retry-After", "3600")
			return r, nil
		})
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, time.Hour, se.RetryAfter)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestRetry503StormGivesUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var infos []RetryInfo
		s, mt := newMocked(t, Policy{MaxAttempts: 4, OnRetry: func(i RetryInfo) { infos = append(infos, i) }}, nil)
		mt.RegisterResponder("GET", "=~/ping", httpmock.NewStringResponder(503, "<html>busy</html>"))
		start := time.Now()
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 503, se.StatusCode)
		assert.Equal(t, 4, se.Attempts)
		assert.Equal(t, 4, mt.GetTotalCallCount())
		require.Len(t, infos, 3)
		var total time.Duration
		for i, in := range infos {
			assert.Equal(t, i+1, in.Attempt)
			assert.Equal(t, 503, in.StatusCode)
			assert.GreaterOrEqual(t, in.Wait, 250*time.Millisecond)
			total += in.Wait
		}
		assert.Equal(t, total, time.Since(start))
	})
}

func TestRetryConnectionReset(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{}, nil)
		var calls atomic.Int32
		mt.RegisterResponder("GET", "=~/ping", func(*http.Request) (*http.Response, error) {
			if calls.Add(1) < 3 {
				return nil, syscall.ECONNRESET
			}
			return httpmock.NewStringResponse(200, `{"result":"success"}`), nil
		})
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
		require.NoError(t, err)
		assert.Equal(t, int32(3), calls.Load())
	})
}

func TestTransportErrorAfterRetriesIsTyped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 2}, nil)
		mt.RegisterResponder("GET", "=~/ping", httpmock.NewErrorResponder(syscall.ECONNREFUSED))
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping", Query: url.Values{"auth_token": {secret}}})
		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, 2, te.Attempts)
		assert.ErrorIs(t, err, syscall.ECONNREFUSED)
		assert.NotContains(t, err.Error(), secret)
	})
}

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MinBackoff: time.Minute, MaxBackoff: time.Hour}, nil)
		mt.RegisterResponder("GET", "=~/ping", httpmock.NewStringResponder(502, ""))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(5 * time.Second); cancel() }()
		start := time.Now()
		_, err := s.Do(ctx, Request{Method: "GET", Path: "/ping"})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 5*time.Second, time.Since(start))
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestPostIsNeverSentTwice(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 5}, nil)
		mt.RegisterResponder("POST", "=~/create", httpmock.NewStringResponder(503, ""))
		mt.RegisterResponder("POST", "=~/reset", httpmock.NewErrorResponder(syscall.ECONNRESET))
		_, err := s.Do(context.Background(), Request{Method: "POST", Path: "/canarytoken/create", Form: url.Values{}})
		require.Error(t, err)
		_, err = s.Do(context.Background(), Request{Method: "POST", Path: "/reset", Form: url.Values{}})
		require.Error(t, err)
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
}

func TestIdempotentPostAndOptInAreRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 3}, nil)
		mt.RegisterResponder("POST", "=~/ack", httpmock.NewStringResponder(503, ""))
		_, err := s.Do(context.Background(), Request{Method: "POST", Path: "/ack", Form: url.Values{"a": {"b"}}, Idempotent: true})
		require.Error(t, err)
		assert.Equal(t, 3, mt.GetTotalCallCount())

		s2, mt2 := newMocked(t, Policy{MaxAttempts: 2, RetryNonIdempotent: true}, nil)
		var bodies []string
		mt2.RegisterResponder("POST", "=~/create", func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			return httpmock.NewStringResponse(503, ""), nil
		})
		mp, err := multipartx.New(url.Values{"memo": {"m"}}, multipartx.File{Field: "exe", Name: "a.exe", Content: strings.NewReader("MZpayload"), Size: 9})
		require.NoError(t, err)
		_, err = s2.Do(context.Background(), Request{Method: "POST", Path: "/create", Multipart: mp})
		require.Error(t, err)
		require.Len(t, bodies, 2)
		assert.Equal(t, bodies[0], bodies[1], "a rewound multipart body is replayed byte for byte")
		assert.Contains(t, bodies[0], "MZpayload")
	})
}

func TestNonRewindableUploadIsNotRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s, mt := newMocked(t, Policy{MaxAttempts: 3, RetryNonIdempotent: true}, nil)
		mt.RegisterResponder("POST", "=~/create", httpmock.NewStringResponder(503, ""))
		mp, err := multipartx.New(nil, multipartx.File{Field: "exe", Name: "a", Content: io.LimitReader(strings.NewReader("MZ"), 2), Size: -1})
		require.NoError(t, err)
		_, err = s.Do(context.Background(), Request{Method: "POST", Path: "/create", Multipart: mp})
		require.Error(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	s.cfg.MaxBodyBytes = 10
	mt.RegisterResponder("GET", "=~/big", httpmock.NewStringResponder(200, strings.Repeat("x", 11)))
	_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/big"})
	assert.ErrorIs(t, err, ErrBodyTooLarge)
}

func TestCrossHostRedirectRefusedAndAuthNotLeaked(t *testing.T) {
	t.Parallel()
	var leaked atomic.Bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Canary-Auth-Token") != "" {
			leaked.Store(true)
		}
	}))
	defer evil.Close()
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusFound)
	}))
	defer good.Close()
	base, err := ParseBaseURL(good.URL + "/api/v1")
	require.NoError(t, err)
	var logs bytes.Buffer
	s, err := New(Config{Name: "t", BaseURL: base, HTTPClient: good.Client(), Secrets: []string{secret},
		Logger:    slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Authorize: func(r *http.Request) error { r.Header.Set("X-Canary-Auth-Token", secret); return nil }})
	require.NoError(t, err)
	_, err = s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
	require.ErrorIs(t, err, ErrCrossHostRedirect)
	assert.False(t, leaked.Load())
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, logs.String(), secret)
	assert.Equal(t, 1, strings.Count(logs.String(), "http request failed"), "not retried")
}

func TestSameHostRedirectIsFollowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/old" {
			http.Redirect(w, r, "/api/v1/new", http.StatusMovedPermanently)
			return
		}
		assert.Equal(t, secret, r.Header.Get("X-Canary-Auth-Token"))
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	base, _ := ParseBaseURL(srv.URL + "/api/v1")
	s, err := New(Config{BaseURL: base, HTTPClient: srv.Client(),
		Authorize: func(r *http.Request) error { r.Header.Set("X-Canary-Auth-Token", secret); return nil }})
	require.NoError(t, err)
	resp, err := s.Do(context.Background(), Request{Method: "GET", Path: "/old"})
	require.NoError(t, err)
	assert.Equal(t, "ok", string(resp.Body))
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"https://acme.canary.tools/api/v1": true,
		"http://127.0.0.1:8080/api/v1":     true,
		"http://localhost/api/v1/":         true,
		"http://[::1]:99/x":                true,
		"http://acme.canary.tools/api/v1":  false,
		"ftp://x/":                         false,
		"/relative":                        false,
		"https://u:p@acme.canary.tools/":   false,
		"https://acme.canary.tools/?a=b":   false,
		"https://acme.canary.tools/%zz":    false,
	} {
		u, err := ParseBaseURL(in)
		if ok {
			require.NoError(t, err, in)
			assert.False(t, strings.HasSuffix(u.Path, "/"), in)
		} else {
			assert.Error(t, err, in)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, ok := parseRetryAfter("12", now)
	assert.True(t, ok)
	assert.Equal(t, 12*time.Second, d)
	d, ok = parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now)
	assert.True(t, ok)
	assert.Equal(t, 90*time.Second, d)
	_, ok = parseRetryAfter("soon", now)
	assert.False(t, ok)
	_, ok = parseRetryAfter("-1", now)
	assert.False(t, ok)
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := Policy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}.WithDefaults()
	for n := 1; n < 40; n++ {
		for range 50 {
			w := p.backoff(n)
			assert.GreaterOrEqual(t, w, 50*time.Millisecond)
			assert.LessOrEqual(t, w, time.Second)
		}
	}
	assert.False(t, retryableError(ErrCrossHostRedirect))
	assert.True(t, retryableError(errors.New("EOF")))
}

func TestRawPathKeepsEscapedSegments(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	var got string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.URL.EscapedPath()
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/v2/indicators/urls/http://a/b", RawPath: "/v2/indicators/urls/http:%2F%2Fa%2Fb"})
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/v2/indicators/urls/http:%2F%2Fa%2Fb", got)
	_, err = s.Do(context.Background(), Request{Method: "GET", Path: "/x", RawPath: "/y"})
	assert.ErrorContains(t, err, "RawPath does not unescape")
}

func TestSecretAcrossTheErrorBodyCapIsMasked(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{MaxAttempts: 1}, nil)
	s.cfg.MaxErrorBodyBytes = 100
	body := strings.Repeat("x", 95) + secret + " trailing"
	mt.RegisterResponder("GET", "=~/ping", httpmock.NewStringResponder(500, body))
	_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/ping"})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.LessOrEqual(t, len(se.Body), 100)
	assert.NotContains(t, string(se.Body), secret[:5], "no prefix of the secret survives the cut")
}

func TestRawQueryIsSentByteForByte(t *testing.T) {
	t.Parallel()
	s, mt := newMocked(t, Policy{}, nil)
	var got string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.URL.RawQuery
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	for _, tc := range []struct{ raw, want string }{
		{"tql=typeName%20in%20(%22Address%22%2C%20%22Host%22)&resultLimit=2", "tql=typeName%20in%20(%22Address%22%2C%20%22Host%22)&resultLimit=2"},
		{"b=2&a=1&a=0", "b=2&a=1&a=0"}, // not re-sorted as Query.Encode would
		{"owner=Common+Community", "owner=Common+Community"},
	} {
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/v3/indicators", Query: url.Values{"ignored": {"x"}}, RawQuery: tc.raw})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
	for _, bad := range []string{"a=b c", "a=%zz", "a=1#frag", "a=\n", "a=%4"} {
		_, err := s.Do(context.Background(), Request{Method: "GET", Path: "/v3/indicators", RawQuery: bad})
		assert.ErrorContains(t, err, "RawQuery is not a valid URL query", bad)
	}
}

// TestRequestSecretsAreMasked: a secret a request carries (a key being
// revoked, in its form) is masked like Config.Secrets in transport errors,
// status errors and log lines; other requests are not affected.
func TestRequestSecretsAreMasked(t *testing.T) {
	t.Parallel()
	const own = "request-own-secret-77"
	var logs bytes.Buffer
	s, mt := newMocked(t, Policy{MaxAttempts: 1}, &logs)
	mt.RegisterResponder("POST", "https://acme.canary.tools/api/v1/a", httpmock.NewErrorResponder(errors.New("echo "+own)))
	mt.RegisterResponder("POST", "https://acme.canary.tools/api/v1/b", httpmock.NewStringResponder(500, `{"message":"echo `+own+`"}`))
	for _, path := range []string{"/a", "/b"} {
		_, err := s.Do(context.Background(), Request{Method: "POST", Path: path, Form: url.Values{"k": {own}}, Secrets: []string{own}})
		require.Error(t, err)
		for e := err; e != nil; e = errors.Unwrap(e) {
			assert.NotContains(t, e.Error(), own, path)
		}
		var se *StatusError
		if errors.As(err, &se) {
			assert.NotContains(t, string(se.Body), own)
		}
	}
	assert.NotContains(t, logs.String(), own)
	_, err := s.Do(context.Background(), Request{Method: "POST", Path: "/a"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), own, "without Request.Secrets the echo is not masked: the test can fail")
}
