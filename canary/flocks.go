package canary

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/internal/lenient"
)

// FlocksService reads and manages flocks, the Console's groups of devices
// and tokens: the endpoints under /flocks and /flock.
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html and
// https://docs.canary.tools/flocks/actions.html
type FlocksService service

// DefaultFlockID is the flock every Console has, which cannot be deleted.
const DefaultFlockID = "flock:default"

// Flock names a flock.
type Flock struct {
	ID   string `json:"flock_id"`
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
}

// List returns the flocks the key may see, sorted by ID (GET /flocks/list).
// email, if not "", lists the flocks of that user instead.
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#list-flocks-for-user
//
//meta:operation GET /api/v1/flocks/list
func (s *FlocksService) List(ctx context.Context, email string) ([]*Flock, error) {
	q := url.Values{}
	setNonEmpty(q, "email", email)
	var out struct {
		envelope
		Flocks map[string]lenient.String `json:"flocks"`
	}
	if err := s.client.get(ctx, "/flocks/list", q, &out); err != nil {
		return nil, err
	}
	res := make([]*Flock, 0, len(out.Flocks))
	for id, name := range out.Flocks {
		res = append(res, &Flock{ID: id, Name: string(name)})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].ID < res[j].ID })
	return res, nil
}

// Filter returns the flocks whose name matches filter (GET /flocks/filter).
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#filter-flocks
//
//meta:operation GET /api/v1/flocks/filter
func (s *FlocksService) Filter(ctx context.Context, filter string) ([]*Flock, error) {
	if err := requireID("filter", filter); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Flocks []struct {
			ID   lenient.String `json:"flock_id"`
			Name lenient.String `json:"name"`
			Note lenient.String `json:"note"`
		} `json:"flocks"`
	}
	if err := s.client.get(ctx, "/flocks/filter", url.Values{"filter_str": {filter}}, &out); err != nil {
		return nil, err
	}
	res := make([]*Flock, 0, len(out.Flocks))
	for _, f := range out.Flocks {
		res = append(res, &Flock{ID: string(f.ID), Name: string(f.Name), Note: string(f.Note)})
	}
	return res, nil
}

// FlockSummary is one flock's entry in /flocks/summary: its members and
// counts.
type FlockSummary struct {
	ID   string `json:"flock_id"`
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
	// Members are the node IDs of the flock's devices and the codes of its
	// tokens, mixed, as the Console sends them; Devices are the members
	// that look like device node IDs (16 hex characters) and Tokens the
	// rest.
	Members []string `json:"members"`
	Devices []string `json:"devices"`
	Tokens  []string `json:"tokens"`
	// OnlineDevices and OfflineDevices count the flock's devices.
	OnlineDevices  int `json:"online_devices"`
	OfflineDevices int `json:"offline_devices"`
	// EnabledTokens + DisabledTokens == TotalTokens.
	EnabledTokens  int `json:"enabled_tokens"`
	DisabledTokens int `json:"disabled_tokens"`
	TotalTokens    int `json:"total_tokens"`
	// IncidentCount is the Console's incident count for the flock (what it
	// counts is not documented).
	IncidentCount int `json:"incident_count"`
	// UnackedDeviceIncidents is the flock's entry in the response's
	// unacked_device_incident_counts.
	UnackedDeviceIncidents int `json:"unacked_device_incidents"`
	// Settings is the flock's settings object, as Flocks.Settings returns
	// it.
	Settings map[string]json.RawMessage `json:"settings,omitempty"`
}

