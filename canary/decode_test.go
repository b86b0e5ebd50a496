package canary

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/decoykit/decoykit/internal/rest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Differential tests: the fast decoders against encoding/json with the
// lenient wire structs (decode_oracle_test.go). Every input must give the
// same result on both paths, or an error on both.

// incidentQuirks are incident objects covering the Console's type drift and
// encoding/json's rules (case-insensitive names, duplicates, escapes).
var incidentQuirks = []string{
	// The documented feed item, verbatim.
	`{"description": {"acknowledged": "False", "created": "1586249623", "created_std": "2020-04-07 08:53:43 UTC+0000", "description": "Canarytoken triggered", "dst_host": "<destination_ip>", "dst_port": "80", "events": [{"canarytoken": "<token_code>", "dst_port": 80, "event_name": "", "headers": {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "close", "User-Agent": ""}, "src_host": "", "timestamp": 1586249623, "timestamp_std": "2020-04-07 08:53:43 UTC+0000", "type": "aws-id"}], "events_count": "1", "local_time": "2020-04-07 08:53:43 (UTC)", "logtype": "17012", "memo": "Example Memo", "name": "N/A", "node_id": "<node_id>", "notified": "False", "src_host": "", "src_port": "0"}, "hash_id": "<hash_id>", "id": "<incident_key>", "summary": "Canarytoken triggered", "updated": "Tue, 07 Apr 2020 08:53:43 GMT", "updated_id": 10, "updated_std": "2020-04-07 08:53:43 UTC+0000", "updated_time": "1586249623"}`,
	// Booleans in every spelling, null included.
	`{"acknowledged": "True", "notified": "false"}`,
	`{"acknowledged": true, "notified": 0}`,
	`{"acknowledged": 1, "notified": null}`,
	`{"acknowledged": "yes", "notified": " OFF "}`,
	`{"acknowledged": "maybe"}`,
	`{"acknowledged": {}}`,
	`{"acknowledged": 1.0}`,
	// Epochs: strings, fractions, milliseconds, numbers, zero, printable, junk.
	`{"created": "1586249510.069870", "updated_time": 1586249623}`,
	`{"created": "1586249510123", "updated_time": "1586249510.1234567891234"}`,
	`{"created": "0", "updated_time": ""}`,
	`{"created": "00", "updated_time": "5."}`,
	`{"created": 1586249623.5, "updated_time": null}`,
	`{"created": "2020-04-07 08:53:43 (UTC)"}`,
	`{"created": "Tue, 07 Apr 2020 08:53:43 GMT"}`,
	`{"created": " 1586249623 "}`,
	`{"created": "-5"}`,
	`{"created": "soon"}`,
	`{"created": ["1"]}`,
	`{"created": "99999999999999999999"}`,
	// Numbers as strings, soft ints that drift, hard ints that must not.
	`{"dst_port": "80", "src_port": 54968, "events_count": "3.0"}`,
	`{"dst_port": "N/A", "src_port": {"a": 1}, "events_count": [1, 2]}`,
	`{"dst_port": "-1", "src_port": "1e3", "events_count": null}`,
	`{"dst_port": "12.5", "src_port": true, "events_count": "99999999999999999999"}`,
	`{"updated_id": "12"}`,
	`{"updated_id": "twelve"}`,
	`{"updated_id": 12.0, "id": 7}`,
	// Null and empty lists, odd events.
	`{"events": null, "logdata": null}`,
	`{"events": []}`,
	`{"events": [], "logdata": [{"timestamp": 1586262520000, "type": 5}]}`,
	`{"events": [null, "x", 5, [1, {"a": null}], true, {}]}`,
	`{"events": {"a": 1}}`,
	`{"events": "none"}`,
	`{"events": [{"timestamp": "1586249623", "type": {"k": 1}}, {"timestamp": {}, "type": null}, {"timestamp": "x", "type": "dns"}]}`,
	`{"events": [{"timestamp": 1, "timestamp": 2, "type": "a", "type": "b", "TYPE": "c"}]}`,
	`{"events": [{"1": 22, "2": "445", "ports": [22, 445]}]}`,
	`{"events": [{"a": 1}], "events": [{"b": 2}]}`,
	`{"events": [{"a": 1}], "events": null}`,
	`{"events": [{"a": 1}], "events": []}`,
	// Shapes: fetch, search (key, incident_key, logdata), feed.
	`{"id": "incident:x", "description": "Telnet Login Attempt", "logtype": "6001", "events": [{"USERNAME": "root", "PASSWORD": "hunter2", "timestamp": 1586260854}]}`,
	`{"key": "k1", "incident_key": "k2", "hash_id": "h", "logdata": [{"timestamp": 1586262520000}], "host": {"a": [1, 2]}, "events_list": "1,2"}`,
	`{"incident_key": "k2", "id": "k3"}`,
	`{"id": "k3"}`,
	`{"description": {"id": "inner", "summary": "", "updated_id": 0, "description": "x"}, "id": "outer", "summary": "s", "updated_id": 5, "updated_time": "7", "hash_id": "h", "acknowledged": "True", "events": [{"a": 1}]}`,
	`{"description": {"description": {"nested": true}}, "id": "o"}`,
	`{"description": {"description": [1]}, "id": "o"}`,
	`{"description": {"acknowledged": "maybe"}, "description": "fine"}`,
	`{"description": {"acknowledged": "maybe"}}`,
	`{"description": "fine", "description": {"acknowledged": "True"}}`,
	`{"description": [1, 2]}`,
	`{"description": [1], "description": "ok"}`,
	`{"description": null}`,
	`{"description": 5}`,
	`{"description": {}, "acknowledged": "maybe"}`,
	`{"description": {"events": "bad"}, "id": "x"}`,
	`{"outer": 1, "events": "bad", "description": {"id": "x"}}`,
	// Names: case-insensitive, folded (long s, Kelvin sign), escaped.
	`{"ID": "a", "Acknowledged": "True", "SUMMARY": "s", "Hash_Id": "h"}`,
	`{"ſummary": "long s", "\u212aey": "kelvin", "node_id": "n", "NODE_ID": "N"}`,
	`{"summ\u0061ry": "escaped name", "\u0069d": "i"}`,
	`{"id": "a", "Id": "b"}`,
	`{"Description": {"ID": "x", "ACKNOWLEDGED": 1}}`,
	// Strings: escapes, unicode, surrogates, invalid UTF-8 kept or replaced.
	`{"memo": "line\nbreak \"quoted\" \u00e9t\u00e9 \ud83d\ude00 \ud800 x \udc00\ud800"}`,
	"{\"memo\": \"raw \xff\xfe bytes\", \"name\": \"esc \xff \\n\"}",
	"{\"events\": [{\"k\xff\": \"v\xff\", \"\\u00e9\": \"\\ud83d\"}]}",
	`{"memo": 12.5e3, "name": true, "flock_id": false, "node_id": null}`,
	`{"memo": {"a": 1}}`,
	`{"memo": [1]}`,
	// Not an object, or not JSON.
	`null`,
	` {"id": "ws"} `,
	`"text"`,
	`[1]`,
	`5`,
	`{"id": "x",}`,
	`{"id": "x"} trailing`,
	`{"id": "x" "memo": 1}`,
	`{"id": 01}`,
	`{"id": "\x"}`,
	"{\"id\": \"ctrl\x01\"}",
	`{"id": tru}`,
	``,
	`{`,
}

