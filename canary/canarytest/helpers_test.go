package canarytest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary/canarytest"
)

// call sends a raw request with the auth header and decodes the JSON body.
func call(t *testing.T, srv *canarytest.Server, method, path string, params url.Values) (int, map[string]any) {
	t.Helper()
	req := rawRequest(t, srv, method, path, params)
	req.Header.Set("X-Canary-Auth-Token", srv.AuthToken())
	return do(t, req)
}

func rawRequest(t *testing.T, srv *canarytest.Server, method, path string, params url.Values) *http.Request {
	t.Helper()
	u := srv.BaseURL() + path
	var body io.Reader
	if method == http.MethodGet {
		if len(params) > 0 {
			u += "?" + params.Encode()
		}
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body: %s", b)
	return resp.StatusCode, m
}

// multipartCreate posts /canarytoken/create with one file part.
func multipartCreate(t *testing.T, srv *canarytest.Server, fields map[string]string, fileField, fileName string, content []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		require.NoError(t, err)
		_, err = fw.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, srv.BaseURL()+"/canarytoken/create", &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Canary-Auth-Token", srv.AuthToken())
	return do(t, req)
}

// sameShape checks that got has every key of the documented example want,
// recursively, with the same JSON type (string, number, bool, object,
// array; null in want matches anything).
func sameShape(t *testing.T, want, got any, path string) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		return
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: want an object, got %T", path, got)
		for k, wv := range w {
			gv, ok := g[k]
			require.True(t, ok, "%s: missing key %q", path, k)
			sameShape(t, wv, gv, path+"."+k)
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: want an array, got %T", path, got)
		if len(w) > 0 && len(g) > 0 {
			sameShape(t, w[0], g[0], path+"[0]")
		}
	default:
		require.IsType(t, want, got, "%s: JSON type differs", path)
	}
}

func readJSON(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}
