package canarytest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LatestVersion is the Canary software version the fake's /updates/list
// offers; a seeded bird with an older Version is behind on updates.
const LatestVersion = "4.2.1"

const defaultFlock = "flock:default"

// FlockSpec is a flock of a seeded estate.
type FlockSpec struct {
	// Name is the flock's name; the flock's ID is derived from it.
	Name string
	// Birds are the flock's Canary devices.
	Birds []BirdSpec
	// NoTokens keeps Seed's tokens out of this flock.
	NoTokens bool
}

// BirdSpec is a Canary device of a seeded estate.
type BirdSpec struct {
	Name        string
	Personality string // e.g. "windows-fileshare"; default "linux"
	Version     string // default LatestVersion
	IP          string // default one from 10.0.0.0/8
	// Dead birds are offline; DownFor is how long (default one day).
	Dead    bool
	DownFor time.Duration
}

// device is a stored Canary device.
type device struct {
	id, name, description, location, ip, mac string
	flockID, personality, version            string
	live                                     bool
	firstSeen, lastSeen                      time.Time
	needReboot                               bool
	settings                                 map[string]any
}

// flock is a stored flock.
type flock struct {
	id, name, note     string
	managers, watchers []string
}

// auditEntry is one entry of the audit trail.
type auditEntry struct {
	id                int64
	action, message   string
	flockID, user, ip string
	at                time.Time
}

// factory is a stored factory auth string.
type factory struct {
	auth, flockID, memo string
}

// estateState holds the devices, flocks, factories, audit trail and
// ignore list; it lives in state, under the server's mutex.
type estateState struct {
	devices   []*device
	deviceBy  map[string]*device
	flocks    map[string]*flock
	factories []*factory
	audit     []*auditEntry // ascending id
	auditSeq  int64
	ignored   map[string][]int // ip -> ports (0: any)
	apiKeys   []*apiKey
}

func newEstateState() *estateState {
	return &estateState{
		deviceBy: map[string]*device{},
		flocks:   map[string]*flock{defaultFlock: {id: defaultFlock, name: "Default Flock"}},
		ignored:  map[string][]int{},
	}
}

// flockIDFor derives a stable flock ID ("flock:" and 32 hex) from a name.
func flockIDFor(name string) string {
	h := sha256.Sum256([]byte("flock\x00" + name))
	return "flock:" + hex.EncodeToString(h[:16])
}

// nodeIDFor derives a stable device node ID (16 hex) from its flock and name.
func nodeIDFor(flockID, name string) string {
	h := sha256.Sum256([]byte("device\x00" + flockID + "\x00" + name))
	return hex.EncodeToString(h[:8])
}

func (st *state) flockName(id string) string {
	if f := st.est.flocks[id]; f != nil {
		return f.name
	}
	return flockName(id)
}

func (st *state) addAudit(action, message, flockID string, at time.Time) {
	st.est.auditSeq++
	st.est.audit = append(st.est.audit, &auditEntry{id: st.est.auditSeq, action: action, message: message,
		flockID: flockID, user: "API Token", ip: "127.0.0.1", at: at.UTC()})
}

// seedFlocks adds e's flocks and birds as of now, with the audit-trail
// entries of their setup (a flock_create per flock, a device_push_settings
// per bird), and returns the flocks tokens go to (the default flock first).
func (st *state) seedFlocks(flocks []FlockSpec, now time.Time) []string {
	targets := []string{defaultFlock}
	ipSeq := 10
	var log []auditEntry // added in time order at the end
	defer func() {
		sort.SliceStable(log, func(i, j int) bool { return log[i].at.Before(log[j].at) })
		for _, e := range log {
			st.addAudit(e.action, e.message, e.flockID, e.at)
		}
	}()
	for _, fs := range flocks {
		id := defaultFlock
		if fs.Name != "" && fs.Name != "Default Flock" {
			id = flockIDFor(fs.Name)
			if st.est.flocks[id] == nil {
				st.est.flocks[id] = &flock{id: id, name: fs.Name}
				log = append(log, auditEntry{action: "flock_create", message: "User 'API Token' created the flock " + fs.Name, flockID: id, at: now.Add(-400 * 24 * time.Hour)})
			}
			if !fs.NoTokens {
				targets = append(targets, id)
			}
		}
		for _, b := range fs.Birds {
			d := &device{id: nodeIDFor(id, b.Name), name: b.Name, description: fs.Name + " decoy", location: fs.Name,
				ip: b.IP, flockID: id, personality: b.Personality, version: b.Version, live: !b.Dead,
				firstSeen: now.Add(-300 * 24 * time.Hour), lastSeen: now}
			if d.ip == "" {
				d.ip = fmt.Sprintf("10.%d.%d.%d", ipSeq/250, ipSeq%250, 20+ipSeq%200)
				ipSeq++
			}
			if d.personality == "" {
				d.personality = "linux"
			}
			if d.version == "" {
				d.version = LatestVersion
			}
			if b.Dead {
				down := b.DownFor
				if down <= 0 {
					down = 24 * time.Hour
				}
				d.lastSeen = now.Add(-down)
			}
			d.mac = "00:00:5e:00:53:" + d.id[14:16]
			if st.est.deviceBy[d.id] == nil {
				st.addDevice(d)
				log = append(log, auditEntry{action: "device_push_settings", message: "User 'API Token' pushed settings to the device " + d.id, flockID: id, at: d.firstSeen})
			}
		}
	}
	return targets
}

