package audit

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/decoykit/decoykit/canary"
)

// maxMemo is the longest memo a report repeats, in characters.
const maxMemo = 120

// tokenState is what an audit keeps per token: the report's reference and
// the incident counters, not the whole canary.Token (no secrets, no Raw).
type tokenState struct {
	ref            TokenRef
	triggeredCount int
	incidents      int
	unacked        int
	first, last    time.Time
	flockID        string
}

func (t *tokenState) triggered() bool { return t.triggeredCount > 0 || t.incidents > 0 }

// estate is the token inventory, indexed for linking incidents.
type estate struct {
	tokens []*tokenState
	byNode map[string]*tokenState
	byID   map[string]*tokenState
}

// loadTokens ranges over src.Tokens once. Tokens without an ID (such as the
// factory endpoint entries of /canarytokens/fetch) and repeats of an ID seen
// before are skipped.
func loadTokens(ctx context.Context, src Source) (*estate, error) {
	e := &estate{byNode: make(map[string]*tokenState), byID: make(map[string]*tokenState)}
	for t, err := range src.Tokens(ctx) {
		if err != nil {
			return nil, fmt.Errorf("audit: reading tokens: %w", err)
		}
		if t == nil || t.ID == "" {
			continue
		}
		if _, dup := e.byID[t.ID]; dup {
			continue
		}
		ts := &tokenState{
			ref: TokenRef{
				ID: t.ID, Kind: t.Kind, Memo: shorten(t.Memo, maxMemo),
				Enabled: t.Enabled, Created: t.Created.UTC(),
			},
			triggeredCount: t.TriggeredCount,
			flockID:        t.FlockID,
		}
		if t.Created.IsZero() {
			ts.ref.Created = time.Time{}
		}
		e.tokens = append(e.tokens, ts)
		e.byID[t.ID] = ts
		if t.NodeID != "" {
			if _, dup := e.byNode[t.NodeID]; !dup {
				e.byNode[t.NodeID] = ts
			}
		}
	}
	return e, nil
}

// shorten cuts s to at most n characters, ending with "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// kindOf returns a token kind for the report: canary.Kind as is, or
// UnknownKind for an empty one.
func kindOf(k canary.Kind) canary.Kind {
	if k == "" {
		return UnknownKind
	}
	return k
}
