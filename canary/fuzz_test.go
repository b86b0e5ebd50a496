package canary

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/stretchr/testify/require"
)

// Fuzz targets: each holds a fast decoder to encoding/json on arbitrary
// input. Run one with e.g.
//
//	go test -run '^$' -fuzz FuzzDecodeIncident -fuzztime 60s ./canary/
func FuzzDecodeIncident(f *testing.F) {
	for _, in := range incidentQuirks {
		f.Add([]byte(in))
	}
	for _, inc := range documentedIncidents(f) {
		f.Add(inc)
	}
	f.Add([]byte(`{"description":{"description":{"description":"x"}},"events":[1,"a",null,{"timestamp":"x"}]}`))
	f.Add([]byte(`{"id":1e999,"updated_id":"9223372036854775808","created":"-1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkIncident(t, data)
		// What a caller does with a decoded incident must not panic either,
		// and a decoded incident keeps its raw object.
		var inc Incident
		if json.Unmarshal(data, &inc) == nil {
			require.NotEmpty(t, inc.Raw)
			for i := range inc.Events {
				ev := &inc.Events[i]
				for _, k := range ev.Keys() {
					_, _ = ev.String(k)
					_, _ = ev.Int(k)
				}
			}
			_ = inc.IsCanarytoken()
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	for _, in := range tokenQuirks {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkToken(t, data) })
}

func FuzzDecodeIncidentPage(f *testing.F) {
	for _, body := range testdataFiles(f, "incidents") {
		f.Add(body)
	}
	for _, body := range pageQuirks {
		f.Add([]byte(body))
	}
	f.Add(incidentFeedTemplate(3).render(0, 2))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkIncidentPage(t, body)
		var page incidentPageWire
		if json.Unmarshal(body, &page) == nil {
			for _, it := range page.page().Items {
				require.NotNil(t, it)
			}
		}
	})
}

func FuzzDecodeTokenPage(f *testing.F) {
	for _, body := range testdataFiles(f, "tokens") {
		f.Add(body)
	}
	for _, body := range pageQuirks {
		f.Add([]byte(body))
	}
	f.Add(tokenListTemplate(8).render(0, 2))
	f.Fuzz(func(t *testing.T, body []byte) { checkTokenPage(t, body) })
}

// FuzzCursorWatch holds the streamed cursor to encoding/json: fed a body in
// chunks, the watch gives at most one cursor, and on a valid page with one
// top-level "cursor" member the one it gives is the cursor.next that
// encoding/json decodes (it may give none: it is only a head start).
func FuzzCursorWatch(f *testing.F) {
	for _, body := range testdataFiles(f, "incidents") {
		f.Add(byte(7), body)
	}
	for _, body := range testdataFiles(f, "tokens") {
		f.Add(byte(200), body)
	}
	f.Add(byte(0), incidentFeedTemplate(2).render(0, 2))
	f.Add(byte(3), []byte(`{"CURSOR": {"next": "a", "NEXT": "b"}, "cursor": null}`))
	f.Add(byte(1), []byte(`{"\u0063ursor": {"next": "x\u00e9"}, "incidents": []}`))
	f.Fuzz(func(t *testing.T, chunk byte, body []byte) {
		var got []string
		w := &cursorWatch{notify: func(n string) { got = append(got, n) }}
		step := 1 + int(chunk)%64
		for end := step; ; end += step {
			if end >= len(body) {
				w.feed(body)
				break
			}
			w.feed(body[:end])
		}
		require.LessOrEqual(t, len(got), 1)
		var page struct {
			Cursor *cursorWire `json:"cursor"`
		}
		if len(got) == 0 || json.Unmarshal(body, &page) != nil || topLevelCursors(body) != 1 {
			return
		}
		require.Equal(t, page.Cursor.next(), got[0])
	})
}

// topLevelCursors counts the members of a JSON object whose names
// encoding/json would match to "cursor"; -1 if body is not an object.
func topLevelCursors(body []byte) int {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return -1
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return -1
	}
	n := 0
	want := string(jsonscan.FoldName(nil, []byte("cursor")))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		if k, _ := tok.(string); string(jsonscan.FoldName(nil, []byte(k))) == want {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return -1
		}
	}
	return n
}

// FuzzParseWebhook feeds arbitrary bodies, seeded with every documented
// payload: ParseWebhook must never panic, and an accepted alert must have a
// kind and keep its raw object.
func FuzzParseWebhook(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"event": {"event": {"AlertType": 1}}}`))
	f.Add([]byte(`{"type": "console-audit", "payload": null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseWebhook(bytes.NewReader(body))
		if err != nil {
			require.Nil(t, a)
			return
		}
		require.NotEmpty(t, a.Kind)
		require.NotEmpty(t, a.Raw)
		_, _ = a.Detail("x")
	})
}

// FuzzDecodeEstate feeds arbitrary bytes to the estate decoders (a device
// in either shape, an audit-trail entry, a flock API key): they may refuse
// the input but must not panic, and a decoded device keeps its raw object.
func FuzzDecodeEstate(f *testing.F) {
	for _, name := range []string{"devices/all.json", "devices/info.json", "devices/filter.json", "audit_trail/fetch.json", "flocks/auth_token_list.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"live":"maybe","device_live":null,"uptime":"1e30","last_heartbeat":"-5","last_seen_std":"2020-13-45 99:99:99 UTC+9999"}`))
	f.Add([]byte(`{"id":"9223372036854775808","timestamp":{},"additional_information":[1,{"a":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Device
		if json.Unmarshal(data, &d) == nil {
			require.NotEmpty(t, d.Raw)
			_ = CompareVersions(d.Version, "4.2.1")
			_ = IsNodeID(d.ID)
		}
		var e AuditEvent
		_ = json.Unmarshal(data, &e)
		var k flockAPIKeyWire
		if json.Unmarshal(data, &k) == nil {
			_ = k.key()
		}
		var page auditPageWire
		if json.Unmarshal(data, &page) == nil {
			_ = page.page()
		}
	})
}