func (st *state) addDevice(d *device) {
	if st.est.deviceBy[d.id] != nil {
		return
	}
	st.est.devices = append(st.est.devices, d)
	st.est.deviceBy[d.id] = d
}

// listDeviceJSON is the list shape of /devices/{all,live,dead}.
func listDeviceJSON(d *device, now time.Time, loc *time.Location) map[string]any {
	up := int64(0)
	if d.live {
		up = int64(now.Sub(d.firstSeen).Seconds())
	}
	return map[string]any{
		"description": d.description, "first_seen": d.firstSeen.Format(jsTimeLayout), "first_seen_std": stdTime(d.firstSeen, loc),
		"gcp_project": "", "gcp_zone": "", "id": d.id, "ignore_notifications": false,
		"ignore_notifications_disconnects": false, "ignore_notifications_reconnects": false, "instance_id": "",
		"ip_address": d.ip, "ippers": ippers(d.personality), "last_seen": d.lastSeen.Format(jsTimeLayout),
		"last_seen_std": stdTime(d.lastSeen, loc), "live": d.live, "local_time": d.lastSeen.Format(localLayout),
		"location": d.location, "mac_address": d.mac, "migration_status": "", "name": d.name, "netmask": "24",
		"note": "", "outside_bird": false, "public_ip": "", "personality": d.personality, "region_id": "",
		"sensor": "thinkstcanary", "subnet": "", "updated": httpTime(now), "updated_std": stdTime(now, loc),
		"updated_timestamp": now.Unix(), "uptime": up, "uptime_age": "", "version": d.version,
	}
}

// infoDeviceJSON is the info shape of /device/info and /devices/filter,
// strings for booleans and numbers, as documented.
func infoDeviceJSON(d *device, st *state, withSettings bool) map[string]any {
	unacked := []map[string]any{}
	for _, inc := range st.incs {
		if inc.nodeID == d.id && !inc.acked {
			unacked = append(unacked, map[string]any{"key": inc.key})
		}
	}
	m := map[string]any{
		"description": d.description, "device_id": d.id, "device_live": pyBool(d.live), "device_version": d.version,
		"first_seen": epoch(d.firstSeen), "first_seen_std": stdTime(d.firstSeen, nil), "flock_id": d.flockID,
		"ghost": "False", "id": d.id, "ignore_notifications_disconnect": "False", "ignore_notifications_general": "False",
		"ip_address": d.ip, "ippers": ippers(d.personality), "last_heartbeat": epoch(d.lastSeen),
		"last_seen_std": stdTime(d.lastSeen, nil), "live": pyBool(d.live), "location": d.location, "logtype": "1004",
		"mac": d.mac, "mac_address": d.mac, "name": d.name, "need_reboot": pyBool(d.needReboot), "netmask": "24",
		"node_id": d.id, "reconnect_count": "0", "sensor": "thinkstcanary", "service_count": "21",
		"unacknowledged_incidents": unacked, "uptime": "0", "was_rollback": "False",
	}
	if withSettings {
		s := map[string]any{"device.name": d.name, "device.desc": d.description, "device.personality": d.personality}
		for k, v := range d.settings {
			s[k] = v
		}
		m["settings"] = s
	}
	return m
}

const jsTimeLayout = "Mon Jan 02 2006 15:04:05 GMT-0700 (MST)"

func ippers(p string) string {
	if i := strings.IndexByte(p, '-'); i > 0 {
		return p[:i]
	}
	return p
}

func boolParam(v string) bool {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		return true
	}
	return false
}

func (s *Server) listDevices(w http.ResponseWriter, r *request) {
	want := strings.TrimPrefix(r.path, "/devices/")
	feed := map[string]string{"all": "All Devices", "live": "Live Devices", "dead": "Dead Devices"}[want]
	loc, okTZ := tzParam(r.params.Get("tz"))
	if !okTZ {
		s.fail(w, http.StatusBadRequest, "Parameter tz was invalid.")
		return
	}
	now := s.now()
	out := []map[string]any{}
	s.withRead(func(st *state) {
		for _, d := range st.est.devices {
			if want == "all" || (want == "live") == d.live {
				out = append(out, listDeviceJSON(d, now, loc))
			}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"devices": out, "feed": feed, "result": "success",
		"updated": httpTime(now), "updated_std": stdTime(now, loc), "updated_timestamp": now.Unix()})
}

func (s *Server) filterDevices(w http.ResponseWriter, r *request) {
	f := strings.ToLower(r.params.Get("filter_str"))
	if f == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter filter_str")
		return
	}
	out := []map[string]any{}
	s.withRead(func(st *state) {
		for _, d := range st.est.devices {
			if strings.Contains(strings.ToLower(d.name+"\x00"+d.description+"\x00"+d.ip+"\x00"+d.id), f) {
				out = append(out, infoDeviceJSON(d, st, false))
			}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"devices": out, "result": "success"})
}

// lookupDevice finds the device named by node_id, or writes the error.
func (s *Server) lookupDevice(w http.ResponseWriter, r *request, st *state) *device {
	id := r.params.Get("node_id")
	if id == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter node_id")
		return nil
	}
	d := st.est.deviceBy[id]
	if d == nil {
		s.fail(w, http.StatusNotFound, "Device not found")
	}
	return d
}