// tokenQuirks are token objects covering the documented shapes and drift.
var tokenQuirks = []string{
	`{"browser_scanner_enabled": true, "canarytoken": "<token_code>", "created": "1586161315.087693", "created_printable": "2020-04-06 08:21:55 (UTC)", "enabled": true, "flock_id": "flock:default", "hostname": "<token_hostname>", "key": "<token_key>", "kind": "http", "memo": "Example Memo", "triggered_count": 0, "updated_id": 7, "url": "<token_url>"}`,
	`{"access_key_id": "<aws_access_key_id>", "canarytoken": "<token_code>", "created": "1586249510.069870", "enabled": true, "factory_auth": "<factory_auth_token>", "kind": "aws-id", "renders": {"aws-id": "\n    [default]\n    aws_access_key_id = ..."}, "secret_access_key": "<aws_secret_access_key>", "triggered_count": "3", "updated_id": "17", "username": "<user_name>"}`,
	`{"canarytoken": "t", "enabled": "False", "browser_scanner_enabled": "True"}`,
	`{"canarytoken": "t", "browser_scanner_enabled": "True", "browser_scanner_enabled": null}`,
	`{"canarytoken": "t", "browser_scanner_enabled": null, "browser_scanner_enabled": 0}`,
	`{"canarytoken": "t", "browser_scanner_enabled": "perhaps"}`,
	`{"canarytoken": "t", "enabled": 2}`,
	`{"canarytoken": "t", "triggered_count": "N/A"}`,
	`{"canarytoken": "t", "unacked_alert_count": "4", "kind_description": "Web bug", "qr_code": "data:image/png;base64,AAAA"}`,
	`{"canarytoken": "t", "renders": {"a": "1"}, "renders": {"b": 2, "a": null}}`,
	`{"canarytoken": "t", "renders": {"a": "1"}, "renders": null}`,
	`{"canarytoken": "t", "renders": {}}`,
	`{"canarytoken": "t", "renders": "x"}`,
	`{"canarytoken": "t", "renders": {"a": {"b": 1}}}`,
	`{"canarytoken": "t", "renders": [1]}`,
	`{"canarytoken": "t", "renders": {"w\u0067_conf": "x", "k\xff": "v"}}`,
	`{"Canarytoken": "t", "KIND": "dns", "ſecret_acce\u017f\u017f_key": "s"}`,
	`{"canarytoken": 123, "memo": true, "created": 1586161315}`,
	`{"canarytoken": "t", "created": "later"}`,
	`{"canarytoken": "t", "endpoints": [{"x": 1}], "online": true}`,
	`{"endpoints": ["factory"]}`,
	`{"canarytoken": "t", "memo": "caf\u00e9 \ud83d\ude00 \"q\""}`,
	`null`,
	`[]`,
	`{"canarytoken": "t",}`,
	`{"canarytoken": "t"}}`,
}

