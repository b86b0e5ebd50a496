package canarytest

import (
	"fmt"
	"net"
	"time"
)

// Token is a snapshot of a stored token, for assertions in tests.
type Token struct {
	ID, Kind, Memo, FlockID, NodeID string
	Enabled                         bool
	Created                         time.Time
	TriggeredCount                  int
	// Incidents and Unacknowledged count the token's live incidents.
	Incidents, Unacknowledged int
}

// Incident is a snapshot of a stored incident.
type Incident struct {
	Key, HashID, TokenID, NodeID, Kind, SrcHost string
	Logtype                                     int
	Created                                     time.Time
	Acknowledged                                bool
	UpdatedID                                   int64
}

func (t *token) snapshot() Token {
	return Token{ID: t.id, Kind: t.kind, Memo: t.memo, FlockID: t.flockID, NodeID: t.nodeID, Enabled: t.enabled,
		Created: t.created, TriggeredCount: t.triggered, Incidents: t.incidents, Unacknowledged: t.unacked}
}

func (inc *incident) snapshot() Incident {
	return Incident{Key: inc.key, HashID: inc.hashID, TokenID: inc.tokenID, NodeID: inc.nodeID, Kind: inc.kind,
		SrcHost: inc.src, Logtype: inc.logtype, Created: inc.created, Acknowledged: inc.acked, UpdatedID: inc.updatedID}
}

// TokenSpec describes a token to add directly, without the API.
type TokenSpec struct {
	Kind, Memo string
	// FlockID defaults to "flock:default".
	FlockID string
	// Params are the kind-specific create parameters, such as
	// {"process_name": "klist.exe"} for sensitive-cmd.
	Params map[string]string
	// Created defaults to the server clock's now.
	Created  time.Time
	Disabled bool
}

// AddToken stores a token as if created through the API, with the same
// checks (an unknown kind or an empty memo is an error).
func (s *Server) AddToken(spec TokenSpec) (Token, error) {
	sp := &tokenSpec{kind: spec.Kind, memo: spec.Memo, flockID: spec.FlockID, params: spec.Params,
		created: spec.Created, disabled: spec.Disabled}
	if sp.params == nil {
		sp.params = map[string]string{}
	}
	if msg := checkSpec(sp); msg != "" {
		return Token{}, fmt.Errorf("canarytest: AddToken: %s", msg)
	}
	var t Token
	s.withWrite(func(st *state) { t = s.newToken(st, sp).snapshot() })
	return t, nil
}

// Token returns a snapshot of one token.
func (s *Server) Token(id string) (Token, bool) {
	var t Token
	var ok bool
	s.withRead(func(st *state) {
		if p := st.tokenByID[id]; p != nil {
			t, ok = p.snapshot(), true
		}
	})
	return t, ok
}

// Tokens returns snapshots of every token, oldest first.
func (s *Server) Tokens() []Token {
	var out []Token
	s.withRead(func(st *state) {
		out = make([]Token, len(st.tokens))
		for i, t := range st.tokens {
			out[i] = t.snapshot()
		}
	})
	return out
}

// Incidents returns snapshots of every incident, in feed order (ascending
// updated_id).
func (s *Server) Incidents() []Incident {
	var out []Incident
	s.withRead(func(st *state) {
		out = make([]Incident, len(st.incs))
		for i, inc := range st.incs {
			out[i] = inc.snapshot()
		}
	})
	return out
}

// Trigger fires a token from the source IP src now, as an attacker opening
// the document or using the key would: it creates an incident with one
// event (as the Console's feed shows it), bumps the token's triggered_count
// and returns the incident. A disabled token raises no incident and gives an
// error, as does an unknown token or a src that is not an IP address.
func (s *Server) Trigger(tokenID, src string) (Incident, error) {
	return s.TriggerAt(tokenID, src, time.Time{})
}

// TriggerAt is Trigger at a given time (zero: the server clock's now).
func (s *Server) TriggerAt(tokenID, src string, at time.Time) (Incident, error) {
	if net.ParseIP(src) == nil {
		return Incident{}, fmt.Errorf("canarytest: Trigger: source %q is not an IP address", src)
	}
	if at.IsZero() {
		at = s.now()
	}
	var out Incident
	var err error
	s.withWrite(func(st *state) {
		t := st.tokenByID[tokenID]
		switch {
		case t == nil:
			err = fmt.Errorf("canarytest: Trigger: no token %q", tokenID)
		case !t.enabled:
			err = fmt.Errorf("canarytest: Trigger: token %q is disabled and raises no alerts", tokenID)
		default:
			inc := s.newIncident(st, t, src, at.UTC(), st.rng.IntN(len(userAgents)))
			st.addIncident(inc)
			out = inc.snapshot()
		}
	})
	return out, err
}

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"curl/8.5.0",
	"python-requests/2.31.0",
	"Microsoft Office Word 2014",
	"aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0 botocore/2.4.5",
	"Go-http-client/1.1",
}

// newIncident builds an incident of t from src at time at. It takes the
// next updated_id; the caller stores it.
func (s *Server) newIncident(st *state, t *token, src string, at time.Time, ua int) *incident {
	ki := kinds[t.kind]
	dstPort, dstHost, path := 80, "192.0.2.1", "/static/"+t.id+"/index.html"
	if ki.dnsChannel() {
		dstPort, path = 53, t.hostname
	}
	t.triggered++
	t.updatedID = st.nextUpdatedID()
	id := st.nextUpdatedID()
	return &incident{
		key:       fmt.Sprintf("incident:canarytoken:%s:%s:%d", st.randHex(12), src, at.Unix()),
		hashID:    st.randHex(16),
		tok:       t,
		tokenID:   t.id,
		nodeID:    t.nodeID,
		flockID:   t.flockID,
		flockName: st.flockName(t.flockID),
		kind:      t.kind,
		memo:      t.memo,
		logtype:   ki.logtype,
		src:       src,
		srcPort:   0,
		dstHost:   dstHost,
		dstPort:   dstPort,
		created:   at,
		notified:  true,
		updatedID: id,
		updated:   at,
		eventsRaw: []event{{at: at, src: src, userAgent: userAgents[ua%len(userAgents)], path: path}},
	}
}
