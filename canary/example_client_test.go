package canary_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// tracingTransport is an http.RoundTripper middleware in the shape of
// OpenTelemetry's otelhttp.NewTransport: it opens a span around every
// request the SDK sends (retries included, one span each), names it after
// the method and path, and records the status code and duration. With the
// real library the whole type is one line:
//
//	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}
//	c, err := canary.NewClient(canary.WithDomain("abc123"), canary.WithAuthToken(tok), canary.WithHTTPClient(hc))
//
// Record no request headers: X-Canary-Auth-Token carries the auth token
// (otelhttp records none by default). The Console's API puts no secret in
// URLs, so the path is safe to keep.
type tracingTransport struct {
	base http.RoundTripper
	end  func(span string, status int, took time.Duration, err error) // an exporter, here a printer
}

func (t tracingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	span := "HTTP " + r.Method + " " + r.URL.Path
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.end(span, status, time.Since(start), err)
	return resp, err
}

// Trace the SDK's HTTP calls (OpenTelemetry or any other tracer) by giving
// the client an *http.Client whose Transport opens a span per request. The
// SDK copies the client and only adds its cross-host redirect guard, so
// the wrapper sees every request, retries included; decoykit itself needs
// no tracing dependency.
func ExampleWithHTTPClient_tracing() {
	srv := canarytest.NewServer() // a fake Console; use WithDomain("abc123") for a real one
	defer srv.Close()

	var mu sync.Mutex
	var spans []string
	hc := &http.Client{Transport: tracingTransport{
		base: srv.HTTPClient().Transport, // for a real Console: http.DefaultTransport or your own
		end: func(span string, status int, _ time.Duration, err error) {
			mu.Lock()
			defer mu.Unlock()
			spans = append(spans, fmt.Sprintf("%s -> %d (err: %v)", span, status, err))
		},
	}}
	c, err := canary.NewClient(canary.WithBaseURL(srv.BaseURL()), canary.WithAuthToken(srv.AuthToken()),
		canary.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Ping(context.Background()); err != nil {
		log.Fatal(err)
	}
	_, err = c.Tokens.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range spans {
		fmt.Println(s)
	}
	// Output:
	// HTTP GET /api/v1/ping -> 200 (err: <nil>)
	// HTTP GET /api/v1/canarytokens/paginate -> 200 (err: <nil>)
}