// testdataFiles reads the named documented responses.
func testdataFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out[filepath.Base(p)] = b
	}
	return out
}

// documentedIncidents returns every incident object in the documented
// responses (feed, fetch and search shapes).
func documentedIncidents(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for name, body := range testdataFiles(t, "incidents") {
		var v struct {
			Incident  json.RawMessage   `json:"incident"`
			Incidents []json.RawMessage `json:"incidents"`
		}
		if json.Unmarshal(body, &v) != nil {
			continue // the documented trailing-comma page
		}
		if v.Incident != nil {
			out[name] = v.Incident
		}
		for _, inc := range v.Incidents {
			out[name+"/item"] = inc
		}
	}
	return out
}

// checkIncident requires decodeIncident and the encoding/json reference to
// agree on data.
func checkIncident(t testing.TB, data []byte) {
	t.Helper()
	var want oracleIncident
	stdErr := want.UnmarshalJSON(data)
	var got Incident
	fastErr := decodeIncident(data, &got)
	if stdErr != nil {
		require.Error(t, fastErr, "encoding/json fails (%v) but the fast path decodes %q", stdErr, data)
		return
	}
	require.NoError(t, fastErr, "the fast path fails where encoding/json decodes %q", data)
	require.Equal(t, Incident(want), got, "input %q", data)
}

func checkToken(t testing.TB, data []byte) {
	t.Helper()
	var want Token
	stdErr := want.unmarshalStd(data)
	var got Token
	fastErr := decodeToken(data, &got)
	if stdErr != nil {
		require.Error(t, fastErr, "encoding/json fails (%v) but the fast path decodes %q", stdErr, data)
		return
	}
	require.NoError(t, fastErr, "the fast path fails where encoding/json decodes %q", data)
	require.Equal(t, want, got, "input %q", data)
}

func checkIncidentPage(t testing.TB, body []byte) {
	t.Helper()
	want, stdErr := oracleDecodeIncidentPage(body)
	got, fastErr := decodeIncidentPage(body)
	if stdErr != nil {
		require.Error(t, fastErr, "encoding/json fails (%v) but the fast path decodes %q", stdErr, body)
		return
	}
	require.NoError(t, fastErr, "the fast path fails where encoding/json decodes %q", body)
	require.Equal(t, want, got, "input %q", body)
}

func checkTokenPage(t testing.TB, body []byte) {
	t.Helper()
	var want oracleTokenPage
	stdErr := json.Unmarshal(body, &want)
	var got tokenPageWire
	fastErr := decodeTokenPage(body, &got)
	if stdErr != nil {
		require.Error(t, fastErr, "encoding/json fails (%v) but the fast path decodes %q", stdErr, body)
		return
	}
	require.NoError(t, fastErr, "the fast path fails where encoding/json decodes %q", body)
	require.Equal(t, want.wire(), got, "input %q", body)
}

func TestDecodeIncidentMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for i, in := range incidentQuirks {
		t.Run(strings.ReplaceAll(clip(in), "/", "_"), func(t *testing.T) {
			t.Parallel()
			checkIncident(t, []byte(in))
			_ = i
		})
	}
	for name, inc := range documentedIncidents(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkIncident(t, inc)
		})
	}
}

// TestDecodeIncidentQuirks spells out what the quirks decode to, so that the
// differential test is not two wrong decoders agreeing.
func TestDecodeIncidentQuirks(t *testing.T) {
	t.Parallel()
	dec := func(t *testing.T, s string) *Incident {
		t.Helper()
		var inc Incident
		require.NoError(t, decodeIncident([]byte(s), &inc))
		return &inc
	}
	t.Run("feed shape", func(t *testing.T) {
		t.Parallel()
		inc := dec(t, incidentQuirks[0])
		assert.Equal(t, "<incident_key>", inc.Key)
		assert.Equal(t, "<hash_id>", inc.HashID)
		assert.Equal(t, "Canarytoken triggered", inc.Description)
		assert.False(t, inc.Acknowledged)
		assert.Equal(t, int64(1586249623), inc.Created.Unix())
		assert.Equal(t, int64(10), inc.UpdatedID)
		assert.Equal(t, 80, inc.DestPort)
		assert.Equal(t, 1, inc.EventsCount)
		require.Len(t, inc.Events, 1)
		assert.Equal(t, "aws-id", inc.Events[0].Type)
		var headers map[string]string
		require.NoError(t, inc.Events[0].Decode("headers", &headers))
		assert.Equal(t, "gzip, deflate", headers["Accept-Encoding"])
		assert.Equal(t, incidentQuirks[0], string(inc.Raw))
	})
	t.Run("string booleans and ports", func(t *testing.T) {
		t.Parallel()
		inc := dec(t, `{"acknowledged": "True", "notified": "False", "dst_port": "80", "src_port": "N/A"}`)
		assert.True(t, inc.Acknowledged)
		assert.False(t, inc.Notified)
		assert.Equal(t, 80, inc.DestPort)
		assert.Equal(t, 0, inc.SourcePort)
	})
	t.Run("epoch strings", func(t *testing.T) {
		t.Parallel()
		inc := dec(t, `{"created": "1586249510.069870", "updated_time": "1586249510123"}`)
		assert.Equal(t, int64(1586249510069870000), inc.Created.UnixNano())
		assert.Equal(t, int64(1586249510123), inc.Updated.UnixMilli())
	})
	t.Run("null lists", func(t *testing.T) {
		t.Parallel()
		assert.Nil(t, dec(t, `{"events": null}`).Events)
		assert.NotNil(t, dec(t, `{"events": []}`).Events)
		assert.Len(t, dec(t, `{"events": null, "logdata": [{"a": 1}]}`).Events, 1)
	})
	t.Run("bad boolean is an error", func(t *testing.T) {
		t.Parallel()
		var inc Incident
		assert.ErrorIs(t, decodeIncident([]byte(`{"acknowledged": "maybe"}`), &inc), errFast)
	})
}

func TestDecodeTokenMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range tokenQuirks {
		t.Run(strings.ReplaceAll(clip(in), "/", "_"), func(t *testing.T) {
			t.Parallel()
			checkToken(t, []byte(in))
		})
	}
}

func TestDecodePagesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for name, body := range testdataFiles(t, "incidents") {
		t.Run("incidents/"+name, func(t *testing.T) {
			t.Parallel()
			checkIncidentPage(t, body)
		})
	}
	for name, body := range testdataFiles(t, "tokens") {
		t.Run("tokens/"+name, func(t *testing.T) {
			t.Parallel()
			checkTokenPage(t, body)
		})
	}
	t.Run("generated feed", func(t *testing.T) {
		t.Parallel()
		tmpl := incidentFeedTemplate(30)
		checkIncidentPage(t, tmpl.render(0, 2))
		checkIncidentPage(t, tmpl.render(1, 2))
	})
	t.Run("generated tokens", func(t *testing.T) {
		t.Parallel()
		tmpl := tokenListTemplate(24)
		checkTokenPage(t, tmpl.render(0, 2))
		checkTokenPage(t, tmpl.render(1, 2))
		checkTokenPage(t, tokenPage(16))
	})
	for _, body := range pageQuirks {
		t.Run(strings.ReplaceAll(clip(body), "/", "_"), func(t *testing.T) {
			t.Parallel()
			checkIncidentPage(t, []byte(body))
			checkTokenPage(t, []byte(body))
		})
	}
}

