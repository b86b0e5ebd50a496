package audit

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/decoykit/decoykit/canary"
)

// Rules: the stable identifiers of the checks that raise findings, in the
// order findings of equal severity are listed.
const (
	// RuleNoEnabledTokens (critical): not one token is enabled, so nothing
	// can raise an alert.
	RuleNoEnabledTokens = "no-enabled-tokens"
	// RuleDeadBird (critical): a Canary device is offline, a blind spot.
	RuleDeadBird = "dead-bird"
	// RuleRepeatSource (critical with unacknowledged incidents, else info):
	// one source IP triggered two or more different tokens.
	RuleRepeatSource = "repeat-source"
	// RuleUnacknowledgedIncidents (high): the estate has unacknowledged
	// incidents.
	RuleUnacknowledgedIncidents = "unacknowledged-incidents"
	// RuleUnacknowledgedSource (high): unacknowledged incidents from one
	// source IP (that did not hit several tokens; those are repeat-source).
	RuleUnacknowledgedSource = "unacknowledged-source"
	// RuleMissingKind (medium): a recommended kind has no token at all.
	RuleMissingKind = "missing-kind"
	// RuleOutdatedBirds (medium): Canaries run software older than the
	// newest update.
	RuleOutdatedBirds = "outdated-birds"
	// RuleFlockWithoutBirds (medium): a flock has no Canary device.
	RuleFlockWithoutBirds = "flock-without-birds"
	// RuleDisabledOnlyKind (medium for a recommended kind, else low): every
	// token of a kind is disabled.
	RuleDisabledOnlyKind = "disabled-only-kind"
	// RuleDisabledTokenWithIncidents (medium): a disabled token has
	// incidents, so it was found and will stay silent next time.
	RuleDisabledTokenWithIncidents = "disabled-token-with-incidents"
	// RuleStaleTokens (low): tokens of a kind are older than the rotation
	// period.
	RuleStaleTokens = "stale-tokens"
	// RuleFlockWithoutTokens (low): a flock has no Canarytoken.
	RuleFlockWithoutTokens = "flock-without-tokens"
	// RuleDeletedTokenIncidents (low): incidents remain from tokens that no
	// longer exist.
	RuleDeletedTokenIncidents = "incidents-on-deleted-tokens"
	// RuleUnknownKind (info): tokens of a kind this SDK does not know.
	RuleUnknownKind = "unknown-kind"
)

var ruleOrder = []string{
	RuleNoEnabledTokens, RuleDeadBird, RuleRepeatSource, RuleUnacknowledgedIncidents, RuleUnacknowledgedSource,
	RuleMissingKind, RuleOutdatedBirds, RuleFlockWithoutBirds, RuleDisabledOnlyKind, RuleDisabledTokenWithIncidents,
	RuleStaleTokens, RuleFlockWithoutTokens, RuleDeletedTokenIncidents, RuleUnknownKind,
}

// sortFindings orders by severity, then by rule; within a rule the order of
// generation (recommended order, most incidents first, ...) is kept.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if ri, rj := fs[i].Severity.Rank(), fs[j].Severity.Rank(); ri != rj {
			return ri < rj
		}
		return slices.Index(ruleOrder, fs[i].Rule) < slices.Index(ruleOrder, fs[j].Rule)
	})
}

// article returns "a" or "an" for a kind name as it is read aloud ("an
// aws-id", "an http", "a dns").
func article(k canary.Kind) string {
	s := strings.ToLower(string(k))
	if s == "" {
		return "a"
	}
	if strings.ContainsRune("aeio", rune(s[0])) || strings.HasPrefix(s, "http") || strings.HasPrefix(s, "html") {
		return "an"
	}
	return "a"
}

// plural returns "1 token" or "12 tokens".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// pluralWord returns word, or word+"s" unless n is 1.
func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// theTokens returns "the http token" or "the 12 http tokens" for what
// "http".
func theTokens(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("the %s token", what)
	}
	return fmt.Sprintf("the %d %s tokens", n, what)
}

func periodText(s settings) string {
	d := days(s)
	if d == float64(int(d)) {
		return plural(int(d), "day")
	}
	return s.rotation.String()
}

