package tctest

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const docID = "12345678901234567890"

// The research notes' reproducible vector: secret "secret", this request
// target, this timestamp.
const (
	docTarget = "/api/v2/indicators?owner=Common%20Community"
	docTS     = "1513703787"
	docSig    = "SOPLhaC4laqJMWIVamCoBCIcJRza/avjXVibWG6cZAU="
)

func docServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := NewServer(append([]Option{WithHMAC(docID, "secret"), WithClock(func() time.Time { return time.Unix(1513703787, 0) })}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func send(t *testing.T, s *Server, method, target, auth, ts string) (*http.Response, string) {
	t.Helper()
	base := s.URL
	req, err := http.NewRequest(method, base+target, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ts != "" {
		req.Header.Set("Timestamp", ts)
	}
	resp, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestSignatureLikeThePlatform(t *testing.T) {
	t.Parallel()
	s := docServer(t)
	tests := []struct {
		name, target, auth, ts string
		want                   int
		wantBody               string
	}{
		{"documented vector", docTarget, "TC " + docID + ":" + docSig, docTS, 200, `"status":"Success"`},
		{"same signature, query sent with +", "/api/v2/indicators?owner=Common+Community", "TC " + docID + ":" + docSig, docTS, 401, "Signature data did not match expected result"},
		{"same signature, other timestamp", docTarget, "TC " + docID + ":" + docSig, "1513703788", 401, "Signature data did not match"},
		{"timestamp 6 minutes old", docTarget, "TC " + docID + ":" + docSig, fmt.Sprint(1513703787 - 360), 401, "Timestamp out of acceptable time range"},
		{"timestamp not a number", docTarget, "TC " + docID + ":" + docSig, "yesterday", 401, "Invalid timestamp"},
		{"unknown access id", docTarget, "TC 999:" + docSig, docTS, 401, "Access Denied"},
		{"no authorization", docTarget, "", "", 403, "Access Denied"},
		{"wrong token", docTarget, "TC-Token nope", "", 401, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := send(t, s, "GET", tt.target, tt.auth, tt.ts)
			assert.Equal(t, tt.want, resp.StatusCode, body)
			assert.Contains(t, body, tt.wantBody)
		})
	}
}

func TestPlainTextAndPaging(t *testing.T) {
	t.Parallel()
	s := docServer(t, WithAPIToken("tok"))
	resp, body := send(t, s, "GET", "/api/v9/nothing", "TC-Token tok", "")
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, "Could not find resource for relative")

	var seed []Indicator
	for i := range 5 {
		seed = append(seed, Indicator{Type: "Host", Summary: fmt.Sprintf("h%d.example", i), Active: true})
	}
	s.AddIndicators("", seed...)
	_, body = send(t, s, "GET", "/api/v2/indicators/hosts?resultLimit=2", "TC-Token tok", "")
	assert.Contains(t, body, `"resultCount":5`)
	assert.Contains(t, body, `"hostName":"h1.example"`)
	_, body = send(t, s, "GET", "/api/v2/indicators/hosts?resultStart=4&resultLimit=2", "TC-Token tok", "")
	assert.NotContains(t, body, "resultCount", "omitted when resultStart is not 0")
	assert.Contains(t, body, `"hostName":"h4.example"`)
	resp, body = send(t, s, "GET", "/api/v2/indicators?resultLimit=10001", "TC-Token tok", "")
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, body, "10000")
	resp, _ = send(t, s, "GET", "/api/v2/indicators?owner=Nobody", "TC-Token tok", "")
	assert.Equal(t, 403, resp.StatusCode)
}

func TestBatchErrorsAreGzip(t *testing.T) {
	t.Parallel()
	s := NewServer(WithAPIToken("tok"))
	t.Cleanup(s.Close)
	do := func(method, path, ctype, body string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, s.BaseURL()+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "TC-Token tok")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		tr := s.HTTPClient().Transport.(*http.Transport).Clone()
		tr.DisableCompression = true
		resp, err := (&http.Client{Transport: tr}).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, b
	}
	resp, b := do("POST", "/v2/batch", "application/json", `{"owner":"Example Organization","haltOnError":false,"action":"Create","attributeWriteType":"Append"}`)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var created struct {
		Data struct{ BatchID int64 }
	}
	require.NoError(t, json.Unmarshal(b, &created))
	id := created.Data.BatchID
	resp, _ = do("POST", fmt.Sprintf("/v2/batch/%d", id), "application/json", `{"indicator":[]}`)
	assert.Equal(t, 400, resp.StatusCode, "uploads must be application/octet-stream")
	resp, _ = do("POST", fmt.Sprintf("/v2/batch/%d", id), "application/octet-stream",
		`{"indicator":[{"summary":"10.0.0.1","type":"Address"},{"summary":"10.0.0.300","type":"Address"}]}`)
	assert.Equal(t, 202, resp.StatusCode)
	_, b = do("GET", fmt.Sprintf("/v2/batch/%d", id), "", "")
	assert.Contains(t, string(b), `"errorCount":1`)
	resp, b = do("GET", fmt.Sprintf("/v2/batch/%d/errors", id), "", "")
	require.Equal(t, 200, resp.StatusCode)
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	require.NoError(t, err)
	var errs []BatchError
	require.NoError(t, json.NewDecoder(zr).Decode(&errs))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].ErrorReason, "10.0.0.300")
}