// pageQuirks are page bodies that both page decoders must read like
// encoding/json.
var pageQuirks = []string{
	`{"result": "success", "incidents": null, "feed": "All Incidents"}`,
	`{"result": "success", "incidents": [], "canarytokens": []}`,
	`{"result": "success", "incidents": [null, {"id": "a"}, null], "canarytokens": [null, {"canarytoken": "t"}, {"kind": "x"}]}`,
	`{"result": "error", "message": "Invalid auth_token"}`,
	`{"message": "no result"}`,
	`{"result": null}`,
	`{"result": "success", "result": null}`,
	`{"result": 1}`,
	`{"Result": "success", "CURSOR": {"Next": "n", "PREV": "p"}}`,
	`{"result": "success", "cursor": {"next": "a"}, "cursor": {"prev": "b"}}`,
	`{"result": "success", "cursor": {"next": "a"}, "cursor": null}`,
	`{"result": "success", "cursor": {"next": "a", "next": null}}`,
	`{"result": "success", "cursor": {"next": 5}}`,
	`{"result": "success", "cursor": "x"}`,
	`{"result": "success", "cursor": {"next": "a\u0062\ud800", "next_link": "https://x/?auth_token=y"}}`,
	`{"result": "success", "max_updated_id": "12", "page_number": "2", "total_pages": 3.0, "total_results": null, "page_num": "1", "page_total": "4"}`,
	`{"result": "success", "max_updated_id": "N/A"}`,
	`{"result": "success", "page_num": {}}`,
	`{"result": "success", "incidents": {"id": "a"}}`,
	`{"result": "success", "incidents": ["a"]}`,
	`{"result": "success", "canarytokens": "x"}`,
	`{"result": "success", "canarytokens": [5]}`,
	`{"result": "success", "incidents": [{"acknowledged": "maybe"}]}`,
	`{"result": "success", "canarytokens": [{"canarytoken": "a"}], "canarytokens": [{"canarytoken": "b"}, null]}`,
	`{"result": "success", "feed": 5, "message": null}`,
	`{"result": "success", "incident_source_counts": {"1.2.3.4": 8}}`,
	`null`,
	`[]`,
	`{"result": "success"} x`,
	`{"result": "success",}`,
	` {"result": "success"} `,
	`{"result": "succ\u0065ss"}`,
	"{\"result\": \"success\xff\"}",
}

// TestDecodeNesting checks encoding/json's nesting limit (10000) on both
// paths: just under it decodes, just over it is refused.
func TestDecodeNesting(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{jsonscan.MaxNesting - 3, jsonscan.MaxNesting - 2, jsonscan.MaxNesting - 1} {
		inner := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		page := `{"result": "success", "incidents": [{"events": [{"deep": ` + inner + `}]}]}`
		checkIncidentPage(t, []byte(page))
		checkIncident(t, []byte(`{"events": [{"deep": `+inner+`}]}`))
		checkTokenPage(t, []byte(`{"result": "success", "canarytokens": [{"x": `+inner+`}]}`))
	}
}

