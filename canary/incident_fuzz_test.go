package canary

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzIncidentDecode feeds arbitrary JSON to the incident decoder and to a
// whole feed page, seeded with the documented responses: decoding must
// never panic, and a decoded incident keeps its raw object.
func FuzzIncidentDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "incidents", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		// Also seed each incident object on its own.
		var page struct {
			Incidents []json.RawMessage `json:"incidents"`
			Incident  json.RawMessage   `json:"incident"`
		}
		if json.Unmarshal(b, &page) == nil {
			for _, inc := range page.Incidents {
				f.Add([]byte(inc))
			}
			if len(page.Incident) > 0 {
				f.Add([]byte(page.Incident))
			}
		}
	}
	f.Add([]byte(`{"description":{"description":{"description":"x"}},"events":[1,"a",null,{"timestamp":"x"}]}`))
	f.Add([]byte(`{"id":1e999,"updated_id":"9223372036854775808","created":"-1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
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
		var page incidentPageWire
		if json.Unmarshal(data, &page) == nil {
			p := page.page()
			for _, it := range p.Items {
				require.NotNil(t, it)
			}
		}
	})
}
