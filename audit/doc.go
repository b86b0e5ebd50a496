// Package audit measures how well a Canary deception estate covers you and
// what its incidents say, and writes the answer as a stable JSON report, as
// Markdown and as terminal text.
//
//	src := audit.FromClient(c)                        // or FromJSON / FromFiles over saved data
//	cov, err := audit.Coverage(ctx, src, nil)         // tokens only
//	rep, err := audit.Full(ctx, src, nil)             // tokens, token age and incidents
//	b, err := json.Marshal(rep)                       // or rep.WriteJSON(w), indented
//	err = rep.WriteMarkdown(w)
//	err = rep.WriteText(os.Stdout)
//
// # Data source
//
// A [Source] yields tokens and incidents as iterators. [FromClient] pages
// through a live Console, [FromJSON] and [FromFiles] read saved exports
// (arrays, JSON Lines, or saved Console responses), and a test can implement
// the two methods over slices. An audit reads all tokens, then streams the
// incidents once, keeping only aggregates: per-token, per-kind and
// per-source-IP counters. Memory grows with the number of tokens but not
// with the number of incidents; the per-source-IP counters are bounded by
// [Options].MaxSourceIPs (default 10,000; about 260 bytes each for an
// address that hit one token, up to about 1.3 KB for one that hit 64 or more,
// so 2.6 to 13 MB at the default), past which the Space-Saving algorithm
// keeps the busiest addresses and the report marks per-IP counts as
// estimates. BenchmarkFull shows the live heap at the end of the stream is
// the same for 10,000 and 100,000 incidents over 10,000 tokens.
//
// Incidents are linked to tokens by node_id (token.NodeID ==
// incident.NodeID) and, failing that, by the token code an incident's
// events carry ("canarytoken"). A Canarytoken incident (log type 16xxx or
// 17xxx, or an event naming a token) that matches no current token is
// counted as an incident on a deleted token; anything else is a Canary
// device incident.
//
// # Coverage score
//
// The score is the percentage of the recommended kinds (by default
// canary.RecommendedKinds(): http, dns, doc-msword, pdf-acrobat-reader,
// aws-id, web-image, cloned-web, qr-code, sensitive-cmd, windows-dir) that
// have at least one enabled token. A kind whose tokens are all disabled is
// missing. Every report says so in coverage.score_basis.
//
// # JSON schema (schema_version 1)
//
// Field names are snake_case; times are RFC 3339 in UTC and omitted when
// unknown; lists are never null. Within a schema version fields are only
// added, never renamed or removed.
//
//	schema_version   int      1
//	scope            string   "coverage" or "full"
//	generated_at     time     Options.Now, truncated to the second
//	settings         object   recommended_kinds, rotation_period_days, top_n, max_source_ips
//	coverage         object   tokens, enabled, disabled, triggered, never_triggered,
//	                          by_kind[] {kind, description, recommended, known, tokens, enabled,
//	                          disabled, triggered, never_triggered}, deployed[], missing[],
//	                          disabled_only[], unknown_kinds[], score_percent, score_basis
//	hygiene          object   (full only) rotation_period_days, stale, unknown_age,
//	                          stale_by_kind[] {kind, count}, oldest_stale[] (token refs)
//	incidents        object   (full only) total, unacknowledged, acknowledged, on_tokens,
//	                          on_deleted_tokens, on_devices, first_seen, last_seen,
//	                          by_kind[] {kind, incidents, unacknowledged}, tokens_with_incidents,
//	                          by_token[] {token, incidents, unacknowledged, first_seen, last_seen},
//	                          disabled_with_incidents_count, disabled_with_incidents[],
//	                          deleted_tokens[] {node_id, token_id, kind, memo, incidents,
//	                          unacknowledged, last_seen}, sources {distinct, exact, unknown},
//	                          top_sources[] and repeat_sources[] {ip, incidents, count_error,
//	                          unacknowledged, tokens_hit, tokens_hit_at_least, first_seen, last_seen}
//	estate           object   (full only, when the Source is a BirdSource) birds, live, dead,
//	                          outdated, latest_version, flocks[] {id, name, birds, live_birds,
//	                          dead_birds, tokens, enabled_tokens, score_percent, missing[],
//	                          incidents, unacknowledged}, dead_birds[] and outdated_birds[]
//	                          {node_id, name, flock_id, flock_name, version, live, last_seen,
//	                          down_for_days}
//	findings[]       object   rule, severity, subject, count, title, recommendation
//
// A token ref is {id, kind, memo, enabled, created}: reports name tokens by
// ID, kind and memo and never carry a token's URL, hostname, access key or
// secret. Ranked lists hold at most Options.TopN rows; the counts beside
// them cover everything.
//
// # Findings
//
// Each finding has a stable rule, a severity (critical, high, medium, low,
// info) and a concrete recommendation, such as "deploy an aws-id token",
// "rotate the 12 http tokens older than 180 days" or "acknowledge or
// investigate 14 incidents from 203.0.113.7". The rules are the Rule*
// constants; findings are sorted by severity, then by rule.
package audit