// deviceInfo serves /device/info and the undocumented /device/getinfo
// that Thinkst's Python client calls.
func (s *Server) deviceInfo(w http.ResponseWriter, r *request) {
	var out map[string]any
	s.withRead(func(st *state) {
		if d := s.lookupDevice(w, r, st); d != nil {
			out = infoDeviceJSON(d, st, boolParam(r.params.Get("settings")))
		}
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"device": out, "result": "success"})
	}
}

func (s *Server) deviceIPs(w http.ResponseWriter, r *request) {
	only := r.params.Get("flock_id")
	ips := map[string]any{}
	s.withRead(func(st *state) {
		for _, d := range st.est.devices {
			if only != "" && d.flockID != only {
				continue
			}
			f, ok := ips[d.flockID].(map[string]any)
			if !ok {
				f = map[string]any{"name": st.flockName(d.flockID), "devices": map[string]any{}}
				ips[d.flockID] = f
			}
			f["devices"].(map[string]any)[d.id] = map[string]any{"ip_address": d.ip, "name": d.name}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"ips": ips, "result": "success"})
}

func (s *Server) rebootDevice(w http.ResponseWriter, r *request) {
	done := false
	s.withWrite(func(st *state) {
		if d := s.lookupDevice(w, r, st); d != nil {
			d.needReboot = true
			st.addAudit("device_schedule_reboot", "User 'API Token' scheduled the device "+d.id+" to be rebooted", d.flockID, s.now())
			done = true
		}
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}

func (s *Server) updateDevice(w http.ResponseWriter, r *request) {
	tag := r.params.Get("update_tag")
	if tag == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter update_tag")
		return
	}
	if tag != updateTag {
		s.fail(w, http.StatusBadRequest, "Update tag does not exist")
		return
	}
	done := false
	s.withWrite(func(st *state) {
		if d := s.lookupDevice(w, r, st); d != nil {
			d.version = LatestVersion
			st.addAudit("device_update", "User 'API Token' updated the device "+d.id, d.flockID, s.now())
			done = true
		}
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}

func (s *Server) configureDevice(w http.ResponseWriter, r *request) {
	var settings map[string]any
	if err := json.Unmarshal([]byte(r.params.Get("settings")), &settings); err != nil || len(settings) == 0 {
		s.fail(w, http.StatusBadRequest, "Missing required parameter settings (a JSON object)")
		return
	}
	var tag string
	s.withWrite(func(st *state) {
		if d := s.lookupDevice(w, r, st); d != nil {
			d.settings = settings
			tag = st.randHex(16)
			st.addAudit("device_push_settings", "User 'API Token' pushed settings to the device "+d.id, d.flockID, s.now())
		}
	})
	if tag != "" {
		s.writeJSON(w, http.StatusOK, map[string]any{"bundle_tag": tag, "msg": "All properties are expected.", "result": "success"})
	}
}

// bundles serves /bundles/list, which Thinkst's Python client calls for a
// device's settings bundles; the fake keeps none.
func (s *Server) bundles(w http.ResponseWriter, r *request) {
	var found bool
	s.withRead(func(st *state) { found = s.lookupDevice(w, r, st) != nil })
	if found {
		s.writeJSON(w, http.StatusOK, map[string]any{"bundles": []any{}, "result": "success"})
	}
}

const updateTag = "4ae023bdf75f14c8f08548bf5130e861"

// updatesList answers as documented: without "result".
func (s *Server) updatesList(w http.ResponseWriter, _ *request) {
	minor := LatestVersion[:strings.LastIndexByte(LatestVersion, '.')]
	s.writeJSON(w, http.StatusOK, map[string]any{"updates": []map[string]any{{
		"description": "Canary " + LatestVersion, "filename": "canary_" + LatestVersion + "_prod.upd", "ignore": false,
		"supported_versions": []string{minor}, "tag": updateTag, "target_sensors": []string{"rpi3_jessie"}, "version": LatestVersion,
	}}})
}

// Flocks.

func (s *Server) flocksList(w http.ResponseWriter, _ *request) {
	out := map[string]string{}
	s.withRead(func(st *state) {
		for id, f := range st.est.flocks {
			out[id] = f.name
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"flocks": out, "result": "success"})
}

func (s *Server) flocksFilter(w http.ResponseWriter, r *request) {
	q := strings.ToLower(r.params.Get("filter_str"))
	if q == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter filter_str")
		return
	}
	out := []map[string]any{}
	s.withRead(func(st *state) {
		for _, id := range st.flockIDs() {
			if f := st.est.flocks[id]; strings.Contains(strings.ToLower(f.name), q) {
				out = append(out, map[string]any{"flock_id": id, "name": f.name, "note": f.note})
			}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"flocks": out, "result": "success"})
}

func (st *state) flockIDs() []string {
	ids := make([]string, 0, len(st.est.flocks))
	for id := range st.est.flocks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func flockSettingsJSON() map[string]any {
	g := "Global"
	return map[string]any{
		"change_control": map[string]any{"device_settings_notifications": g, "flock_settings_notifications": g},
		"notification_info": map[string]any{"emails": map[string]any{"addresses": "", "enabled": g},
			"sms": map[string]any{"enabled": g, "numbers": ""}, "summary_email": map[string]any{"addresses": "", "enabled": g}},
		"webhooks": map[string]any{"generic_webhooks": []any{}, "hipchat_webhooks": []any{}, "ms_teams": []any{},
			"slack_webhooks": []any{}, "webhooks_enabled": g},
		"whitelisting": map[string]any{"hostname_ignorelisting": map[string]any{"enabled": g, "hostnames": []any{}},
			"inherit_global_whitelist_ips": false, "ip_whitelisting": map[string]any{"enabled": g, "ips": ""},
			"src_port_ignorelisting": map[string]any{"enabled": g, "src_ports": ""}},
	}
}

func (s *Server) flocksSummary(w http.ResponseWriter, _ *request) {
	sum := map[string]any{}
	unackedDev := map[string]int{}
	s.withRead(func(st *state) {
		for id, f := range st.est.flocks {
			members := []string{}
			var online, offline, enabled, disabled, incidents int
			for _, d := range st.est.devices {
				if d.flockID == id {
					members = append(members, d.id)
					if d.live {
						online++
					} else {
						offline++
					}
				}
			}
			for _, t := range st.tokens {
				if t.flockID == id {
					members = append(members, t.id)
					if t.enabled {
						enabled++
					} else {
						disabled++
					}
				}
			}
			for _, inc := range st.incs {
				if inc.flockID == id {
					incidents++
				}
			}
			var note any
			if f.note != "" {
				note = f.note
			}
			sum[id] = map[string]any{"devices": members, "disabled_tokens": disabled, "enabled_tokens": enabled,
				"global_settings": map[string]any{"console_change_alerts_enabled": false, "email_notifications": true},
				"incident_count":  incidents, "name": f.name, "note": note, "offline_devices": offline,
				"online_devices": online, "settings": flockSettingsJSON(), "total_tokens": enabled + disabled}
		}
		for _, inc := range st.incs {
			if !inc.acked && st.est.deviceBy[inc.nodeID] != nil {
				unackedDev[inc.flockID]++
			}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"flocks_summary": sum, "result": "success", "unacked_device_incident_counts": unackedDev})
}

// lookupFlock finds the flock named by param, or writes the error.
func (s *Server) lookupFlock(w http.ResponseWriter, r *request, st *state, param string) *flock {
	id := r.params.Get(param)
	if id == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter "+param)
		return nil
	}
	f := st.est.flocks[id]
	if f == nil {
		s.fail(w, http.StatusNotFound, "Flock not found")
	}
	return f
}

func (s *Server) flockSummary(w http.ResponseWriter, r *request) {
	top := 3
	if v := r.params.Get("num_top_tokens"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, msgBadParams)
			return
		}
		top = n
	}
	var out map[string]any
	s.withRead(func(st *state) {
		f := s.lookupFlock(w, r, st, "flock_id")
		if f == nil {
			return
		}
		byKind := map[string]int{}
		var total, disabled, triggered, incidents int
		for _, t := range st.tokens {
			if t.flockID != f.id {
				continue
			}
			total++
			byKind[t.kind]++
			if !t.enabled {
				disabled++
			}
			if t.incidents > 0 || t.triggered > 0 {
				triggered++
			}
		}
		for _, inc := range st.incs {
			if inc.flockID == f.id {
				incidents++
			}
		}
		kinds := make([]string, 0, len(byKind))
		for k := range byKind {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			if byKind[kinds[i]] != byKind[kinds[j]] {
				return byKind[kinds[i]] > byKind[kinds[j]]
			}
			return kinds[i] < kinds[j]
		})
		tops := []map[string]any{}
		for _, k := range kinds[:min(top, len(kinds))] {
			tops = append(tops, map[string]any{"count": byKind[k], "kind": k})
		}
		out = map[string]any{"different_token_num": len(byKind), "disabled_tokens": disabled, "incident_count": incidents,
			"result": "success", "top_tokens": tops, "total_tokens": total, "triggered_tokens": triggered}
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) flockMembers(w http.ResponseWriter, r *request) {
	var members []string
	s.withRead(func(st *state) {
		f := s.lookupFlock(w, r, st, "flock_id")
		if f == nil {
			return
		}
		members = []string{}
		for _, d := range st.est.devices {
			if d.flockID == f.id {
				members = append(members, d.id)
			}
		}
		for _, t := range st.tokens {
			if t.flockID == f.id {
				members = append(members, t.id)
			}
		}
	})
	if members != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"result": "success", "sensors": members})
	}
}

func (s *Server) flockSettings(w http.ResponseWriter, r *request) {
	var found bool
	s.withRead(func(st *state) { found = s.lookupFlock(w, r, st, "flock_id") != nil })
	if found {
		s.writeJSON(w, http.StatusOK, map[string]any{"result": "success", "settings": flockSettingsJSON()})
	}
}

func splitEmails(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func (s *Server) flockCreate(w http.ResponseWriter, r *request) {
	name := strings.TrimSpace(r.params.Get("name"))
	if name == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter name")
		return
	}
	var id string
	s.withWrite(func(st *state) {
		id = "flock:" + st.randHex(16)
		st.est.flocks[id] = &flock{id: id, name: name, managers: splitEmails(r.params.Get("managers")), watchers: splitEmails(r.params.Get("watchers"))}
		st.addAudit("flock_create", "User 'API Token' created the flock "+name, id, s.now())
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"flock_id": id, "result": "success"})
}

func (s *Server) flockRename(w http.ResponseWriter, r *request) {
	name := strings.TrimSpace(r.params.Get("name"))
	if name == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter name")
		return
	}
	var id string
	s.withWrite(func(st *state) {
		if f := s.lookupFlock(w, r, st, "flock_id"); f != nil {
			f.name = name
			id = f.id
			st.addAudit("flock_rename", "User 'API Token' renamed the flock to "+name, id, s.now())
		}
	})
	if id != "" {
		s.writeJSON(w, http.StatusOK, map[string]any{"flock_id": id, "result": "success"})
	}
}

func (s *Server) flockMove(w http.ResponseWriter, r *request) {
	node := r.params.Get("node_id")
	if node == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter node_id")
		return
	}
	clear := boolParam(r.params.Get("clear_incidents"))
	var id string
	s.withWrite(func(st *state) {
		f := s.lookupFlock(w, r, st, "dest_flock_id")
		if f == nil {
			return
		}
		var set func(string)
		var incs []*incident
		if d := st.est.deviceBy[node]; d != nil {
			set = func(id string) { d.flockID = id }
		} else {
			for _, t := range st.tokens {
				if t.nodeID == node || t.id == node {
					set = func(id string) { t.flockID = id }
					incs = st.tokenIncidents(t)
					break
				}
			}
		}
		if set == nil {
			s.fail(w, http.StatusNotFound, "Node not found")
			return
		}
		for _, inc := range st.incs {
			if inc.nodeID == node && !containsInc(incs, inc) {
				incs = append(incs, inc)
			}
		}
		if len(incs) > 0 && !clear {
			s.fail(w, http.StatusBadRequest, "Incidents must be cleared before moving; set clear_incidents")
			return
		}
		if len(incs) > 0 {
			st.removeIncidents(incs, true)
		}
		set(f.id)
		id = f.id
		st.addAudit("flock_move", "User 'API Token' moved "+node+" to the flock "+f.name, f.id, s.now())
	})
	if id != "" {
		s.writeJSON(w, http.StatusOK, map[string]any{"flock_id": id, "result": "success"})
	}
}