// TestTokenUnmarshalJSON checks the public path: Token.UnmarshalJSON and
// tokenPageWire.UnmarshalJSON give encoding/json's results and, for bad
// input, encoding/json's errors.
func TestTokenUnmarshalJSON(t *testing.T) {
	t.Parallel()
	for _, in := range tokenQuirks {
		var want, got Token
		stdErr := want.unmarshalStd([]byte(in))
		err := json.Unmarshal([]byte(in), &got)
		if stdErr != nil {
			require.Error(t, err, in)
			if json.Valid([]byte(in)) {
				assert.Equal(t, stdErr.Error(), err.Error(), in)
			}
			continue
		}
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range pageQuirks {
		var want oracleTokenPage
		stdErr := json.Unmarshal([]byte(in), &want)
		var got tokenPageWire
		err := json.Unmarshal([]byte(in), &got)
		if stdErr != nil {
			require.Error(t, err, in)
			continue
		}
		require.NoError(t, err, in)
		assert.Equal(t, want.wire(), got, in)
	}
	// A type error names the same struct as before the fast path.
	var w tokenPageWire
	err := json.Unmarshal([]byte(`{"result": 1}`), &w)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tokenPageWire")
}

// TestIncidentOracleIsUnmarshal checks that the frozen reference decodes
// like Incident.UnmarshalJSON itself, so the differential tests compare the
// fast path with what users get.
func TestIncidentOracleIsUnmarshal(t *testing.T) {
	t.Parallel()
	inputs := append([]string(nil), incidentQuirks...)
	for _, inc := range documentedIncidents(t) {
		inputs = append(inputs, string(inc))
	}
	for _, in := range inputs {
		var want oracleIncident
		stdErr := want.UnmarshalJSON([]byte(in))
		var got Incident
		err := got.UnmarshalJSON([]byte(in))
		if stdErr != nil {
			require.Error(t, err, in)
			continue
		}
		require.NoError(t, err, in)
		require.Equal(t, Incident(want), got, in)
	}
}

// TestPageDecoders checks the page path's decoding: the fast path's items,
// and the client's usual errors when it falls back.
func TestPageDecoders(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
	require.NoError(t, err)
	t.Run("incidents", func(t *testing.T) {
		t.Parallel()
		p, err := decodeIncidentsPage(c, getReq("/incidents/all"), 200, incidentFeedTemplate(4).render(0, 2))
		require.NoError(t, err)
		require.Len(t, p.Items, 4)
		assert.Equal(t, pageCursor(1), p.NextCursor)
		assert.Equal(t, "incident:canarytoken:0000000002:203.0.113.7:1586249623", p.Items[2].Key)
	})
	t.Run("tokens", func(t *testing.T) {
		t.Parallel()
		p, err := decodeTokensPage(c, getReq("/canarytokens/paginate"), 200, tokenListTemplate(3).render(1, 2))
		require.NoError(t, err)
		require.Len(t, p.Items, 3)
		assert.Empty(t, p.NextCursor)
		assert.Equal(t, "tok0000000005", p.Items[2].ID)
	})
	bad := []struct {
		name, body string
		is         error
	}{
		{"error envelope", `{"result": "error", "message": "Incident not found"}`, ErrNotFound},
		{"no result", `{"incidents": [], "canarytokens": []}`, ErrMalformedResponse},
		{"html", `<html><body>502 Bad Gateway</body></html>`, ErrMalformedResponse},
		{"truncated", `{"result": "success", "incidents": [{"id": "a"`, ErrMalformedResponse},
		{"bad boolean", `{"result": "success", "incidents": [{"acknowledged": "maybe"}], "canarytokens": [{"enabled": "maybe"}]}`, ErrMalformedResponse},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeIncidentsPage(c, getReq("/incidents/all"), 200, []byte(tc.body))
			require.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), "/incidents/all")
			_, err = decodeTokensPage(c, getReq("/canarytokens/paginate"), 200, []byte(tc.body))
			require.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), "/canarytokens/paginate")
		})
	}
}

func getReq(path string) rest.Request { return rest.Request{Method: http.MethodGet, Path: path} }

// jsonNames returns the json names of a struct's fields, embedded structs'
// fields included, "-" left out.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			names = append(names, jsonNames(f.Type)...)
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	return names
}

// TestFastDecodersNameEveryWireField: each fast decoder's member table holds
// exactly its wire struct's json names, so a field added to a wire struct
// (what encoding/json decodes) and not to the fast decoder fails here, not
// silently in production.
func TestFastDecodersNameEveryWireField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		wire  reflect.Type
		table *fieldTable
	}{
		{"incident", reflect.TypeFor[incidentWire](), incidentNames},
		{"incident page", reflect.TypeFor[incidentPageWire](), incidentPageNames},
		{"token", reflect.TypeFor[tokenWire](), tokenNames},
		{"token page", reflect.TypeFor[tokenPageWire](), tokenPageNames},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.ElementsMatch(t, jsonNames(tc.wire), tc.table.names)
			for i, n := range tc.table.names {
				assert.Equal(t, i, tc.table.lookup([]byte(n)), n)
				assert.Equal(t, i, tc.table.lookup([]byte(strings.ToUpper(n))), "encoding/json matches %s case-insensitively", n)
			}
			assert.Equal(t, -1, tc.table.lookup([]byte("no_such_member")))
		})
	}
	assert.ElementsMatch(t, jsonNames(reflect.TypeFor[cursorWire]()), []string{"next", "prev"})
}