func coverageFindings(c *CoverageSection, s settings) []Finding {
	fs := []Finding{}
	if c.Enabled == 0 {
		title := "The Console has no Canarytokens"
		switch {
		case c.Tokens == 1:
			title = "The only token is disabled: nothing can raise an alert"
		case c.Tokens > 1:
			title = fmt.Sprintf("All %d tokens are disabled: nothing can raise an alert", c.Tokens)
		}
		fs = append(fs, Finding{Rule: RuleNoEnabledTokens, Severity: Critical, Title: title,
			Recommendation: "deploy one token of each recommended kind: " + joinKinds(s.recommended)})
	}
	rows := map[canary.Kind]KindCoverage{}
	for _, r := range c.ByKind {
		rows[r.Kind] = r
	}
	for _, k := range c.Missing {
		if rows[k].Tokens > 0 {
			continue // disabled-only, below
		}
		fs = append(fs, Finding{Rule: RuleMissingKind, Severity: Medium, Subject: string(k),
			Title:          fmt.Sprintf("No %s token is deployed (a recommended kind)", k),
			Recommendation: fmt.Sprintf("deploy %s %s token", article(k), k)})
	}
	for _, k := range c.DisabledOnly {
		r := rows[k]
		sev := Low
		if r.Recommended {
			sev = Medium
		}
		title := fmt.Sprintf("The only %s token is disabled", k)
		if r.Tokens > 1 {
			title = fmt.Sprintf("All %d %s tokens are disabled", r.Tokens, k)
		}
		fs = append(fs, Finding{Rule: RuleDisabledOnlyKind, Severity: sev, Subject: string(k), Count: r.Tokens,
			Title:          title,
			Recommendation: fmt.Sprintf("enable or replace %s", theTokens(r.Tokens, "disabled "+string(k)))})
	}
	for _, k := range c.UnknownKinds {
		r := rows[k]
		fs = append(fs, Finding{Rule: RuleUnknownKind, Severity: Info, Subject: string(k), Count: r.Tokens,
			Title: fmt.Sprintf("%s of kind %s, which this SDK does not know", plural(r.Tokens, "token"), quote(string(k))),
			Recommendation: fmt.Sprintf("check that %s is listed by the Console (Tokens.Kinds); if it is, it is newer than this SDK and is counted as is",
				quote(string(k)))})
	}
	return fs
}

func hygieneFindings(h *HygieneSection, s settings) []Finding {
	fs := []Finding{}
	shown := h.StaleByKind[:min(len(h.StaleByKind), maxStaleFindings)]
	for _, kc := range shown {
		fs = append(fs, Finding{Rule: RuleStaleTokens, Severity: Low, Subject: string(kc.Kind), Count: kc.Count,
			Title: fmt.Sprintf("%s older than %s", plural(kc.Count, string(kc.Kind)+" token"), periodText(s)),
			Recommendation: fmt.Sprintf("rotate %s older than %s: create replacements, plant them, then delete the old ones",
				theTokens(kc.Count, string(kc.Kind)), periodText(s))})
	}
	if rest := h.StaleByKind[len(shown):]; len(rest) > 0 {
		n := 0
		for _, kc := range rest {
			n += kc.Count
		}
		fs = append(fs, Finding{Rule: RuleStaleTokens, Severity: Low, Count: n,
			Title: fmt.Sprintf("%d more %s older than %s, across %s", n, pluralWord(n, "token"), periodText(s),
				plural(len(rest), "other kind")),
			Recommendation: fmt.Sprintf("rotate the other %s older than %s (kinds %s) the same way",
				plural(n, "stale token"), periodText(s), joinKindCounts(rest))})
	}
	return fs
}

