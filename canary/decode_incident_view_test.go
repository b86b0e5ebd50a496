package canary

import (
	"encoding/json"
	"testing"

	"github.com/decoykit/decoykit/internal/auditview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// viewQuirks are incident objects aimed at what the view decoder reads
// differently from the full one: the events it summarises instead of
// building, and the members it steps over instead of reading.
var viewQuirks = []string{
	`{"events": [{"timestamp": 0, "type": "", "canarytoken": ""}, {"timestamp": "1586249623", "type": "aws-id", "canarytoken": "tok1"}]}`,
	`{"events": [{"type": "a", "type": "b", "canarytoken": "x", "canarytoken": "y", "timestamp": 1, "timestamp": 2}]}`,
	`{"events": [{"canarytoken": {"a": 1}}, {"canarytoken": ["x"]}, {"canarytoken": 12}, {"canarytoken": null}, {"canarytoken": true}]}`,
	`{"events": [{"canar\u0079token": "esc", "t\u0079pe": "t", "Type": "T", "CANARYTOKEN": "up"}]}`,
	`{"events": [{"canarytoken": "a\u00e9\n"}, {"type": "\ud800"}]}`,
	`{"events": [{"timestamp": "x"}, {"timestamp": {"a": 1}}, {"timestamp": "-5"}, {"timestamp": 1586249623123}]}`,
	`{"events": [1, "a", null, [1, 2], {"type": "late"}]}`,
	`{"events": null, "logdata": [{"canarytoken": "fromlogdata", "type": "dns"}]}`,
	`{"events": [], "logdata": [{"canarytoken": "fromlogdata"}]}`,
	`{"events": [null], "logdata": [{"canarytoken": "ignored"}]}`,
	`{"logdata": [{"canarytoken": "a"}], "events": [{"canarytoken": "b"}], "events": []}`,
	`{"events": {"canarytoken": "x"}}`,
	`{"events": "x"}`,
	`{"description": {"events": [{"canarytoken": "inner"}], "node_id": "n1", "logtype": "17000"}, "events": [{"canarytoken": "outer"}], "updated_time": "1586249623"}`,
	`{"description": {"updated_time": "1586249000"}, "updated_time": "1586249623"}`,
	`{"description": {"acknowledged": "maybe"}, "description": "later text"}`,
	`{"description": {"acknowledged": "maybe"}}`,
	`{"description": {"events": [{"canarytoken": {"a": 1}}]}}`,
	`{"description": ["x"]}`,
	`{"description": {"description": ["x"]}}`,
	`{"description": {"description": {"nested": true}}}`,
	`{"summary": {"a": 1}}`, `{"key": ["k"]}`, `{"hash_id": 12, "summary": true, "memo": null}`,
	`{"created_std": [], "flock_name": {}, "name": 1.5e3}`, `{"ip_address": [1]}`,
	`{"src_host_reverse": {}, "dst_host": {}, "mac_address": [], "local_time": {}}`,
	`{"updated_id": "x"}`, `{"updated_id": "9223372036854775808"}`, `{"src_port": "x", "dst_port": [], "events_count": {}}`,
	`{"notified": "maybe"}`, `{"acknowledged": "yes"}`, `{"created": "soon"}`, `{"updated_time": []}`,
	`{"NODE_ID": "upper", "Logtype": "16001", "SRC_HOST": "1.2.3.4", "Memo": "m", "FLOCK_ID": "f"}`,
	`{"logtype": 17012, "node_id": 5, "src_host": null, "memo": "a\"b", "flock_id": "flock:\u0064efault"}`,
	`{"logtype": "x17000"}`, `{"logtype": "16000"}`, `{"logtype": "18000"}`,
	`{"created": "1586249623", "updated_time": "1586249624", "events": [{"timestamp": "1586249625"}]}`,
}

// oddValues are values of every JSON kind and of the Console's loose types.
var oddValues = []string{`{}`, `{"a": [1]}`, `[]`, `["x"]`, `"x"`, `""`, `"1586249623"`, `"True"`, `"maybe"`,
	`1.5`, `-1`, `0`, `1586249623`, `1e999`, `true`, `false`, `null`, `"\u00e9\n"`}

// viewPages are whole pages: the documented ones, the page quirks, the
// benchmark's template and every incident quirk wrapped in a page.
func viewPages(t testing.TB) [][]byte {
	var pages [][]byte
	for _, body := range testdataFiles(t, "incidents") {
		pages = append(pages, body)
	}
	for _, body := range pageQuirks {
		pages = append(pages, []byte(body))
	}
	pages = append(pages, incidentFeedTemplate(6).render(0, 2), incidentFeedTemplate(6).render(1, 2))
	for _, in := range append(append([]string(nil), incidentQuirks...), viewQuirks...) {
		pages = append(pages, []byte(`{"result": "success", "cursor": {"next": "n", "prev": null}, "incidents": [null, `+in+`]}`))
	}
	// Every member of the incident decoder's table, with each odd value, at
	// the top level, in the feed's description and in an event.
	for _, name := range incidentNames.names {
		for _, v := range oddValues {
			m := `"` + name + `": ` + v
			pages = append(pages, []byte(`{"result": "success", "incidents": [{`+m+`}, {"description": {`+m+`}}, {"events": [{`+m+`}]}]}`))
		}
	}
	return pages
}

// checkIncidentViewPage holds decodeIncidentViewsPage to Incidents.All's
// decoding: the same error, or the same cursors and viewOf of every
// incident. It reports whether the view decoder read the page itself
// (rather than falling back to the full decoding).
func checkIncidentViewPage(t testing.TB, c *Client, body []byte) (lean bool) {
	t.Helper()
	req := getReq("/incidents/all")
	full, fullErr := decodeIncidentsPage(c, req, 200, body)
	got, viewErr := decodeIncidentViewsPage(c, req, 200, body)
	var h incidentPageHead
	lean = scanIncidentPage(body, &h, func(s *scanner) error {
		_, err := s.viewList()
		return err
	}) == nil
	if fullErr != nil {
		require.Error(t, viewErr, "the full decoding fails (%v) but the views decode %q", fullErr, body)
		require.Equal(t, fullErr.Error(), viewErr.Error(), "input %q", body)
		require.False(t, lean, "the view decoder reads a page the full decoding rejects: %q", body)
		return lean
	}
	require.NoError(t, viewErr, "input %q", body)
	want := make([]*auditview.Incident, len(full.Items))
	for i, inc := range full.Items {
		v := viewOf(inc)
		want[i] = &v
	}
	require.Equal(t, want, got.Items, "input %q", body)
	require.Equal(t, full.NextCursor, got.NextCursor)
	require.Equal(t, full.PrevCursor, got.PrevCursor)
	require.Equal(t, [3]int{full.PageNumber, full.TotalPages, full.TotalResults},
		[3]int{got.PageNumber, got.TotalPages, got.TotalResults})
	return lean
}

func TestIncidentViewsMatchFullDecoding(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
	require.NoError(t, err)
	leanPages := 0
	pages := viewPages(t)
	for _, body := range pages {
		if checkIncidentViewPage(t, c, body) {
			leanPages++
		}
	}
	// Most pages are read by the view decoder itself, not the fallback.
	assert.Greater(t, leanPages, len(pages)/2)
	for k := range 2 {
		assert.True(t, checkIncidentViewPage(t, c, incidentFeedTemplate(30).render(k, 2)),
			"the documented feed page is read without the fallback")
	}
}

func TestIncidentViewOf(t *testing.T) {
	t.Parallel()
	var inc Incident
	require.NoError(t, json.Unmarshal([]byte(`{"description": {"created": "1586249623", "logtype": "17012", "node_id": "n", "src_host": "203.0.113.7",
		"memo": "m", "flock_id": "f", "acknowledged": "True",
		"events": [{"type": "", "timestamp": 0}, {"canarytoken": 7, "type": "aws-id", "timestamp": "1586249600"}, {"canarytoken": "later"}]},
		"updated_time": "1586249700"}`), &inc))
	v := auditview.IncidentOf(&inc)
	assert.Equal(t, auditview.Incident{
		Created: inc.Created, Updated: inc.Updated, Acknowledged: true,
		NodeID: "n", Memo: "m", SourceHost: "203.0.113.7", FlockID: "f", Canarytoken: true,
		EventTime: inc.Events[1].Timestamp, EventType: "aws-id", TokenCode: "7",
	}, v)
	assert.False(t, inc.Updated.IsZero())
	assert.False(t, v.EventTime.IsZero())
}

func FuzzDecodeIncidentViewPage(f *testing.F) {
	for _, body := range viewPages(f) {
		f.Add(body)
	}
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) { checkIncidentViewPage(t, c, body) })
}
