package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
)

// devices, flocks and audit-trail show the Console's estate: its Canaries,
// its flocks and its audit trail.

// deviceRow is a device as devices --json prints it.
type deviceRow struct {
	NodeID      string    `json:"node_id"`
	Name        string    `json:"name"`
	FlockID     string    `json:"flock_id,omitempty"`
	FlockName   string    `json:"flock_name,omitempty"`
	Live        bool      `json:"live"`
	Version     string    `json:"version,omitempty"`
	Outdated    bool      `json:"outdated"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	IPAddress   string    `json:"ip_address,omitempty"`
	Personality string    `json:"personality,omitempty"`
	Location    string    `json:"location,omitempty"`
}

func devicesFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	status := fs.String("status", "all", "which Canaries: `all`, live or dead")
	flockFlag := fs.String("flock", "", "only the Canaries of this flock (`ID or name`)")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("devices", args); err != nil {
			return err
		}
		var st canary.DeviceStatus
		switch *status {
		case "all":
			st = canary.DeviceAll
		case "live":
			st = canary.DeviceLive
		case "dead":
			st = canary.DeviceDead
		default:
			return usagef("devices: --status must be all, live or dead, not %q", *status)
		}
		devs, err := e.c.Devices.List(ctx, &canary.ListDevicesOptions{Status: st})
		if err != nil {
			return err
		}
		// The device list has no flock; the IP listing names every
		// device's flock.
		ips, err := e.c.Devices.IPs(ctx, "")
		if err != nil {
			return err
		}
		flockOf := map[string][2]string{}
		for _, f := range ips {
			for _, d := range f.Devices {
				flockOf[d.NodeID] = [2]string{f.FlockID, f.Name}
			}
		}
		ups, err := e.c.Devices.Updates(ctx)
		if err != nil {
			return err
		}
		latest := ""
		for _, u := range ups {
			if !u.Ignore && canary.CompareVersions(u.Version, latest) > 0 {
				latest = u.Version
			}
		}
		rows := []deviceRow{}
		for _, d := range devs {
			f := flockOf[d.ID]
			if d.FlockID != "" {
				f[0] = d.FlockID
			}
			if *flockFlag != "" && *flockFlag != f[0] && !strings.EqualFold(*flockFlag, f[1]) {
				continue
			}
			rows = append(rows, deviceRow{NodeID: d.ID, Name: d.Name, FlockID: f[0], FlockName: f[1], Live: d.Live,
				Version: d.Version, Outdated: latest != "" && d.Version != "" && canary.CompareVersions(d.Version, latest) < 0,
				LastSeen: d.LastSeen, IPAddress: d.IPAddress, Personality: d.Personality, Location: d.Location})
		}
		header := []string{"NODE ID", "NAME", "FLOCK", "LIVE", "VERSION", "LAST SEEN", "IP"}
		cells := make([][]string, len(rows))
		for i, r := range rows {
			v := orDash(r.Version)
			if r.Outdated {
				v += " (behind " + latest + ")"
			}
			cells[i] = []string{r.NodeID, clip(r.Name, 40), clip(orDash(r.FlockName), 30), yesNo(r.Live), v, stamp(r.LastSeen), orDash(r.IPAddress)}
		}
		dead := 0
		for _, r := range rows {
			if !r.Live {
				dead++
			}
		}
		return e.printTable(rows, header, cells, fmt.Sprintf("%d Canaries, %d dead", len(rows), dead))
	}
}

// printTable prints rows as JSON, or cells as a Markdown or plain table
// followed by footer.
func (e *env) printTable(rows any, header []string, cells [][]string, footer string) error {
	switch e.format() {
	case formatJSON:
		return writeJSON(e.stdout, rows)
	case formatMarkdown:
		return writeMarkdownTable(e.stdout, header, cells)
	}
	if e.demo != nil {
		fmt.Fprintln(e.stdout, demoBanner)
	}
	tw := table(e.stdout)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, c := range cells {
		fmt.Fprintln(tw, strings.Join(c, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(e.stdout, footer+"\n")
	return err
}

// flockRow is a flock as flocks --json prints it.
type flockRow struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	OnlineDevices  int    `json:"online_devices"`
	OfflineDevices int    `json:"offline_devices"`
	EnabledTokens  int    `json:"enabled_tokens"`
	DisabledTokens int    `json:"disabled_tokens"`
	Incidents      int    `json:"incidents"`
}

func flocksFlags(*flag.FlagSet) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("flocks", args); err != nil {
			return err
		}
		sums, err := e.c.Flocks.Summaries(ctx)
		if err != nil {
			return err
		}
		sort.Slice(sums, func(i, j int) bool { return sums[i].Name < sums[j].Name })
		rows := make([]flockRow, len(sums))
		cells := make([][]string, len(sums))
		for i, s := range sums {
			rows[i] = flockRow{ID: s.ID, Name: s.Name, OnlineDevices: s.OnlineDevices, OfflineDevices: s.OfflineDevices,
				EnabledTokens: s.EnabledTokens, DisabledTokens: s.DisabledTokens, Incidents: s.IncidentCount}
			cells[i] = []string{s.ID, clip(s.Name, 40), strconv.Itoa(s.OnlineDevices), strconv.Itoa(s.OfflineDevices),
				strconv.Itoa(s.EnabledTokens), strconv.Itoa(s.DisabledTokens), strconv.Itoa(s.IncidentCount)}
		}
		header := []string{"ID", "NAME", "LIVE CANARIES", "DEAD CANARIES", "ENABLED TOKENS", "DISABLED TOKENS", "INCIDENTS"}
		return e.printTable(rows, header, cells, fmt.Sprintf("%d flocks", len(rows)))
	}
}

// auditRow is an audit-trail entry as audit-trail --json prints it.
type auditRow struct {
	ID        int64     `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	Action    string    `json:"action_type"`
	User      string    `json:"user,omitempty"`
	UserIP    string    `json:"user_ip,omitempty"`
	FlockID   string    `json:"flock_id,omitempty"`
	FlockName string    `json:"flock_name,omitempty"`
	Message   string    `json:"message"`
}

