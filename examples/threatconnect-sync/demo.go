package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/decoykit/decoykit/canary/canarytest"
	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

// Demo credentials for the in-process fake (not a real account).
const (
	demoAccessID = "demo-access-id"
	demoSecret   = "demo-secret-key-for-tctest"
)

// demoHits is a hits file of bare hit objects (readHits also takes the alerts
// honeytoken/decoy's JSONLines notifier writes).
func demoHits(now time.Time) []byte {
	hits := []Hit{
		{TokenID: "ht_01", Format: "aws-access-key", Memo: "infra/.env on build server", RemoteIP: "203.0.113.50", UserAgent: "aws-cli/2.15.0", Time: now.Add(-72 * time.Hour)},
		{TokenID: "ht_02", Format: "github-classic", Memo: "ci secrets repo", RemoteIP: "198.51.100.23", UserAgent: "curl/8.5.0", Time: now.Add(-30 * time.Hour)},
		{TokenID: "ht_01", Format: "aws-access-key", Memo: "infra/.env on build server", RemoteIP: "203.0.113.50", UserAgent: "Boto3/1.34", Time: now.Add(-2 * time.Hour)},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, h := range hits {
		_ = enc.Encode(h)
	}
	return b.Bytes()
}

// runDemo runs a backfill and a live sync between a fake Canary Console and a
// fake ThreatConnect and prints what was created.
func runDemo(ctx context.Context, out io.Writer, sc scores, api string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	csrv := canarytest.NewServer()
	defer csrv.Close()
	if _, err := csrv.Seed(canarytest.DemoEstate()); err != nil {
		return fmt.Errorf("seeding the fake Console: %w", err)
	}
	tsrv := tctest.NewServer(tctest.WithHMAC(demoAccessID, demoSecret))
	defer tsrv.Close()

	cc := csrv.Client()
	tc := tsrv.Client(threatconnect.WithUserAgent(name)) // HMAC-signed with the demo credentials
	hits, err := readHits(bytes.NewReader(demoHits(time.Now())), "demo-hits.jsonl")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo: fake Canary Console with %d tokens and %d incidents, %d honeytoken hits, fake ThreatConnect (HMAC-signed requests)\n\n",
		len(csrv.Tokens()), len(csrv.Incidents()), len(hits))

	s := &syncer{canary: cc, tc: tc, owner: tctest.DefaultOwner, scores: sc, out: out, backfillObservations: true, api: api}

	// 1. Backfill: everything so far, through the batch API.
	before := tsrv.RequestCount()
	rep, err := s.backfill(ctx, time.Time{}, hits)
	if err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	printBackfill(out, rep, tsrv.RequestCount()-before)

	// 2. Live: two new incidents arrive; the watcher publishes each one.
	var fired []string
	for _, tok := range csrv.Tokens() {
		if len(fired) == 2 {
			break
		}
		if !tok.Enabled {
			continue
		}
		src := []string{"192.0.2.200", "198.51.100.201"}[len(fired)]
		if _, err := csrv.Trigger(tok.ID, src); err != nil {
			return fmt.Errorf("triggering a demo token: %w", err)
		}
		fired = append(fired, tok.Kind)
	}
	fmt.Fprintf(out, "\nlive (per incident, %s API): %d new incident(s) (%s) arrive after updated_id %d:\n", api, len(fired), strings.Join(fired, ", "), rep.Checkpoint)
	before = tsrv.RequestCount()
	n, err := s.live(ctx, rep.Checkpoint, time.Second, "", func(handled int) bool { return handled >= len(fired) })
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	fmt.Fprintf(out, "published %d incident(s) with %d request(s) to ThreatConnect", n, tsrv.RequestCount()-before)
	if groups := len(tsrv.Groups(tctest.DefaultOwner)); groups > 0 {
		fmt.Fprintf(out, "; %d Event group(s) associated", groups)
	}
	fmt.Fprintln(out)

	// 3. What ThreatConnect now holds.
	fmt.Fprintf(out, "\nindicators in ThreatConnect (%s):\n", tctest.DefaultOwner)
	var lines []string
	for ind, err := range tc.Indicators.All(ctx, &threatconnect.ListOptions{Owner: tctest.DefaultOwner, IncludeTags: true}) {
		if err != nil {
			return err
		}
		stored, _ := tsrv.Indicator(tctest.DefaultOwner, string(ind.Type), ind.Summary)
		lines = append(lines, fmt.Sprintf("  %-7s %-26s rating=%g confidence=%d observations=%d attributes=%d tags=%s",
			ind.Type, ind.Summary, ind.Rating, ind.Confidence, stored.Observations, len(stored.Attributes), shortTags(ind.Tags)))
	}
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	fmt.Fprintf(out, "%d indicator(s); %d request(s) in total\n", len(lines), tsrv.RequestCount())
	return nil
}