// IsNodeID reports whether id looks like a device node ID (16 hex
// characters) rather than a token code. The Console mixes both in flock
// member lists; this is the heuristic Thinkst's Python client uses.
func IsNodeID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, r := range id {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// Summaries returns every flock with its members and counts, sorted by ID
// (GET /flocks/summary). It is the only call that counts a flock's online
// and offline devices. global_settings (which holds the Console's public
// key and listen domain) is not decoded.
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#list-flocks-summary
//
//meta:operation GET /api/v1/flocks/summary
func (s *FlocksService) Summaries(ctx context.Context) ([]*FlockSummary, error) {
	var out struct {
		envelope
		Flocks map[string]struct {
			Devices        []lenient.String           `json:"devices"`
			DisabledTokens lenient.Int                `json:"disabled_tokens"`
			EnabledTokens  lenient.Int                `json:"enabled_tokens"`
			IncidentCount  lenient.Int                `json:"incident_count"`
			Name           lenient.String             `json:"name"`
			Note           lenient.String             `json:"note"`
			OfflineDevices lenient.Int                `json:"offline_devices"`
			OnlineDevices  lenient.Int                `json:"online_devices"`
			TotalTokens    lenient.Int                `json:"total_tokens"`
			Settings       map[string]json.RawMessage `json:"settings"`
		} `json:"flocks_summary"`
		Unacked map[string]lenient.Int `json:"unacked_device_incident_counts"`
	}
	if err := s.client.get(ctx, "/flocks/summary", nil, &out); err != nil {
		return nil, err
	}
	res := make([]*FlockSummary, 0, len(out.Flocks))
	for id, f := range out.Flocks {
		fs := &FlockSummary{
			ID: id, Name: string(f.Name), Note: string(f.Note),
			Members: []string{}, Devices: []string{}, Tokens: []string{},
			OnlineDevices: int(f.OnlineDevices), OfflineDevices: int(f.OfflineDevices),
			EnabledTokens: int(f.EnabledTokens), DisabledTokens: int(f.DisabledTokens), TotalTokens: int(f.TotalTokens),
			IncidentCount: int(f.IncidentCount), UnackedDeviceIncidents: int(out.Unacked[id]),
			Settings: f.Settings,
		}
		for _, m := range f.Devices {
			fs.Members = append(fs.Members, string(m))
			if IsNodeID(string(m)) {
				fs.Devices = append(fs.Devices, string(m))
			} else {
				fs.Tokens = append(fs.Tokens, string(m))
			}
		}
		res = append(res, fs)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].ID < res[j].ID })
	return res, nil
}

// FlockTokenSummary is the token counts of one flock, from Flocks.Summary.
type FlockTokenSummary struct {
	TotalTokens     int
	DisabledTokens  int
	TriggeredTokens int
	// DifferentKinds is how many kinds the flock's tokens have.
	DifferentKinds int
	IncidentCount  int
	// TopKinds are the most used kinds, most first.
	TopKinds []KindCount
}

// KindCount is a count of tokens of one kind.
type KindCount struct {
	Kind  Kind
	Count int
}

// Summary returns the token counts of one flock (GET /flock/summary).
// topKinds, if above 0, is how many kinds TopKinds lists
// (num_top_tokens).
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#flock-summary
//
//meta:operation GET /api/v1/flock/summary
func (s *FlocksService) Summary(ctx context.Context, flockID string, topKinds int) (*FlockTokenSummary, error) {
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	if topKinds < 0 {
		return nil, invalid("topKinds", "must not be negative")
	}
	q := url.Values{"flock_id": {flockID}}
	if topKinds > 0 {
		q.Set("num_top_tokens", strconv.Itoa(topKinds))
	}
	var out struct {
		envelope
		DifferentTokenNum lenient.Int `json:"different_token_num"`
		DisabledTokens    lenient.Int `json:"disabled_tokens"`
		IncidentCount     lenient.Int `json:"incident_count"`
		TotalTokens       lenient.Int `json:"total_tokens"`
		TriggeredTokens   lenient.Int `json:"triggered_tokens"`
		TopTokens         []struct {
			Count lenient.Int    `json:"count"`
			Kind  lenient.String `json:"kind"`
		} `json:"top_tokens"`
	}
	if err := s.client.get(ctx, "/flock/summary", q, &out); err != nil {
		return nil, err
	}
	res := &FlockTokenSummary{
		TotalTokens: int(out.TotalTokens), DisabledTokens: int(out.DisabledTokens), TriggeredTokens: int(out.TriggeredTokens),
		DifferentKinds: int(out.DifferentTokenNum), IncidentCount: int(out.IncidentCount), TopKinds: []KindCount{},
	}
	for _, t := range out.TopTokens {
		res.TopKinds = append(res.TopKinds, KindCount{Kind: Kind(t.Kind), Count: int(t.Count)})
	}
	return res, nil
}

// Members returns the node IDs of a flock's devices and the codes of its
// tokens, mixed, as the Console sends them (GET /flock/list); IsNodeID
// tells them apart.
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#list-flock-sensors
//
//meta:operation GET /api/v1/flock/list
func (s *FlocksService) Members(ctx context.Context, flockID string) ([]string, error) {
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Sensors []lenient.String `json:"sensors"`
	}
	if err := s.client.get(ctx, "/flock/list", url.Values{"flock_id": {flockID}}, &out); err != nil {
		return nil, err
	}
	res := make([]string, 0, len(out.Sensors))
	for _, m := range out.Sensors {
		res = append(res, string(m))
	}
	return res, nil
}

