package audit

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/internal/auditview"
)

// Birds is what the estate part of a full audit reads besides tokens and
// incidents: the Console's Canary devices, its flocks and the newest Canary
// software version it offers.
type Birds struct {
	// Devices are every device; a device without FlockID is placed by the
	// flock summaries' member lists.
	Devices []*canary.Device
	// Flocks are every flock with its members (canary Flocks.Summaries).
	Flocks []*canary.FlockSummary
	// LatestVersion is the newest version an update offers ("" when the
	// Console offers none: no bird is then called outdated).
	LatestVersion string
}

// BirdSource is a Source that can also read the Console's devices and
// flocks. When Full's Source is one, the report gains the estate section
// (Report.Estate) and its findings. FromClient returns one.
type BirdSource interface {
	Source
	// Birds returns the devices and flocks. An error ends the audit.
	Birds(ctx context.Context) (*Birds, error)
}

// Birds reads the devices (Devices.List), the flocks (Flocks.Summaries)
// and the updates (Devices.Updates).
func (s clientSource) Birds(ctx context.Context) (*Birds, error) {
	if s.c == nil {
		return nil, invalid("FromClient", "the client is nil; make one with canary.NewClient")
	}
	devs, err := s.c.Devices.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	flocks, err := s.c.Flocks.Summaries(ctx)
	if err != nil {
		return nil, err
	}
	ups, err := s.c.Devices.Updates(ctx)
	if err != nil {
		return nil, err
	}
	b := &Birds{Devices: devs, Flocks: flocks}
	for _, u := range ups {
		if !u.Ignore && canary.CompareVersions(u.Version, b.LatestVersion) > 0 {
			b.LatestVersion = u.Version
		}
	}
	return b, nil
}

// EstateSection is the Canary devices ("birds") and flocks.
type EstateSection struct {
	// Birds == Live + Dead. Outdated counts birds (live or dead) whose
	// version is older than LatestVersion.
	Birds         int    `json:"birds"`
	Live          int    `json:"live"`
	Dead          int    `json:"dead"`
	Outdated      int    `json:"outdated"`
	LatestVersion string `json:"latest_version,omitempty"`
	// Flocks has one row per flock, by name.
	Flocks []FlockRow `json:"flocks"`
	// DeadBirds lists every dead bird, longest down first; OutdatedBirds
	// every outdated one, oldest version first.
	DeadBirds     []BirdRef `json:"dead_birds"`
	OutdatedBirds []BirdRef `json:"outdated_birds"`
}

// FlockRow is one flock: its birds, its tokens, their coverage and its
// incidents.
type FlockRow struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Birds     int    `json:"birds"`
	LiveBirds int    `json:"live_birds"`
	DeadBirds int    `json:"dead_birds"`
	// Tokens and EnabledTokens are the flock's tokens in the audit's token
	// listing.
	Tokens        int `json:"tokens"`
	EnabledTokens int `json:"enabled_tokens"`
	// ScorePercent is the coverage score of the flock's tokens alone, and
	// Missing the recommended kinds it lacks.
	ScorePercent float64       `json:"score_percent"`
	Missing      []canary.Kind `json:"missing"`
	// Incidents and Unacknowledged count the incidents that name the flock.
	Incidents      int `json:"incidents"`
	Unacknowledged int `json:"unacknowledged"`
}

