package audit

import (
	"time"

	"github.com/decoykit/decoykit/canary"
)

// SchemaVersion is the version of the report's JSON schema, sent as
// "schema_version". It changes only when a field is renamed, removed or
// changes meaning; new fields may appear within a version.
const SchemaVersion = 1

// Scope names what a report covers.
type Scope string

// Report scopes.
const (
	// ScopeCoverage: tokens only (Coverage).
	ScopeCoverage Scope = "coverage"
	// ScopeFull: tokens, token hygiene and incidents (Full).
	ScopeFull Scope = "full"
)

// ScoreBasis is the sentence every report carries to say how the coverage
// score is measured.
const ScoreBasis = "percentage of the recommended kinds that have at least one enabled token; disabled tokens do not count"

// Report is the result of an audit. It marshals to the documented JSON
// schema (see the package documentation) and renders with WriteMarkdown and
// WriteText. Lists are sorted, so the same data and the same Now give the
// same report byte for byte.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Scope         Scope     `json:"scope"`
	GeneratedAt   time.Time `json:"generated_at"`
	// Settings are the options the audit ran with, defaults filled in.
	Settings Settings `json:"settings"`
	// Coverage is present in every report.
	Coverage CoverageSection `json:"coverage"`
	// Hygiene is present in full reports only.
	Hygiene *HygieneSection `json:"hygiene,omitempty"`
	// Incidents is present in full reports only.
	Incidents *IncidentSection `json:"incidents,omitempty"`
	// Estate is present in full reports whose Source is a BirdSource.
	Estate *EstateSection `json:"estate,omitempty"`
	// Findings are sorted by severity (most severe first); never null.
	Findings []Finding `json:"findings"`
}

// Settings records the options a report was made with.
type Settings struct {
	RecommendedKinds   []canary.Kind `json:"recommended_kinds"`
	RotationPeriodDays float64       `json:"rotation_period_days"`
	TopN               int           `json:"top_n"`
	MaxSourceIPs       int           `json:"max_source_ips"`
}

// CoverageSection is the token inventory and the coverage score.
type CoverageSection struct {
	// Tokens is the number of tokens; Enabled + Disabled == Tokens and
	// Triggered + NeverTriggered == Tokens.
	Tokens   int `json:"tokens"`
	Enabled  int `json:"enabled"`
	Disabled int `json:"disabled"`
	// Triggered counts tokens whose Console triggered_count is above zero
	// or (in a full report) that have at least one incident.
	Triggered      int `json:"triggered"`
	NeverTriggered int `json:"never_triggered"`
	// ByKind has one row per kind seen or recommended, recommended kinds
	// first in the recommended order, then the rest by name.
	ByKind []KindCoverage `json:"by_kind"`
	// Deployed are the recommended kinds with at least one enabled token;
	// Missing the rest (in the recommended order). DisabledOnly are kinds
	// (recommended or not) whose tokens are all disabled; UnknownKinds are
	// kinds this SDK has no constant for (canary.Kind.Known).
	Deployed     []canary.Kind `json:"deployed"`
	Missing      []canary.Kind `json:"missing"`
	DisabledOnly []canary.Kind `json:"disabled_only"`
	UnknownKinds []canary.Kind `json:"unknown_kinds"`
	// ScorePercent is len(Deployed) / len(recommended) * 100, rounded to one
	// decimal; ScoreBasis says so in words.
	ScorePercent float64 `json:"score_percent"`
	ScoreBasis   string  `json:"score_basis"`
}

// KindCoverage is the inventory of one kind.
type KindCoverage struct {
	Kind           canary.Kind `json:"kind"`
	Description    string      `json:"description,omitempty"` // the Console's name for a known kind
	Recommended    bool        `json:"recommended"`
	Known          bool        `json:"known"`
	Tokens         int         `json:"tokens"`
	Enabled        int         `json:"enabled"`
	Disabled       int         `json:"disabled"`
	Triggered      int         `json:"triggered"`
	NeverTriggered int         `json:"never_triggered"`
}

// TokenRef names a token in a report: by ID, kind and memo, never by its
// URL, hostname, access key or any other secret. Memos longer than 120
// characters are shortened with "…".
type TokenRef struct {
	ID      string      `json:"id"`
	Kind    canary.Kind `json:"kind"`
	Memo    string      `json:"memo,omitempty"`
	Enabled bool        `json:"enabled"`
	Created time.Time   `json:"created,omitzero"`
}

// HygieneSection is about the tokens' age.
type HygieneSection struct {
	RotationPeriodDays float64 `json:"rotation_period_days"`
	// Stale counts tokens created more than the rotation period before the
	// report's time; UnknownAge counts tokens without a creation time.
	Stale      int `json:"stale"`
	UnknownAge int `json:"unknown_age"`
	// StaleByKind has one row per kind with stale tokens, most first.
	StaleByKind []KindCount `json:"stale_by_kind"`
	// OldestStale lists up to TopN stale tokens, oldest first.
	OldestStale []TokenRef `json:"oldest_stale"`
}

// KindCount is a count for one kind.
type KindCount struct {
	Kind  canary.Kind `json:"kind"`
	Count int         `json:"count"`
}

