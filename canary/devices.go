package canary

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// DevicesService reads and manages Canary devices ("birds"): the endpoints
// under /devices, /device and /updates.
//
// Canary API docs: https://docs.canary.tools/bird-management/queries.html
type DevicesService service

// DeviceStatus selects the devices Devices.List returns. The zero value
// means DeviceAll.
type DeviceStatus int

// Device statuses.
const (
	// DeviceAll: every registered device (GET /devices/all).
	DeviceAll DeviceStatus = iota
	// DeviceLive: the devices connected now (GET /devices/live).
	DeviceLive
	// DeviceDead: the registered devices that are offline (GET /devices/dead).
	DeviceDead
)

// String returns "all", "live" or "dead".
func (s DeviceStatus) String() string {
	switch s {
	case DeviceAll:
		return "all"
	case DeviceLive:
		return "live"
	case DeviceDead:
		return "dead"
	}
	return "DeviceStatus(" + strconv.Itoa(int(s)) + ")"
}

// Device is a Canary as the Console describes it. The Console has two shapes
// (the list of /devices/{all,live,dead} and the info of /device/info and
// /devices/filter) with different names and types for the same facts; both
// decode into Device. Raw keeps the object as sent.
type Device struct {
	ID          string `json:"id"` // the node ID, 16 hex characters
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Location    string `json:"location,omitempty"`
	IPAddress   string `json:"ip_address,omitempty"`
	MACAddress  string `json:"mac_address,omitempty"`
	// FlockID is sent in the info shape only; the list shape has no flock.
	FlockID string `json:"flock_id,omitempty"`
	// Live reports whether the device is connected. The info shape sends
	// both "device_live" and "live" (as strings) and the documented example
	// has them disagree; "device_live" is used when present, as the one that
	// matches the example's last heartbeat.
	Live bool `json:"live"`
	// Version is the Canary software version, e.g. "2.3.1".
	Version string `json:"version,omitempty"`
	// Personality is what the device pretends to be ("linux-db"; the list
	// shape only); IPPers is the short form ("linux") both shapes send.
	Personality string `json:"personality,omitempty"`
	IPPers      string `json:"ippers,omitempty"`
	// LastSeen is the last contact (the info shape's last_heartbeat, else
	// last_seen_std); FirstSeen the first.
	LastSeen  time.Time `json:"last_seen,omitzero"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	// Uptime is how long the device has been up.
	Uptime time.Duration `json:"uptime,omitempty"`
	// IgnoreNotifications is true when the device's notifications are
	// muted (ignore_notifications, or the info shape's
	// ignore_notifications_general).
	IgnoreNotifications bool `json:"ignore_notifications,omitempty"`
	// NeedReboot and Ghost (registered but never came online) are sent in
	// the info shape only.
	NeedReboot bool `json:"need_reboot,omitempty"`
	Ghost      bool `json:"ghost,omitempty"`
	// Settings is the device's settings object, from Devices.Get with
	// GetDeviceOptions.Settings.
	Settings map[string]json.RawMessage `json:"settings,omitempty"`

	// Raw is the device object exactly as the Console sent it.
	Raw json.RawMessage `json:"-"`
}

// deviceWire is both device shapes with the Console's loose types.
type deviceWire struct {
	ID                         lenient.String             `json:"id"`
	NodeID                     lenient.String             `json:"node_id"`
	DeviceID                   lenient.String             `json:"device_id"`
	Name                       lenient.String             `json:"name"`
	Description                lenient.String             `json:"description"`
	Location                   lenient.String             `json:"location"`
	IPAddress                  lenient.String             `json:"ip_address"`
	MACAddress                 lenient.String             `json:"mac_address"`
	FlockID                    lenient.String             `json:"flock_id"`
	Live                       *lenient.Bool              `json:"live"`
	DeviceLive                 *lenient.Bool              `json:"device_live"`
	Version                    lenient.String             `json:"version"`
	DeviceVersion              lenient.String             `json:"device_version"`
	Personality                lenient.String             `json:"personality"`
	IPPers                     lenient.String             `json:"ippers"`
	LastHeartbeat              lenient.Time               `json:"last_heartbeat"`
	LastSeenStd                lenient.Time               `json:"last_seen_std"`
	FirstSeenStd               lenient.Time               `json:"first_seen_std"`
	Uptime                     lenient.Int                `json:"uptime"`
	IgnoreNotifications        lenient.Bool               `json:"ignore_notifications"`
	IgnoreNotificationsGeneral lenient.Bool               `json:"ignore_notifications_general"`
	NeedReboot                 lenient.Bool               `json:"need_reboot"`
	Ghost                      lenient.Bool               `json:"ghost"`
	Settings                   map[string]json.RawMessage `json:"settings"`
}

// UnmarshalJSON decodes either device shape.
func (d *Device) UnmarshalJSON(b []byte) error {
	var w deviceWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = Device{
		ID:   firstNonEmpty(string(w.ID), string(w.NodeID), string(w.DeviceID)),
		Name: string(w.Name), Description: string(w.Description), Location: string(w.Location),
		IPAddress: string(w.IPAddress), MACAddress: string(w.MACAddress), FlockID: string(w.FlockID),
		Version:     firstNonEmpty(string(w.Version), string(w.DeviceVersion)),
		Personality: string(w.Personality), IPPers: string(w.IPPers),
		FirstSeen:           time.Time(w.FirstSeenStd),
		Uptime:              time.Duration(w.Uptime) * time.Second,
		IgnoreNotifications: bool(w.IgnoreNotifications || w.IgnoreNotificationsGeneral),
		NeedReboot:          bool(w.NeedReboot), Ghost: bool(w.Ghost),
		Settings: w.Settings,
		Raw:      append(json.RawMessage(nil), b...),
	}
	switch {
	case w.DeviceLive != nil:
		d.Live = bool(*w.DeviceLive)
	case w.Live != nil:
		d.Live = bool(*w.Live)
	}
	d.LastSeen = time.Time(w.LastHeartbeat)
	if d.LastSeen.IsZero() {
		d.LastSeen = time.Time(w.LastSeenStd)
	}
	return nil
}

// ListDevicesOptions selects and formats Devices.List.
type ListDevicesOptions struct {
	// Status picks all (the zero value), live or dead devices.
	Status DeviceStatus
	// TZ is the time zone of the Console's "_std" timestamps, an IANA name
	// such as "Europe/London" (default UTC). Decoded times are UTC either
	// way.
	TZ string
}

func checkTZ(field, tz string) error {
	if tz == "" {
		return nil
	}
	if _, err := time.LoadLocation(tz); err != nil || strings.ContainsAny(tz, " \r\n") {
		return invalid(field, "%q is not an IANA time zone name such as \"Europe/London\"", clip(tz))
	}
	return nil
}

// List returns the Console's devices: all of them, the live ones or the
// dead ones (GET /devices/all, /devices/live or /devices/dead). Dead means
// registered but offline. The list shape has no flock; Devices.IPs and
// Flocks.Summaries have the flock of every device.
//
// Canary API docs: https://docs.canary.tools/bird-management/queries.html#all-birds
//
//meta:operation GET /api/v1/devices/all
//meta:operation GET /api/v1/devices/live
//meta:operation GET /api/v1/devices/dead
func (s *DevicesService) List(ctx context.Context, opts *ListDevicesOptions) ([]*Device, error) {
	var o ListDevicesOptions
	if opts != nil {
		o = *opts
	}
	var path string
	switch o.Status {
	case DeviceAll:
		path = "/devices/all"
	case DeviceLive:
		path = "/devices/live"
	case DeviceDead:
		path = "/devices/dead"
	default:
		return nil, invalid("Status", "%v is not DeviceAll, DeviceLive or DeviceDead", o.Status)
	}
	if err := checkTZ("TZ", o.TZ); err != nil {
		return nil, err
	}
	q := url.Values{}
	setNonEmpty(q, "tz", o.TZ)
	return s.devices(ctx, path, q)
}

func (s *DevicesService) devices(ctx context.Context, path string, q url.Values) ([]*Device, error) {
	var out struct {
		envelope
		Devices []*Device `json:"devices"`
	}
	if err := s.client.get(ctx, path, q, &out); err != nil {
		return nil, err
	}
	devs := make([]*Device, 0, len(out.Devices))
	for _, d := range out.Devices {
		if d != nil {
			devs = append(devs, d)
		}
	}
	return devs, nil
}

// Filter returns the devices matching filter, which the Console compares
// with the device's name, description, IP address and node ID (GET
// /devices/filter). Devices come in the info shape, with their flock.
//
// Canary API docs: https://docs.canary.tools/bird-management/queries.html#filter-birds
//
//meta:operation GET /api/v1/devices/filter
func (s *DevicesService) Filter(ctx context.Context, filter string) ([]*Device, error) {
	if err := requireID("filter", filter); err != nil {
		return nil, err
	}
	return s.devices(ctx, "/devices/filter", url.Values{"filter_str": {filter}})
}

// GetDeviceOptions adds to Devices.Get.
type GetDeviceOptions struct {
	// Settings includes the device's settings (Device.Settings).
	Settings bool
	// ExcludeFixedSettings leaves out the settings that cannot be changed.
	ExcludeFixedSettings bool
}

// Get returns one device by node ID, in the info shape (GET /device/info).
// Thinkst's Python client calls /device/getinfo, which the docs list as
// deliberately undocumented; this calls the documented path.
//
// Canary API docs: https://docs.canary.tools/bird-management/queries.html#bird-info
//
//meta:operation GET /api/v1/device/info
func (s *DevicesService) Get(ctx context.Context, nodeID string, opts *GetDeviceOptions) (*Device, error) {
	if err := requireID("nodeID", nodeID); err != nil {
		return nil, err
	}
	q := url.Values{"node_id": {nodeID}}
	if opts != nil && opts.Settings {
		q.Set("settings", "true")
	}
	if opts != nil && opts.ExcludeFixedSettings {
		q.Set("exclude_fixed_settings", "true")
	}
	var out struct {
		envelope
		Device *Device `json:"device"`
	}
	if err := s.client.get(ctx, "/device/info", q, &out); err != nil {
		return nil, err
	}
	if out.Device == nil {
		return nil, malformed("GET", "/device/info", `no "device" object in the response`)
	}
	return out.Device, nil
}

// FlockIPs is one flock's devices and their addresses, from Devices.IPs.
type FlockIPs struct {
	FlockID string
	Name    string
	// Devices are sorted by node ID.
	Devices []DeviceIP
}

// DeviceIP is one device's address.
type DeviceIP struct {
	NodeID    string
	Name      string
	IPAddress string
}

// IPs returns the address of every device, grouped by flock and sorted by
// flock ID (GET /device/ips). flockID, if not "", limits it to one flock.
// It is the one device listing that names every device's flock.
//
// Canary API docs: https://docs.canary.tools/bird-management/queries.html#device-ips
//
//meta:operation GET /api/v1/device/ips
func (s *DevicesService) IPs(ctx context.Context, flockID string) ([]*FlockIPs, error) {
	q := url.Values{}
	setNonEmpty(q, "flock_id", flockID)
	var out struct {
		envelope
		IPs map[string]struct {
			Name    lenient.String `json:"name"`
			Devices map[string]struct {
				IPAddress lenient.String `json:"ip_address"`
				Name      lenient.String `json:"name"`
			} `json:"devices"`
		} `json:"ips"`
	}
	if err := s.client.get(ctx, "/device/ips", q, &out); err != nil {
		return nil, err
	}
	res := make([]*FlockIPs, 0, len(out.IPs))
	for id, f := range out.IPs {
		fi := &FlockIPs{FlockID: id, Name: string(f.Name)}
		for node, d := range f.Devices {
			fi.Devices = append(fi.Devices, DeviceIP{NodeID: node, Name: string(d.Name), IPAddress: string(d.IPAddress)})
		}
		sort.Slice(fi.Devices, func(i, j int) bool { return fi.Devices[i].NodeID < fi.Devices[j].NodeID })
		res = append(res, fi)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].FlockID < res[j].FlockID })
	return res, nil
}

// Reboot schedules a reboot of the device (POST /device/reboot).
//
// Canary API docs: https://docs.canary.tools/bird-management/operations.html#reboot-bird
//
//meta:operation POST /api/v1/device/reboot
func (s *DevicesService) Reboot(ctx context.Context, nodeID string) error {
	if err := requireID("nodeID", nodeID); err != nil {
		return err
	}
	return s.client.post(ctx, "/device/reboot", url.Values{"node_id": {nodeID}}, true, nil)
}

// Update starts an update of the device to the update with the given tag
// (see Devices.Updates) (POST /device/update). The docs say this is only
// useful when automatic updates are off.
//
// Canary API docs: https://docs.canary.tools/bird-management/operations.html#update-bird
//
//meta:operation POST /api/v1/device/update
func (s *DevicesService) Update(ctx context.Context, nodeID, updateTag string) error {
	if err := requireID("nodeID", nodeID); err != nil {
		return err
	}
	if err := requireID("updateTag", updateTag); err != nil {
		return err
	}
	return s.client.post(ctx, "/device/update", url.Values{"node_id": {nodeID}, "update_tag": {updateTag}}, true, nil)
}

// Configure pushes a complete settings object to the device (POST
// /device/configure). settings must be the whole object (as Devices.Get
// with Settings returns it, changed), not a patch: "All properties are
// expected." It returns the tag of the settings bundle, to follow the push.
//
// Canary API docs: https://docs.canary.tools/bird-management/service-configuration.html
//
//meta:operation POST /api/v1/device/configure
func (s *DevicesService) Configure(ctx context.Context, nodeID string, settings map[string]json.RawMessage) (string, error) {
	if err := requireID("nodeID", nodeID); err != nil {
		return "", err
	}
	if len(settings) == 0 {
		return "", invalid("settings", "must be the device's whole settings object; fetch it with Devices.Get and GetDeviceOptions{Settings: true}")
	}
	b, err := json.Marshal(settings)
	if err != nil {
		return "", invalid("settings", "cannot be encoded as JSON: %v", err)
	}
	var out struct {
		envelope
		BundleTag lenient.String `json:"bundle_tag"`
	}
	if err := s.client.post(ctx, "/device/configure", url.Values{"node_id": {nodeID}, "settings": {string(b)}}, true, &out); err != nil {
		return "", err
	}
	return string(out.BundleTag), nil
}

// SoftwareUpdate is a Canary software update the Console offers.
type SoftwareUpdate struct {
	Tag         string // pass to Devices.Update
	Version     string // the version a device is updated to, e.g. "2.3.1"
	Description string
	Filename    string
	Ignore      bool
	// SupportedVersions are the versions that can take it (e.g. "2.3");
	// TargetSensors the hardware ("rpi3_jessie").
	SupportedVersions []string
	TargetSensors     []string
}

// Updates lists the software updates the Console offers (GET /updates/list).
//
// Canary API docs: https://docs.canary.tools/bird-management/updates.html#list-updates
//
//meta:operation GET /api/v1/updates/list
func (s *DevicesService) Updates(ctx context.Context) ([]*SoftwareUpdate, error) {
	var out struct {
		laxEnvelope
		Updates []struct {
			Tag               lenient.String   `json:"tag"`
			Version           lenient.String   `json:"version"`
			Description       lenient.String   `json:"description"`
			Filename          lenient.String   `json:"filename"`
			Ignore            lenient.Bool     `json:"ignore"`
			SupportedVersions []lenient.String `json:"supported_versions"`
			TargetSensors     []lenient.String `json:"target_sensors"`
		} `json:"updates"`
	}
	if err := s.client.get(ctx, "/updates/list", nil, &out); err != nil {
		return nil, err
	}
	res := make([]*SoftwareUpdate, 0, len(out.Updates))
	for _, u := range out.Updates {
		su := &SoftwareUpdate{Tag: string(u.Tag), Version: string(u.Version), Description: string(u.Description),
			Filename: string(u.Filename), Ignore: bool(u.Ignore)}
		for _, v := range u.SupportedVersions {
			su.SupportedVersions = append(su.SupportedVersions, string(v))
		}
		for _, v := range u.TargetSensors {
			su.TargetSensors = append(su.TargetSensors, string(v))
		}
		res = append(res, su)
	}
	return res, nil
}

// CompareVersions compares two dotted Canary versions ("2.3.1" < "2.10")
// numerically, part by part; a missing part counts as 0 and a part that is
// not a number compares as text. It returns -1, 0 or +1.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		x, y := "0", "0"
		if i < len(pa) && pa[i] != "" {
			x = pa[i]
		}
		if i < len(pb) && pb[i] != "" {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		switch {
		case ex == nil && ey == nil && nx != ny:
			if nx < ny {
				return -1
			}
			return 1
		case (ex != nil || ey != nil) && x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}
