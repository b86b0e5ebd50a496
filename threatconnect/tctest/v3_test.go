package tctest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func signV3(target, method string) string {
	m := hmac.New(sha256.New, []byte("secret"))
	m.Write([]byte(target + ":" + method + ":" + docTS))
	return "TC " + docID + ":" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestV3NextLinkCarriesTheAPIRootAndTheQuery(t *testing.T) {
	t.Parallel()
	s := docServer(t)
	for _, h := range []string{"a.example", "b.example", "c.example"} {
		s.AddIndicators("", Indicator{Type: "Host", Summary: h, Active: true, Tags: []string{"t"}})
	}
	target := "/api/v3/indicators?tql=tag%20%3D%20%22t%22&count=true&resultLimit=2"
	resp, body := send(t, s, "GET", target, signV3(target, "GET"), docTS)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var page struct {
		Data  []map[string]any `json:"data"`
		Next  string           `json:"next"`
		Count int              `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	assert.Len(t, page.Data, 2)
	assert.Equal(t, 3, page.Count)
	assert.Equal(t, s.URL+"/api/v3/indicators?tql=tag%20%3D%20%22t%22&count=true&resultLimit=2&resultStart=2", page.Next)

	next := strings.TrimPrefix(page.Next, s.URL)
	resp, body = send(t, s, "GET", next, signV3(next, "GET"), docTS)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	page.Next, page.Count = "", 0
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	assert.Len(t, page.Data, 1)
	assert.Empty(t, page.Next)
	assert.Zero(t, page.Count, "count only with resultStart 0, as documented")

	// Signed for %20, sent with '+': refused like any other mismatch.
	resp, body = send(t, s, "GET", strings.ReplaceAll(target, "%20", "+"), signV3(target, "GET"), docTS)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
}

func TestV3ErrorsUseTheV3Envelope(t *testing.T) {
	t.Parallel()
	s := docServer(t)
	for _, target := range []string{"/api/v3/indicators/nothing.example", "/api/v3/indicators?tql=color%20%3D%201", "/api/v3/groups/42"} {
		resp, body := send(t, s, "GET", target, signV3(target, "GET"), docTS)
		assert.GreaterOrEqual(t, resp.StatusCode, 400, target)
		var env map[string]string
		require.NoError(t, json.Unmarshal([]byte(body), &env), body)
		assert.Equal(t, "Error", env["status"])
		assert.Equal(t, "0x1001", env["errCode"])
		assert.NotEmpty(t, env["message"])
	}
}

func TestV3RefusedWriteLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	s := docServer(t)
	post := func(body string) (int, string) {
		target := "/api/v3/indicators"
		req, err := http.NewRequest("POST", s.URL+target, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", signV3(target, "POST"))
		req.Header.Set("Timestamp", docTS)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var env map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&env)
		msg, _ := env["message"].(string)
		return resp.StatusCode, msg
	}
	for _, body := range []string{
		`{"type":"Host","hostName":"a.example","associatedGroups":{"data":[{"name":"New group","type":"Incident"}]},"tags":{"data":[{"name":"x"}],"mode":"merge"}}`,
		`{"type":"Host","hostName":"a.example","associatedGroups":{"data":[{"name":"New group","type":"Incident"}]},"securityLabels":{"data":[{"name":"TLP:PURPLE"}]}}`,
		`{"type":"Host","hostName":"a.example","attributes":{"data":[{"type":"No Such Type","value":"v"}]}}`,
		`{"type":"Host","hostName":"a.example","rating":9}`,
		`{"type":"Host","hostName":"a.example","associatedGroups":{"data":[{"id":424242}]}}`,
	} {
		code, msg := post(body)
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.NotEmpty(t, msg)
		assert.Empty(t, s.Indicators(""), body)
		assert.Empty(t, s.Groups(""), body)
	}
	code, _ := post(`{"type":"Host","hostName":"A.Example","associatedGroups":{"data":[{"name":"New group","type":"Incident"}]}}`)
	assert.Equal(t, http.StatusCreated, code)
	code, _ = post(`{"type":"Host","hostName":"a.example","associatedGroups":{"data":[{"name":"New group","type":"Incident"}]}}`)
	assert.Equal(t, http.StatusOK, code, "the same summary again is an update")
	inds, groups := s.Indicators(""), s.Groups("")
	require.Len(t, inds, 1)
	require.Len(t, groups, 1, "a group named twice is found, not created twice")
	assert.Equal(t, []int64{groups[0].ID}, inds[0].Groups)
	assert.NotEqual(t, inds[0].ID, groups[0].ID)
}