// IncidentSection aggregates the incidents.
type IncidentSection struct {
	// Total == Unacknowledged + Acknowledged ==
	// OnTokens + OnDeletedTokens + OnDevices.
	Total          int `json:"total"`
	Unacknowledged int `json:"unacknowledged"`
	Acknowledged   int `json:"acknowledged"`
	// OnTokens are incidents of a current token, linked by node_id or, when
	// that does not match, by the token code in the incident's events.
	OnTokens int `json:"on_tokens"`
	// OnDeletedTokens are Canarytoken incidents (log type 16xxx/17xxx or an
	// event naming a canarytoken) whose token no longer exists.
	OnDeletedTokens int `json:"on_deleted_tokens"`
	// OnDevices are incidents from Canary devices rather than tokens.
	OnDevices int `json:"on_devices"`
	// FirstSeen and LastSeen are the earliest and latest incident creation
	// times; absent when there are no incidents.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// ByKind counts token incidents by token kind (the token's kind, or for
	// deleted tokens the kind named in the events), most first.
	ByKind []KindIncidents `json:"by_kind"`
	// TokensWithIncidents is how many current tokens have incidents; ByToken
	// lists the TopN with the most.
	TokensWithIncidents int              `json:"tokens_with_incidents"`
	ByToken             []TokenIncidents `json:"by_token"`
	// DisabledWithIncidents lists (up to TopN) disabled tokens that have
	// incidents, most first; DisabledWithIncidentsCount counts them all.
	DisabledWithIncidentsCount int              `json:"disabled_with_incidents_count"`
	DisabledWithIncidents      []TokenIncidents `json:"disabled_with_incidents"`
	// DeletedTokens lists (up to TopN) the deleted tokens with the most
	// incidents.
	DeletedTokens []DeletedTokenIncidents `json:"deleted_tokens"`
	// Sources describes the source IPs.
	Sources SourceSummary `json:"sources"`
	// TopSources are the TopN source IPs with the most incidents.
	TopSources []SourceIP `json:"top_sources"`
	// RepeatSources are the source IPs that hit two or more different
	// tokens (up to TopN, most tokens first): the trend that most suggests
	// someone working through the estate.
	RepeatSources []SourceIP `json:"repeat_sources"`
}

// KindIncidents counts the incidents of one kind.
type KindIncidents struct {
	Kind           canary.Kind `json:"kind"`
	Incidents      int         `json:"incidents"`
	Unacknowledged int         `json:"unacknowledged"`
}

// TokenIncidents counts the incidents of one current token.
type TokenIncidents struct {
	Token          TokenRef  `json:"token"`
	Incidents      int       `json:"incidents"`
	Unacknowledged int       `json:"unacknowledged"`
	FirstSeen      time.Time `json:"first_seen,omitzero"`
	LastSeen       time.Time `json:"last_seen,omitzero"`
}

// DeletedTokenIncidents counts the incidents of one token that no longer
// exists, named by its node ID (or, when the incidents carry none, its token
// code).
type DeletedTokenIncidents struct {
	NodeID         string      `json:"node_id,omitempty"`
	TokenID        string      `json:"token_id,omitempty"`
	Kind           canary.Kind `json:"kind"`
	Memo           string      `json:"memo,omitempty"`
	Incidents      int         `json:"incidents"`
	Unacknowledged int         `json:"unacknowledged"`
	LastSeen       time.Time   `json:"last_seen,omitzero"`
}

// SourceSummary describes the set of source IPs.
type SourceSummary struct {
	// Distinct is the number of distinct source IPs seen when Exact is
	// true, and the number tracked (MaxSourceIPs) when it is false.
	Distinct int  `json:"distinct"`
	Exact    bool `json:"exact"`
	// Unknown counts incidents without a source IP.
	Unknown int `json:"unknown"`
}

// SourceIP is the activity of one source IP. When the report's
// Sources.Exact is false, Incidents may overstate the true count by at most
// CountError, and Unacknowledged and TokensHit count only since the address
// was last taken into the tracked set.
type SourceIP struct {
	IP             string `json:"ip"`
	Incidents      int    `json:"incidents"`
	CountError     int    `json:"count_error,omitempty"`
	Unacknowledged int    `json:"unacknowledged"`
	// TokensHit is the number of different tokens (current or deleted) the
	// source triggered; Canary device incidents do not count.
	TokensHit int `json:"tokens_hit"`
	// TokensHitAtLeast is true when the source hit more tokens than the
	// audit remembers per source (64); TokensHit is then a lower bound.
	TokensHitAtLeast bool      `json:"tokens_hit_at_least,omitempty"`
	FirstSeen        time.Time `json:"first_seen,omitzero"`
	LastSeen         time.Time `json:"last_seen,omitzero"`
}

// Severity ranks a finding.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities: 0 for Critical up to 4 for Info (5 for anything
// else).
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 0
	case High:
		return 1
	case Medium:
		return 2
	case Low:
		return 3
	case Info:
		return 4
	}
	return 5
}

// Finding is one problem the audit found, with what to do about it.
type Finding struct {
	// Rule is the stable identifier of the check that raised it; see the
	// package documentation for the list.
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Subject is what the finding is about: a kind, a source IP, a token
	// ID, or "" for the estate as a whole.
	Subject string `json:"subject,omitempty"`
	// Count is the number of tokens or incidents concerned, where that
	// applies.
	Count int `json:"count,omitempty"`
	// Title says what is wrong; Recommendation says what to do.
	Title          string `json:"title"`
	Recommendation string `json:"recommendation"`
}
