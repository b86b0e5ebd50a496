package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/threatconnect"
)

// syncer pushes what the decoys saw into ThreatConnect.
type syncer struct {
	canary *canary.Client
	tc     *threatconnect.Client
	owner  string
	scores scores
	out    io.Writer
	// backfillObservations records each indicator's sightings as
	// observations after a batch upload (the batch API cannot carry them):
	// one request per indicator.
	backfillObservations bool
	// api is the API live mode writes through: "v3" (one upsert per
	// indicator with its tags, attribute and incident group) or "v2"
	// (create, then a request per tag and attribute). Backfill always uses
	// v2's batch API.
	api string

	mu    sync.Mutex
	kinds map[string]string // token node_id -> kind
}

// loadKinds maps every token's node_id to its kind, so incidents can be
// tagged with the token kind.
func (s *syncer) loadKinds(ctx context.Context) error {
	kinds := map[string]string{}
	for tok, err := range s.canary.Tokens.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("listing Canarytokens: %w", err)
		}
		if tok.NodeID != "" {
			kinds[tok.NodeID] = string(tok.Kind)
		}
	}
	s.mu.Lock()
	s.kinds = kinds
	s.mu.Unlock()
	return nil
}

// kindOf returns a token incident's kind, reloading the token list once
// when the token is new.
func (s *syncer) kindOf(ctx context.Context, inc *canary.Incident) (string, error) {
	if !inc.IsCanarytoken() {
		return "", nil
	}
	s.mu.Lock()
	k, ok := s.kinds[inc.NodeID]
	s.mu.Unlock()
	if ok {
		return k, nil
	}
	if err := s.loadKinds(ctx); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kinds[inc.NodeID], nil
}

// backfillReport is what a backfill did.
type backfillReport struct {
	Incidents, Hits, Indicators int
	Result                      threatconnect.BatchResult
	Checkpoint                  int64 // the highest incident updated_id seen
	Observed                    int   // indicators whose observations were recorded
}

// backfill reads every incident newer than since (zero: all) and every hit,
// merges them per source, and uploads them with the batch API.
func (s *syncer) backfill(ctx context.Context, since time.Time, hits []Hit) (backfillReport, error) {
	var rep backfillReport
	if err := s.loadKinds(ctx); err != nil {
		return rep, err
	}
	var ss []sighting
	for inc, err := range s.canary.Incidents.All(ctx, &canary.ListIncidentsOptions{NewerThan: since}) {
		if err != nil {
			return rep, fmt.Errorf("reading Canary incidents: %w", err)
		}
		kind, err := s.kindOf(ctx, inc)
		if err != nil {
			return rep, err
		}
		rep.Incidents++
		rep.Checkpoint = max(rep.Checkpoint, inc.UpdatedID)
		ss = append(ss, incidentSightings(inc, kind)...)
	}
	for _, h := range hits {
		if !since.IsZero() && !h.Time.IsZero() && h.Time.Before(since) {
			continue
		}
		rep.Hits++
		ss = append(ss, hitSightings(h)...)
	}
	inds := merge(ss, s.scores)
	counts := map[string]int{}
	for _, sg := range ss {
		counts[string(sg.ind.Type)+"|"+sg.ind.Summary]++
	}
	rep.Indicators = len(inds)
	if len(inds) == 0 {
		return rep, nil
	}
	res, err := s.tc.Batch.Upload(ctx, inds, &threatconnect.BatchOptions{Owner: s.owner})
	if res != nil {
		rep.Result = *res
	}
	if err != nil {
		return rep, err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(s.out, "  rejected by ThreatConnect: %s\n", clip(e.Reason, 200))
	}
	if s.backfillObservations {
		for _, ind := range inds {
			if err := s.tc.Indicators.AddObservations(ctx, ind.Type, ind.Summary, counts[string(ind.Type)+"|"+ind.Summary],
				&threatconnect.WriteOptions{Owner: s.owner}); err != nil {
				return rep, fmt.Errorf("recording observations of %s: %w", ind.Summary, err)
			}
			rep.Observed++
		}
	}
	return rep, nil
}