const defaultAuditLimit = 50

func auditTrailFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	action := fs.String("action", "", "only entries of this `action` type, e.g. user_login or flock_move")
	search := fs.String("search", "", "only entries that mention this `text`")
	afterID := fs.Int64("after-id", 0, "only entries with an ID above this `id` (poll for new entries)")
	limit := fs.Int("limit", defaultAuditLimit, "print at most `n` entries, newest first; 0 for all")
	return func(ctx context.Context, e *env, args []string) error {
		if err := noArgs("audit-trail", args); err != nil {
			return err
		}
		if *limit < 0 {
			return usagef("--limit must be 0 (no limit) or more")
		}
		if *afterID < 0 {
			return usagef("--after-id must not be negative")
		}
		opts := &canary.AuditTrailOptions{ActionFilter: *action, SearchTerm: *search, AfterID: *afterID}
		if *limit > 0 && *limit <= canary.MaxPageSize {
			opts.Limit = *limit
		}
		flocks, err := e.c.Flocks.List(ctx, "")
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, f := range flocks {
			names[f.ID] = f.Name
		}
		rows := []auditRow{}
		p := e.progress("reading the audit trail")
		for ev, err := range e.c.AuditTrail.All(ctx, opts) {
			if err != nil {
				p.done()
				return err
			}
			p.item()
			rows = append(rows, auditRow{ID: ev.ID, Timestamp: ev.Timestamp, Action: ev.ActionType, User: ev.User,
				UserIP: ev.UserIP, FlockID: ev.FlockID, FlockName: names[ev.FlockID], Message: ev.Message})
			if *limit > 0 && len(rows) >= *limit {
				break
			}
		}
		p.done()
		cells := make([][]string, len(rows))
		for i, r := range rows {
			cells[i] = []string{strconv.FormatInt(r.ID, 10), stamp(r.Timestamp), r.Action, clip(orDash(r.User), 30), clip(orDash(firstOf(r.FlockName, r.FlockID)), 24), clip(r.Message, 70)}
		}
		header := []string{"ID", "TIME", "ACTION", "USER", "FLOCK", "MESSAGE"}
		return e.printTable(rows, header, cells, fmt.Sprintf("%d entries", len(rows)))
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
