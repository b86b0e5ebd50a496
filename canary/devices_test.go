package canary

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDevicesListShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status DeviceStatus
		path   string
	}{{DeviceAll, "/devices/all"}, {DeviceLive, "/devices/live"}, {DeviceDead, "/devices/dead"}} {
		t.Run(tc.status.String(), func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, "GET", tc.path, 200, "@devices/all.json")
			devs, err := f.c.Devices.List(context.Background(), &ListDevicesOptions{Status: tc.status, TZ: "Europe/London"})
			require.NoError(t, err)
			assert.Equal(t, url.Values{"tz": {"Europe/London"}}, (*calls)[0].Query)
			require.Len(t, devs, 1)
			d := devs[0]
			assert.Equal(t, "<node_id>", d.ID)
			assert.Equal(t, "ExampleBird", d.Name)
			assert.True(t, d.Live)
			assert.Equal(t, "2.3.1", d.Version)
			assert.Equal(t, "linux-db", d.Personality)
			assert.Equal(t, time.Date(2020, 4, 26, 20, 34, 2, 0, time.UTC), d.LastSeen)
			assert.Equal(t, time.Date(2020, 4, 14, 22, 11, 18, 0, time.UTC), d.FirstSeen)
			assert.Equal(t, 1029740*time.Second, d.Uptime)
			assert.Empty(t, d.FlockID, "the list shape has no flock")
			assert.Contains(t, string(d.Raw), "migration_status")
		})
	}
}

func TestDevicesInfoShape(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/device/info", 200, "@devices/info.json")
	d, err := f.c.Devices.Get(context.Background(), "<node_id>", &GetDeviceOptions{Settings: true})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"node_id": {"<node_id>"}, "settings": {"true"}}, (*calls)[0].Query)
	assert.Equal(t, "<node_id>", d.ID)
	assert.True(t, d.Live, `"device_live": "True" wins over "live": "False"`)
	assert.Equal(t, "2.3.1", d.Version, "device_version")
	assert.Equal(t, "flock:default", d.FlockID)
	assert.Equal(t, time.Unix(1587982249, 0).UTC(), d.LastSeen, "last_heartbeat")
	assert.Equal(t, 4014*time.Second, d.Uptime, `"uptime": "4014"`)
	assert.False(t, d.Ghost)
	assert.NotNil(t, d.Settings)
}

func TestDevicesFilterIPsUpdates(t *testing.T) {
	t.Parallel()
	f := setup(t)
	fc := f.on(t, "GET", "/devices/filter", 200, "@devices/filter.json")
	f.on(t, "GET", "/device/ips", 200, "@devices/ips.json")
	f.on(t, "GET", "/updates/list", 200, "@devices/updates.json")
	ctx := context.Background()

	devs, err := f.c.Devices.Filter(ctx, "SVR")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"filter_str": {"SVR"}}, (*fc)[0].Query)
	require.Len(t, devs, 1)
	assert.Equal(t, "flock:default", devs[0].FlockID)
	assert.Equal(t, time.Unix(1587933932, 0).UTC(), devs[0].LastSeen)

	ips, err := f.c.Devices.IPs(ctx, "")
	require.NoError(t, err)
	require.Len(t, ips, 1)
	assert.Equal(t, "London HQ", ips[0].Name)
	assert.Equal(t, []DeviceIP{{NodeID: "00000000f9495cec", Name: "NAS01", IPAddress: "192.168.1.123"}}, ips[0].Devices)

	ups, err := f.c.Devices.Updates(ctx) // the documented body has no "result"
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, "2.3.1", ups[0].Version)
	assert.Equal(t, []string{"2.3"}, ups[0].SupportedVersions)
	assert.Equal(t, "<update_tag>", ups[0].Tag)
}

func TestDevicesActions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rb := f.on(t, "POST", "/device/reboot", 200, "@devices/reboot.json")
	up := f.on(t, "POST", "/device/update", 200, "@devices/reboot.json")
	ctx := context.Background()
	require.NoError(t, f.c.Devices.Reboot(ctx, "00000000f9495cec"))
	assert.Equal(t, url.Values{"node_id": {"00000000f9495cec"}}, (*rb)[0].Form)
	require.NoError(t, f.c.Devices.Update(ctx, "00000000f9495cec", "tag1"))
	assert.Equal(t, url.Values{"node_id": {"00000000f9495cec"}, "update_tag": {"tag1"}}, (*up)[0].Form)
}

func TestDevicesValidation(t *testing.T) {
	t.Parallel()
	f := setup(t) // no responders: any request would fail differently
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"status":     func() error { _, err := f.c.Devices.List(ctx, &ListDevicesOptions{Status: 7}); return err },
		"tz":         func() error { _, err := f.c.Devices.List(ctx, &ListDevicesOptions{TZ: "Not/AZone"}); return err },
		"filter":     func() error { _, err := f.c.Devices.Filter(ctx, " "); return err },
		"get":        func() error { _, err := f.c.Devices.Get(ctx, "", nil); return err },
		"reboot":     func() error { return f.c.Devices.Reboot(ctx, "") },
		"update tag": func() error { return f.c.Devices.Update(ctx, "00000000f9495cec", "") },
		"configure":  func() error { _, err := f.c.Devices.Configure(ctx, "00000000f9495cec", nil); return err },
	} {
		t.Run(name, func(t *testing.T) {
			var ve *ValidationError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount(), "validation happens before I/O")
}

func TestCompareVersions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2.3.1", "2.3.1", 0}, {"2.3", "2.3.0", 0}, {"2.3.1", "2.10", -1}, {"3.0", "2.99.9", 1},
		{"2.3.1-beta", "2.3.1-beta", 0}, {"", "0", 0},
	} {
		assert.Equal(t, tc.want, CompareVersions(tc.a, tc.b), "%s vs %s", tc.a, tc.b)
		assert.Equal(t, -tc.want, CompareVersions(tc.b, tc.a), "%s vs %s", tc.b, tc.a)
	}
}
