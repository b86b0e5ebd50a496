package decoy

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Response is what a decoy sends back. The same response for a request with
// and without a honeytoken tells an attacker nothing about the tokens.
type Response struct {
	// Status is the HTTP status code (0 means 401).
	Status int
	// Header is added to the response (Content-Type and Content-Length are set
	// from Body when absent).
	Header http.Header
	// Body is sent as is.
	Body []byte
	// Delay holds the response back, like a slow real API; it ends early when
	// the client goes away.
	Delay time.Duration
}

// Unauthorized is a 401 in the shape of an OAuth 2.0 bearer-token API
// (RFC 6750): a WWW-Authenticate challenge and a small JSON error body.
func Unauthorized() Response {
	return Response{
		Status: http.StatusUnauthorized,
		Header: http.Header{
			"Content-Type":     {"application/json; charset=utf-8"},
			"Www-Authenticate": {`Bearer realm="api", error="invalid_token", error_description="The access token is invalid or has expired"`},
		},
		Body: []byte(`{"error":"invalid_token","error_description":"The access token is invalid or has expired"}` + "\n"),
	}
}

// JSON is a response with the given status and JSON body (sent verbatim).
func JSON(status int, body string) Response {
	return Response{
		Status: status,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   []byte(body),
	}
}

// write sends resp, after its delay (cut short when the client leaves).
func (resp *Response) write(w http.ResponseWriter, r *http.Request) {
	if resp.Delay > 0 {
		t := time.NewTimer(resp.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = append([]string(nil), vs...)
	}
	if h.Get("Content-Type") == "" && len(resp.Body) > 0 {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	status := resp.Status
	if status == 0 {
		status = http.StatusUnauthorized
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
}

// check rejects a response net/http cannot send (a status outside 200–599
// panics in WriteHeader or makes no sense for a decoy) or a negative delay.
func (resp *Response) check(option string) error {
	if resp.Status != 0 && (resp.Status < 200 || resp.Status > 599) {
		return invalidOption(option, fmt.Sprintf("Status %d is not 0 (401) or 200–599", resp.Status))
	}
	if resp.Delay < 0 {
		return invalidOption(option, "Delay must not be negative")
	}
	return nil
}