// BirdRef names a bird in a report.
type BirdRef struct {
	NodeID    string    `json:"node_id"`
	Name      string    `json:"name"`
	FlockID   string    `json:"flock_id,omitempty"`
	FlockName string    `json:"flock_name,omitempty"`
	Version   string    `json:"version,omitempty"`
	Live      bool      `json:"live"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// DownForDays is how long a dead bird has not been seen, in days
	// (rounded to a tenth); 0 for live birds or an unknown last contact.
	DownForDays float64 `json:"down_for_days,omitempty"`
}

// flockIncidents counts incidents by flock ID; its size is bounded by
// maxFlocks.
type flockIncidents struct {
	total, unacked int
}

// maxFlocks bounds the per-flock incident counters (a Console has far
// fewer flocks; incidents naming more are counted under "").
const maxFlocks = 4096

func (a *incidentAgg) addFlock(inc *auditview.Incident) {
	if a.flocks == nil {
		a.flocks = map[string]*flockIncidents{}
	}
	id := inc.FlockID
	if _, ok := a.flocks[id]; !ok && len(a.flocks) >= maxFlocks {
		id = ""
	}
	fi := a.flocks[id]
	if fi == nil {
		fi = &flockIncidents{}
		a.flocks[id] = fi
	}
	fi.total++
	if !inc.Acknowledged {
		fi.unacked++
	}
}

// estateOf builds the estate section.
func estateOf(b *Birds, e *estate, a *incidentAgg, s settings) *EstateSection {
	sec := &EstateSection{LatestVersion: b.LatestVersion, Flocks: []FlockRow{}, DeadBirds: []BirdRef{}, OutdatedBirds: []BirdRef{}}
	names := map[string]string{}
	memberOf := map[string]string{}
	rows := map[string]*FlockRow{}
	row := func(id string) *FlockRow {
		r := rows[id]
		if r == nil {
			r = &FlockRow{ID: id, Name: names[id], Missing: []canary.Kind{}}
			if r.Name == "" {
				r.Name = id
			}
			rows[id] = r
		}
		return r
	}
	for _, f := range b.Flocks {
		if f == nil {
			continue
		}
		names[f.ID] = f.Name
		for _, m := range f.Members {
			memberOf[m] = f.ID
		}
		row(f.ID)
	}
	for _, d := range b.Devices {
		if d == nil {
			continue
		}
		flock := d.FlockID
		if flock == "" {
			flock = memberOf[d.ID]
		}
		ref := BirdRef{NodeID: d.ID, Name: shorten(d.Name, maxMemo), FlockID: flock, FlockName: names[flock],
			Version: d.Version, Live: d.Live}
		if !d.LastSeen.IsZero() {
			ref.LastSeen = d.LastSeen.UTC().Truncate(time.Second)
		}
		sec.Birds++
		r := row(flock)
		r.Birds++
		if d.Live {
			sec.Live++
			r.LiveBirds++
		} else {
			sec.Dead++
			r.DeadBirds++
			if !ref.LastSeen.IsZero() && s.now.After(ref.LastSeen) {
				ref.DownForDays = math.Round(s.now.Sub(ref.LastSeen).Hours()/24*10) / 10
			}
			sec.DeadBirds = append(sec.DeadBirds, ref)
		}
		if b.LatestVersion != "" && d.Version != "" && canary.CompareVersions(d.Version, b.LatestVersion) < 0 {
			sec.Outdated++
			sec.OutdatedBirds = append(sec.OutdatedBirds, ref)
		}
	}
	byFlock := map[string][]*tokenState{}
	for _, t := range e.tokens {
		byFlock[t.flockID] = append(byFlock[t.flockID], t)
	}
	for id, ts := range byFlock {
		if id == "" && len(rows) > 0 {
			continue // tokens without a flock are not a flock
		}
		r := row(id)
		r.Tokens = len(ts)
		for _, t := range ts {
			if t.ref.Enabled {
				r.EnabledTokens++
			}
		}
	}
	for id, fi := range a.flocks {
		if id == "" {
			continue
		}
		r := row(id)
		r.Incidents, r.Unacknowledged = fi.total, fi.unacked
	}
	for id, r := range rows {
		cov := coverageOf(&estate{tokens: byFlock[id]}, s)
		r.ScorePercent = cov.ScorePercent
		r.Missing = cov.Missing
		sec.Flocks = append(sec.Flocks, *r)
	}
	sort.Slice(sec.Flocks, func(i, j int) bool {
		x, y := sec.Flocks[i], sec.Flocks[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.ID < y.ID
	})
	sort.Slice(sec.DeadBirds, func(i, j int) bool {
		x, y := sec.DeadBirds[i], sec.DeadBirds[j]
		if x.DownForDays != y.DownForDays {
			return x.DownForDays > y.DownForDays
		}
		return x.NodeID < y.NodeID
	})
	sort.Slice(sec.OutdatedBirds, func(i, j int) bool {
		x, y := sec.OutdatedBirds[i], sec.OutdatedBirds[j]
		if c := canary.CompareVersions(x.Version, y.Version); c != 0 {
			return c < 0
		}
		return x.NodeID < y.NodeID
	})
	return sec
}

// canaries returns "1 Canary runs" or "3 Canaries run".
func canaries(n int, one, many string) string {
	if n == 1 {
		return "1 Canary " + one
	}
	return fmt.Sprintf("%d Canaries %s", n, many)
}

// birdName names a bird in a finding: its name and flock.
func birdName(b BirdRef) string {
	name := b.Name
	if name == "" {
		name = b.NodeID
	}
	if b.FlockName != "" {
		return fmt.Sprintf("%s (%s, flock %s)", quote(name), b.NodeID, quote(b.FlockName))
	}
	return fmt.Sprintf("%s (%s)", quote(name), b.NodeID)
}

func fmtDown(days float64) string {
	if days < 1 {
		return fmt.Sprintf("%.0f hours", days*24)
	}
	return fmt.Sprintf("%s days", strings.TrimSuffix(fmt.Sprintf("%.1f", days), ".0"))
}

// estateFindings raises the estate's findings.
func estateFindings(sec *EstateSection) []Finding {
	var fs []Finding
	for _, b := range sec.DeadBirds {
		title := "Canary " + birdName(b) + " is offline"
		if b.DownForDays > 0 {
			title += ", last seen " + fmtDown(b.DownForDays) + " ago"
		}
		fs = append(fs, Finding{Rule: RuleDeadBird, Severity: Critical, Subject: b.NodeID, Count: 1, Title: title,
			Recommendation: "bring it back online (check its power, its network and its route to the Console) or decommission it and redeploy its personality elsewhere: a dead bird is a blind spot, nothing it watches can alert"})
	}
	if len(sec.OutdatedBirds) > 0 {
		var names []string
		for _, b := range sec.OutdatedBirds[:min(len(sec.OutdatedBirds), 5)] {
			names = append(names, fmt.Sprintf("%s %s", quote(b.Name), b.Version))
		}
		more := ""
		if n := len(sec.OutdatedBirds) - len(names); n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		fs = append(fs, Finding{Rule: RuleOutdatedBirds, Severity: Medium, Count: len(sec.OutdatedBirds),
			Title:          fmt.Sprintf("%s older than %s: %s%s", canaries(len(sec.OutdatedBirds), "runs software", "run software"), sec.LatestVersion, strings.Join(names, ", "), more),
			Recommendation: "update " + map[bool]string{true: "it", false: "them"}[len(sec.OutdatedBirds) == 1] + " to " + sec.LatestVersion + " (turn on automatic updates, or call Devices.Update with the update's tag)"})
	}
	for _, f := range sec.Flocks {
		if f.Birds == 0 {
			fs = append(fs, Finding{Rule: RuleFlockWithoutBirds, Severity: Medium, Subject: f.ID,
				Title:          fmt.Sprintf("Flock %s has no Canaries", quote(f.Name)),
				Recommendation: fmt.Sprintf("deploy a Canary in the network flock %s stands for, or move its tokens to the flock that watches that network and delete it", quote(f.Name))})
		}
		if f.Tokens == 0 {
			fs = append(fs, Finding{Rule: RuleFlockWithoutTokens, Severity: Low, Subject: f.ID,
				Title:          fmt.Sprintf("Flock %s has no Canarytokens", quote(f.Name)),
				Recommendation: fmt.Sprintf("deploy Canarytokens on the hosts of flock %s, starting with the recommended kinds: its Canaries only see what reaches them on the network", quote(f.Name))})
		}
	}
	return fs
}