func containsInc(list []*incident, inc *incident) bool {
	for _, x := range list {
		if x == inc {
			return true
		}
	}
	return false
}

func (s *Server) flockDelete(w http.ResponseWriter, r *request) {
	done := false
	s.withWrite(func(st *state) {
		f := s.lookupFlock(w, r, st, "flock_id")
		if f == nil {
			return
		}
		if f.id == defaultFlock {
			s.fail(w, http.StatusBadRequest, "The Default Flock cannot be deleted")
			return
		}
		for _, d := range st.est.devices {
			if d.flockID == f.id {
				s.fail(w, http.StatusBadRequest, "The flock is not empty; move its devices and tokens first")
				return
			}
		}
		for _, t := range st.tokens {
			if t.flockID == f.id {
				s.fail(w, http.StatusBadRequest, "The flock is not empty; move its devices and tokens first")
				return
			}
		}
		delete(st.est.flocks, f.id)
		st.addAudit("flock_delete", "User 'API Token' deleted the flock "+f.name, f.id, s.now())
		done = true
	})
	if done {
		s.writeJSON(w, http.StatusOK, ok)
	}
}

// Factories.

func (s *Server) createFactory(w http.ResponseWriter, r *request) {
	memo := r.params.Get("memo")
	if strings.TrimSpace(memo) == "" {
		s.fail(w, http.StatusBadRequest, "Empty memo")
		return
	}
	flockID := r.params.Get("flock_id")
	if flockID == "" {
		flockID = defaultFlock
	}
	var auth string
	s.withWrite(func(st *state) {
		if st.est.flocks[flockID] == nil {
			s.fail(w, http.StatusNotFound, "Flock not found")
			return
		}
		auth = st.randHex(16)
		st.est.factories = append(st.est.factories, &factory{auth: auth, flockID: flockID, memo: memo})
		st.addAudit("canarytoken_factory_create", "User 'API Token' created a Canarytoken factory", flockID, s.now())
	})
	if auth != "" {
		s.writeJSON(w, http.StatusOK, map[string]any{"factory_auth": auth, "factory_url": "/api/v1/canarytoken/factory", "result": "success"})
	}
}

