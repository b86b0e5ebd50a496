// Package auditview is what a deception audit reads of an incident, and
// the route by which package audit lists a Console's incidents in that
// form.
//
// Why it exists: audit.Full reads every incident of a Console (100,000 of
// them, 130 MB of JSON, in issue #15's benchmark) but only a dozen members
// of each. Decoding them all into canary.Incident (with its Raw copy and a
// map per event) made most of the audit's CPU time and garbage. Incidents
// decodes only what Incident holds, and checks every other member exactly
// as the full decoder does, so a page that fails to decode fails the same
// way. canary.Incidents.All is unchanged for its users. BenchmarkAuditFull
// (canary/audit_bench_test.go) measures it; canary's
// TestIncidentViewsMatchFullDecoding and FuzzDecodeIncidentViewPage hold
// Incidents to IncidentOf over the full decoding, and audit's
// TestFullFromClientReadsAsAllDoes compares whole reports.
//
// (Tokens are not viewed: an audit reads 10,000 of them at most in the
// benchmarks, and a token view decoder measured no significant gain.)
//
// Package canary sets the functions below in its init; nothing else may.
package auditview

import (
	"context"
	"iter"
	"time"
)

// Incident is the part of a canary.Incident that an audit reads.
type Incident struct {
	// Created, Updated, Acknowledged, NodeID, Memo, SourceHost and FlockID
	// are the canary.Incident fields of those names.
	Created, Updated time.Time
	Acknowledged     bool
	NodeID, Memo     string
	SourceHost       string
	FlockID          string
	// Canarytoken is canary.Incident.IsCanarytoken.
	Canarytoken bool
	// EventTime, EventType and TokenCode come from the incident's Events:
	// the first non-zero Timestamp, the first non-empty Type and the first
	// non-empty "canarytoken" field as Event.String reads it ("" or zero
	// when no event has one).
	EventTime time.Time
	EventType string
	TokenCode string
}

var (
	// IncidentOf returns the view of a *canary.Incident.
	IncidentOf func(inc any) Incident
	// Incidents is canary's Incidents.All(ctx, opts) for client (a
	// *canary.Client) and opts (a *canary.ListIncidentsOptions), yielding
	// each incident's view: the same incidents, in the same order, with the
	// same errors, as IncidentOf over what Incidents.All yields.
	Incidents func(ctx context.Context, client, opts any) iter.Seq2[*Incident, error]
)