// Settings returns a flock's settings (GET /flock/settings): the objects
// "change_control", "notification_info", "webhooks" and "whitelisting", as
// sent. Each setting is "Global" (inherit), or enabled or disabled.
//
// Canary API docs: https://docs.canary.tools/flocks/queries.html#flock-settings
//
//meta:operation GET /api/v1/flock/settings
func (s *FlocksService) Settings(ctx context.Context, flockID string) (map[string]json.RawMessage, error) {
	if err := requireID("flockID", flockID); err != nil {
		return nil, err
	}
	var out struct {
		envelope
		Settings map[string]json.RawMessage `json:"settings"`
	}
	if err := s.client.get(ctx, "/flock/settings", url.Values{"flock_id": {flockID}}, &out); err != nil {
		return nil, err
	}
	if out.Settings == nil {
		return nil, malformed("GET", "/flock/settings", `no "settings" object in the response`)
	}
	return out.Settings, nil
}

// CreateFlockOptions adds to Flocks.Create.
type CreateFlockOptions struct {
	// Managers and Watchers are the e-mail addresses of the users who
	// manage or watch the new flock.
	Managers, Watchers []string
}

func emailList(field string, vs []string) (string, error) {
	for _, v := range vs {
		if strings.TrimSpace(v) == "" || strings.ContainsAny(v, ",\r\n\x00 ") || !strings.Contains(v, "@") {
			return "", invalid(field, "%q is not an e-mail address", clip(v))
		}
	}
	return strings.Join(vs, ","), nil
}

// Create makes a flock and returns its ID (POST /flock/create).
//
// Canary API docs: https://docs.canary.tools/flocks/actions.html#create-flock
//
//meta:operation POST /api/v1/flock/create
func (s *FlocksService) Create(ctx context.Context, name string, opts *CreateFlockOptions) (string, error) {
	if err := requireID("name", name); err != nil {
		return "", err
	}
	form := url.Values{"name": {name}}
	if opts != nil {
		m, err := emailList("Managers", opts.Managers)
		if err != nil {
			return "", err
		}
		w, err := emailList("Watchers", opts.Watchers)
		if err != nil {
			return "", err
		}
		setNonEmpty(form, "managers", m)
		setNonEmpty(form, "watchers", w)
	}
	var out struct {
		envelope
		FlockID lenient.String `json:"flock_id"`
	}
	if err := s.client.post(ctx, "/flock/create", form, false, &out); err != nil {
		return "", err
	}
	if out.FlockID == "" {
		return "", malformed("POST", "/flock/create", `no "flock_id" in the response`)
	}
	return string(out.FlockID), nil
}

// Rename gives a flock a new name (POST /flock/rename). (Thinkst's Python
// client sends the old name here; this sends the new one.)
//
// Canary API docs: https://docs.canary.tools/flocks/actions.html#rename-flock
//
//meta:operation POST /api/v1/flock/rename
func (s *FlocksService) Rename(ctx context.Context, flockID, name string) error {
	if err := requireID("flockID", flockID); err != nil {
		return err
	}
	if err := requireID("name", name); err != nil {
		return err
	}
	return s.client.post(ctx, "/flock/rename", url.Values{"flock_id": {flockID}, "name": {name}}, true, nil)
}

// Move moves a device or token (by node ID) into the flock destFlockID
// (POST /flock/move). The Console refuses to move a member with
// incidents unless clearIncidents is true, which deletes them.
//
// Canary API docs: https://docs.canary.tools/flocks/actions.html#move-sensor-to-flock
//
//meta:operation POST /api/v1/flock/move
func (s *FlocksService) Move(ctx context.Context, destFlockID, nodeID string, clearIncidents bool) error {
	if err := requireID("destFlockID", destFlockID); err != nil {
		return err
	}
	if err := requireID("nodeID", nodeID); err != nil {
		return err
	}
	form := url.Values{"dest_flock_id": {destFlockID}, "node_id": {nodeID}}
	if clearIncidents {
		form.Set("clear_incidents", "true")
	}
	return s.client.post(ctx, "/flock/move", form, true, nil)
}

// Delete deletes an empty flock (POST /flock/delete). The default flock
// cannot be deleted; this refuses it before sending anything.
//
// Canary API docs: https://docs.canary.tools/flocks/actions.html#delete-flock
//
//meta:operation POST /api/v1/flock/delete
func (s *FlocksService) Delete(ctx context.Context, flockID string) error {
	if err := requireID("flockID", flockID); err != nil {
		return err
	}
	if flockID == DefaultFlockID {
		return invalid("flockID", "the default flock cannot be deleted")
	}
	return s.client.post(ctx, "/flock/delete", url.Values{"flock_id": {flockID}}, true, nil)
}