func (s *Server) listFactories(w http.ResponseWriter, _ *request) {
	out := []map[string]any{}
	s.withRead(func(st *state) {
		for _, f := range st.est.factories {
			out = append(out, map[string]any{"factory_auth": f.auth, "flock_id": f.flockID, "memo": f.memo})
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"factories": out, "result": "success"})
}

func (s *Server) deleteFactory(w http.ResponseWriter, r *request) {
	auth := r.params.Get("factory_auth")
	found := false
	s.withWrite(func(st *state) {
		for i, f := range st.est.factories {
			if subtle.ConstantTimeCompare([]byte(f.auth), []byte(auth)) == 1 {
				st.est.factories = append(st.est.factories[:i], st.est.factories[i+1:]...)
				found = true
				return
			}
		}
	})
	if !found {
		s.fail(w, http.StatusNotFound, "Factory auth string not found")
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"msg": "TokenFactory auth string deleted", "result": "success"})
}

// factoryKinds are the kinds the docs list for the factory.
var factoryKinds = map[string]bool{
	"active-directory-login": true, "aws-id": true, "azure-entra-login": true, "azure-id": true, "cloned-css": true,
	"cloned-web": true, "credit-card": true, "dns": true, "doc-msexcel": true, "doc-msword": true, "fast-redirect": true,
	"http": true, "msexcel-macro": true, "msword-macro": true, "mysql-dump": true, "pdf-acrobat-reader": true, "pwa": true,
	"qr-code": true, "sensitive-cmd": true, "signed-exe": true, "slack-api": true, "slow-redirect": true,
	"web-image": true, "windows-dir": true, "wireguard": true,
}