func incidentFindings(sec *IncidentSection, a *incidentAgg, s settings) []Finding {
	fs := []Finding{}
	if sec.Unacknowledged > 0 {
		fs = append(fs, Finding{Rule: RuleUnacknowledgedIncidents, Severity: High, Count: sec.Unacknowledged,
			Title: fmt.Sprintf("%s not acknowledged (of %d)", plural(sec.Unacknowledged, "incident"), sec.Total),
			Recommendation: fmt.Sprintf("acknowledge or investigate the %s, starting with the sources below",
				plural(sec.Unacknowledged, "unacknowledged incident"))})
	}
	// Repeat sources with unacknowledged incidents first: they are the
	// critical ones, and TopN must not crowd them out.
	repeat := repeatSources(a)
	sort.SliceStable(repeat, func(i, j int) bool { return repeat[i].unacked > 0 && repeat[j].unacked == 0 })
	for _, c := range repeat[:min(len(repeat), s.topN)] {
		tokens := strconv.Itoa(len(c.tokens))
		if c.tokensFull {
			tokens = "at least " + tokens
		}
		f := Finding{Rule: RuleRepeatSource, Subject: c.key, Count: c.count}
		if c.unacked > 0 {
			f.Severity = Critical
			f.Title = fmt.Sprintf("%s triggered %s different tokens (%s, %d unacknowledged)",
				c.key, tokens, plural(c.count, "incident"), c.unacked)
			f.Recommendation = fmt.Sprintf("investigate %s as a likely intruder working through the estate, then acknowledge its %s",
				c.key, plural(c.unacked, "unacknowledged incident"))
		} else {
			f.Severity = Info
			f.Title = fmt.Sprintf("%s triggered %s different tokens (%s, all acknowledged)",
				c.key, tokens, plural(c.count, "incident"))
			f.Recommendation = fmt.Sprintf("confirm the investigation of %s is closed, and block it or add it to the Console's ignore list if it is a known scanner", c.key)
		}
		fs = append(fs, f)
	}
	var unacked []*counter
	for _, c := range a.ips.counters() {
		if c.unacked > 0 && len(c.tokens) < 2 {
			unacked = append(unacked, c)
		}
	}
	sort.Slice(unacked, func(i, j int) bool {
		if unacked[i].unacked != unacked[j].unacked {
			return unacked[i].unacked > unacked[j].unacked
		}
		return unacked[i].key < unacked[j].key
	})
	for _, c := range unacked[:min(len(unacked), s.topN)] {
		fs = append(fs, Finding{Rule: RuleUnacknowledgedSource, Severity: High, Subject: c.key, Count: c.unacked,
			Title:          fmt.Sprintf("%s from %s", plural(c.unacked, "unacknowledged incident"), c.key),
			Recommendation: fmt.Sprintf("acknowledge or investigate %s from %s", plural(c.unacked, "incident"), c.key)})
	}
	for _, ti := range sec.DisabledWithIncidents {
		t := ti.Token
		fs = append(fs, Finding{Rule: RuleDisabledTokenWithIncidents, Severity: Medium, Subject: t.ID, Count: ti.Incidents,
			Title: fmt.Sprintf("Disabled %s token %s%s has %s", t.Kind, t.ID, memoSuffix(t.Memo), plural(ti.Incidents, "incident")),
			Recommendation: fmt.Sprintf("re-enable token %s if it is still planted (a disabled token stays silent when it fires again), or delete it and plant a new one",
				t.ID)})
	}
	if sec.OnDeletedTokens > 0 {
		n := len(a.deleted.m)
		tokens := plural(n, "token")
		if !a.deleted.exact() {
			tokens = "more than " + tokens
		}
		fs = append(fs, Finding{Rule: RuleDeletedTokenIncidents, Severity: Low, Count: sec.OnDeletedTokens,
			Title: fmt.Sprintf("%s belong to %s that no longer exist (%d unacknowledged)",
				plural(sec.OnDeletedTokens, "incident"), tokens, a.deletedUnacked),
			Recommendation: fmt.Sprintf("acknowledge and delete the %s of deleted tokens, or recreate a token that is still planted",
				plural(sec.OnDeletedTokens, "incident"))})
	}
	return fs
}

func memoSuffix(memo string) string {
	if memo == "" {
		return ""
	}
	return " (" + quote(memo) + ")"
}

// quote wraps Console text in quotes as it is; the renderers clean it.
func quote(s string) string { return `"` + s + `"` }

// maxStaleFindings is how many kinds get a stale-tokens finding of their
// own; the rest share one.
const maxStaleFindings = 5

func joinKindCounts(kcs []KindCount) string {
	ss := make([]string, len(kcs))
	for i, kc := range kcs {
		ss[i] = string(kc.Kind)
	}
	return strings.Join(ss, ", ")
}

func joinKinds(ks []canary.Kind) string {
	ss := make([]string, len(ks))
	for i, k := range ks {
		ss[i] = string(k)
	}
	return strings.Join(ss, ", ")
}
