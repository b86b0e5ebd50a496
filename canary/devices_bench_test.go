package canary

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDevicesList decodes /devices/all for 2,000 birds in the
// documented list shape, far more than a large Console has, through the
// whole client (httpmock transport).
func BenchmarkDevicesList(b *testing.B) {
	one := golden(&testing.T{}, "devices/all.json")
	var page map[string]json.RawMessage
	if err := json.Unmarshal([]byte(one), &page); err != nil {
		b.Fatal(err)
	}
	var devs []map[string]any
	if err := json.Unmarshal(page["devices"], &devs); err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString(`{"devices": [`)
	for i := range 2000 {
		d := devs[0]
		d["id"] = fmt.Sprintf("%016x", i)
		d["name"] = fmt.Sprintf("bird-%d", i)
		if i > 0 {
			sb.WriteByte(',')
		}
		bs, _ := json.Marshal(d)
		sb.Write(bs)
	}
	sb.WriteString(`], "feed": "All Devices", "result": "success"}`)
	body := sb.String()
	f := setup(&testing.T{})
	f.on(&testing.T{}, "GET", "/devices/all", 200, body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := f.c.Devices.List(context.Background(), nil)
		if err != nil || len(got) != 2000 {
			b.Fatal(err, len(got))
		}
	}
}