func (s *Server) factoryKindsList(w http.ResponseWriter, _ *request) {
	out := map[string]string{}
	for k := range factoryKinds {
		out[k] = kinds[k].desc
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"factory_canarytokens": out, "result": "success"})
}

// factoryAuthorized checks factory_auth, the only credential of the
// factory endpoints, and returns the factory.
func (s *Server) factoryAuthorized(w http.ResponseWriter, r *request) *factory {
	auth := []byte(r.params.Get("factory_auth"))
	var found *factory
	s.withRead(func(st *state) {
		for _, f := range st.est.factories {
			if subtle.ConstantTimeCompare([]byte(f.auth), auth) == 1 {
				found = f
			}
		}
	})
	if found == nil {
		s.fail(w, http.StatusUnauthorized, "Invalid factory_auth")
	}
	return found
}

// factoryCreate serves /canarytoken/factory/create (and the older
// /canarytoken/factory): a create limited to the factory's kinds and
// flock, whose token carries factory_auth.
func (s *Server) factoryCreate(w http.ResponseWriter, r *request) {
	f := s.factoryAuthorized(w, r)
	if f == nil {
		return
	}
	if k := r.params.Get("kind"); k != "" && !factoryKinds[k] {
		s.fail(w, http.StatusBadRequest, "Supplied kind is not valid.")
		return
	}
	if r.params.Get("flock_id") == "" {
		r.params.Set("flock_id", f.flockID)
	}
	r.params.Del("factory_auth")
	s.createTokenWith(w, r, f.auth)
}

func (s *Server) factoryDownload(w http.ResponseWriter, r *request) {
	f := s.factoryAuthorized(w, r)
	if f == nil {
		return
	}
	var mine bool
	s.withRead(func(st *state) {
		t := st.tokenByID[r.params.Get("canarytoken")]
		mine = t != nil && t.factoryAuth == f.auth
	})
	if !mine {
		s.fail(w, http.StatusNotFound, msgNoToken)
		return
	}
	s.downloadToken(w, r)
}

// Audit trail.