// publish creates (or updates) one sighting's indicator with its tags and
// Description attribute, associated with group when not nil (v3 only), and
// records one observation.
func (s *syncer) publish(ctx context.Context, sg sighting, group *threatconnect.Group) (*threatconnect.Indicator, error) {
	w := &threatconnect.WriteOptions{Owner: s.owner}
	var ind *threatconnect.Indicator
	var err error
	if s.api == "v3" {
		in := sg.indicator(s.scores)
		if group != nil {
			in.AssociatedGroups = []threatconnect.GroupRef{group.Ref()}
		}
		// One upsert: the indicator, its tags, its Description attribute
		// and the association, in one request.
		ind, err = s.tc.V3.Indicators.Create(ctx, in, &threatconnect.V3Options{Owner: s.owner,
			Fields: []threatconnect.Field{threatconnect.FieldTags}})
	} else {
		ind, err = s.tc.Indicators.Create(ctx, sg.indicator(s.scores), w)
	}
	if err != nil {
		return ind, err
	}
	// Observations go through v2 in both modes: v3 documents observations
	// only as a field to set, which would overwrite the count, not add one.
	if err := s.tc.Indicators.AddObservations(ctx, ind.Type, ind.Summary, 1, w); err != nil {
		return ind, fmt.Errorf("indicator %s created, but recording the observation: %w", ind.Summary, err)
	}
	return ind, nil
}

// publishHits sends each hit as its own indicator (per-incident mode).
func (s *syncer) publishHits(ctx context.Context, hits []Hit) (int, error) {
	n := 0
	for _, h := range hits {
		for _, sg := range hitSightings(h) {
			ind, err := s.publish(ctx, sg, nil)
			if err != nil {
				return n, err
			}
			n++
			fmt.Fprintf(s.out, "  %-7s %-26s tags=%s (honeytoken %s)\n", ind.Type, ind.Summary, shortTags(ind.Tags), h.TokenID)
		}
	}
	return n, nil
}

// live watches the incident feed from checkpoint and publishes each new
// incident as it arrives. stop, when not nil, is asked after each incident
// whether to end (the demo stops once it has seen what it triggered).
// Each handled incident's updated_id is saved to stateFile (if set) so a
// restart resumes without gaps or repeats.
func (s *syncer) live(ctx context.Context, checkpoint int64, interval time.Duration, stateFile string, stop func(handled int) bool) (int, error) {
	if err := s.loadKinds(ctx); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	handled := 0
	stopped := false
	err := s.canary.Incidents.Watch(ctx, &canary.WatchOptions{Since: checkpoint, Interval: interval},
		func(ctx context.Context, inc *canary.Incident) error {
			kind, err := s.kindOf(ctx, inc)
			if err != nil {
				return err
			}
			sightings := incidentSightings(inc, kind)
			var group *threatconnect.Group
			if s.api == "v3" && len(sightings) > 0 {
				if group, err = s.incidentGroup(ctx, inc, kind); err != nil {
					return err
				}
			}
			for _, sg := range sightings {
				ind, err := s.publish(ctx, sg, group)
				if err != nil {
					return err
				}
				fmt.Fprintf(s.out, "  %-7s %-26s rating=%g confidence=%d tags=%s\n", ind.Type, ind.Summary,
					ind.Rating, ind.Confidence, shortTags(ind.Tags))
			}
			if stateFile != "" {
				if err := saveCheckpoint(stateFile, inc.UpdatedID); err != nil {
					return err
				}
			}
			handled++
			if stop != nil && stop(handled) {
				stopped = true
				cancel()
			}
			return nil
		})
	if stopped && errors.Is(err, context.Canceled) {
		return handled, nil
	}
	return handled, err
}

// incidentGroup creates the ThreatConnect Event group that stands for a
// Canary incident (v3), tagged like its indicators, for them to be
// associated with. An Event rather than an Incident: a Canary alert is a
// detection to review ("Needs Review"), not yet a managed incident.
func (s *syncer) incidentGroup(ctx context.Context, inc *canary.Incident, kind string) (*threatconnect.Group, error) {
	what := inc.Summary
	if what == "" {
		what = "Canary incident"
	}
	name := fmt.Sprintf("Canary: %s from %s (incident %s)", what, inc.SourceHost, clip(inc.Key, 100))
	tags := []string{"canary"}
	if kind != "" {
		tags = append(tags, tagFor(kind))
	}
	at := inc.Created
	if at.IsZero() {
		at = time.Now()
	}
	g, err := s.tc.V3.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Event, Name: clip(oneLine(name), 500),
		EventDate: at, Tags: tags}, &threatconnect.V3Options{Owner: s.owner})
	if err != nil {
		return nil, fmt.Errorf("creating the ThreatConnect event for incident %s: %w", clip(inc.Key, 100), err)
	}
	return g, nil
}

// loadCheckpoint reads the last handled updated_id (0 if the file does not
// exist yet).
func loadCheckpoint(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: not a checkpoint (want an incident updated_id)", path)
	}
	return n, nil
}

// saveCheckpoint writes the checkpoint atomically.
func saveCheckpoint(path string, id int64) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".checkpoint-*")
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(tmp, id); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