func (s *Server) auditFetch(w http.ResponseWriter, r *request) {
	p := r.params
	if p.Get("cursor") != "" && (p.Get("after_id") != "" || p.Get("limit") != "") {
		s.fail(w, http.StatusBadRequest, "Cannot use cursor with after_id or limit")
		return
	}
	limit, start := 100, 0
	if v := p.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.fail(w, http.StatusBadRequest, msgBadParams)
			return
		}
		limit = n
	}
	var afterID int64
	if v := p.Get("after_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, http.StatusBadRequest, msgBadParams)
			return
		}
		afterID = n
	}
	if c := p.Get("cursor"); c != "" {
		// The cursor holds the offset, the page size and after_id, not
		// the filters: clients must resend those.
		if _, err := fmt.Sscanf(c, "a:%d:%d:%d", &start, &limit, &afterID); err != nil || limit < 1 || start < 0 {
			s.fail(w, http.StatusBadRequest, "Invalid cursor")
			return
		}
	}
	var from, to time.Time
	for _, d := range []struct {
		k string
		t *time.Time
	}{{"start_date", &from}, {"end_date", &to}} {
		if v := p.Get(d.k); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				s.fail(w, http.StatusBadRequest, "Invalid "+d.k)
				return
			}
			*d.t = t
		}
	}
	loc, okTZ := tzParam(p.Get("tz"))
	if !okTZ {
		s.fail(w, http.StatusBadRequest, "Parameter tz was invalid.")
		return
	}
	action, term := p.Get("action_filter"), strings.ToLower(p.Get("search_term"))
	var match []*auditEntry
	s.withRead(func(st *state) {
		for i := len(st.est.audit) - 1; i >= 0; i-- { // newest first
			e := st.est.audit[i]
			switch {
			case e.id <= afterID, action != "" && e.action != action,
				term != "" && !strings.Contains(strings.ToLower(e.message), term),
				!from.IsZero() && e.at.Before(from), !to.IsZero() && !e.at.Before(to.Add(24*time.Hour)):
				continue
			}
			match = append(match, e)
		}
	})
	page := []map[string]any{}
	for _, e := range match[min(start, len(match)):min(start+limit, len(match))] {
		var fl any
		if e.flockID != "" {
			fl = e.flockID
		}
		page = append(page, map[string]any{"action_type": e.action, "additional_information": nil, "flock_id": fl,
			"id": e.id, "message": e.message, "timestamp": stdTime(e.at, loc), "user": e.user,
			"user_browser_agent": "", "user_browser_language": "", "user_ip": e.ip})
	}
	var next, prev any
	if start+limit < len(match) {
		next = fmt.Sprintf("a:%d:%d:%d", start+limit, limit, afterID)
	}
	if start > 0 {
		prev = fmt.Sprintf("a:%d:%d:%d", max(start-limit, 0), limit, afterID)
	}
	var trail any = page
	if len(match) == 0 {
		trail = nil // as ELASTIC's mock of an empty trail
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"audit_trail": trail, "cursor": map[string]any{"next": next, "prev": prev},
		"page_count": max((len(match)+limit-1)/limit, 1), "page_number": start/limit + 1, "result": "success"})
}

// Ignore lists and settings.

func (s *Server) isIPIgnored(w http.ResponseWriter, r *request) {
	ip := r.params.Get("src_ip")
	if net.ParseIP(ip) == nil {
		s.fail(w, http.StatusBadRequest, "Missing or invalid parameter src_ip")
		return
	}
	port, _ := strconv.Atoi(r.params.Get("dst_port"))
	var hit, enabled bool
	s.withRead(func(st *state) {
		enabled = len(st.est.ignored) > 0
		for entry, ports := range st.est.ignored {
			if !ipMatches(entry, ip) {
				continue
			}
			for _, p := range ports {
				hit = hit || p == 0 || p == port
			}
		}
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"is_ip_whitelisted": hit, "is_whitelist_enabled": enabled})
}

func ipMatches(entry, ip string) bool {
	if _, n, err := net.ParseCIDR(entry); err == nil {
		return n.Contains(net.ParseIP(ip))
	}
	return entry == ip
}

func (s *Server) isHostnameIgnored(w http.ResponseWriter, r *request) {
	if r.params.Get("hostname") == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter hostname")
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"is_hostname_whitelisted": false, "is_whitelist_enabled": false})
}

func (s *Server) ignoreIP(w http.ResponseWriter, r *request) {
	ip := r.params.Get("src_ip")
	if net.ParseIP(ip) == nil {
		if _, _, err := net.ParseCIDR(ip); err != nil {
			s.fail(w, http.StatusBadRequest, "Missing or invalid parameter src_ip")
			return
		}
	}
	port := 0
	if v := r.params.Get("dst_port"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			s.fail(w, http.StatusBadRequest, "Invalid dst_port")
			return
		}
		port = n
	}
	s.withWrite(func(st *state) {
		st.est.ignored[ip] = append(st.est.ignored[ip], port)
		st.addAudit("settings_whitelist_ip", "User 'API Token' added "+ip+" to the ignore list", "", s.now())
	})
	s.writeJSON(w, http.StatusOK, map[string]any{"message": "Whitelist added", "result": "success"})
}

// settings serves /settings; like the Console's, it includes the API key.
func (s *Server) settings(w http.ResponseWriter, _ *request) {
	s.writeJSON(w, http.StatusOK, map[string]any{"auth_token": s.cfg.authToken, "console_domain": "canarytest.example",
		"whitelist_enabled": true, "result": "success"})
}

// Flock API keys.

// apiKey is a flock API key.
type apiKey struct {
	token, typ, keyID, note, flockID string
	created, lastUsed                time.Time
}

var apiKeyTypes = map[string]bool{"read-only": true, "canarytoken-deploy": true, "breadcrumb-deploy": true, "analyst": true, "admin": true}

func apiKeyJSON(k *apiKey, withLastUsed bool) map[string]any {
	m := map[string]any{"auth_token": k.token, "auth_token_type": k.typ, "created": stdTime(k.created, nil),
		"created_by": "Global-API-Token[key_id:ffffffff]", "key_id": k.keyID, "managed_flocks": []string{k.flockID},
		"note": k.note, "watched_flocks": []string{}}
	if withLastUsed {
		var lu any
		if !k.lastUsed.IsZero() {
			lu = stdTime(k.lastUsed, nil)
		}
		m["last_used"] = lu
	}
	return m
}

func (s *Server) addAPIKey(w http.ResponseWriter, r *request) {
	note := r.params.Get("note")
	if strings.TrimSpace(note) == "" {
		s.fail(w, http.StatusBadRequest, "Missing required parameter note")
		return
	}
	typ := r.params.Get("auth_token_type")
	if typ == "" {
		typ = "admin"
	}
	if !apiKeyTypes[typ] {
		s.fail(w, http.StatusBadRequest, "Parameter auth_token_type was invalid.")
		return
	}
	var out map[string]any
	s.withWrite(func(st *state) {
		f := s.lookupFlock(w, r, st, "flock_id")
		if f == nil {
			return
		}
		k := &apiKey{token: st.randHex(20), typ: typ, keyID: st.randHex(4), note: note, flockID: f.id, created: s.now()}
		st.est.apiKeys = append(st.est.apiKeys, k)
		st.addAudit("flock_api_key_add", "User 'API Token' added a "+typ+" API key to the flock "+f.name, f.id, s.now())
		out = apiKeyJSON(k, false)
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"flock_api_key": out, "result": "success"})
	}
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *request) {
	var out []map[string]any
	s.withRead(func(st *state) {
		f := s.lookupFlock(w, r, st, "flock_id")
		if f == nil {
			return
		}
		out = []map[string]any{}
		for _, k := range st.est.apiKeys {
			if k.flockID == f.id {
				out = append(out, apiKeyJSON(k, true))
			}
		}
	})
	if out != nil {
		s.writeJSON(w, http.StatusOK, map[string]any{"flock_api_keys": out, "result": "success"})
	}
}

func (s *Server) removeAPIKey(w http.ResponseWriter, r *request) {
	tok := r.params.Get("remove_auth_token")
	found := false
	s.withWrite(func(st *state) {
		for i, k := range st.est.apiKeys {
			if subtle.ConstantTimeCompare([]byte(k.token), []byte(tok)) == 1 {
				st.est.apiKeys = append(st.est.apiKeys[:i], st.est.apiKeys[i+1:]...)
				found = true
				return
			}
		}
	})
	if !found {
		s.fail(w, http.StatusNotFound, "API key not found")
		return
	}
	s.writeJSON(w, http.StatusOK, ok)
}

// deployPaths are what a canarytoken-deploy key may call.
var deployPaths = map[string]bool{"/ping": true, "/canarytoken/create": true, "/canarytoken/download": true, "/canarytoken/fetch": true}

// flockKeyAuthorized authenticates a request made with a flock API key.
// The fake enforces the canarytoken-deploy scope (create, fetch and
// download tokens in the key's flock); keys of the other types are refused.
func (s *Server) flockKeyAuthorized(w http.ResponseWriter, r *request, token string) (known, allowed bool) {
	var key *apiKey
	s.withWrite(func(st *state) {
		for _, k := range st.est.apiKeys {
			if subtle.ConstantTimeCompare([]byte(k.token), []byte(token)) == 1 {
				key = k
				k.lastUsed = s.now()
			}
		}
	})
	if key == nil {
		return false, false
	}
	if key.typ != "canarytoken-deploy" || !deployPaths[r.path] {
		s.fail(w, http.StatusForbidden, "Unauthorized")
		return true, false
	}
	switch r.path {
	case "/canarytoken/create":
		if f := r.params.Get("flock_id"); f != "" && f != key.flockID {
			s.fail(w, http.StatusForbidden, "Unauthorized")
			return true, false
		}
		r.params.Set("flock_id", key.flockID)
	case "/canarytoken/download", "/canarytoken/fetch":
		var inFlock bool
		s.withRead(func(st *state) {
			t := st.tokenByID[r.params.Get("canarytoken")]
			inFlock = t == nil || t.flockID == key.flockID
		})
		if !inFlock {
			s.fail(w, http.StatusForbidden, "Unauthorized")
			return true, false
		}
	}
	return true, true
}
