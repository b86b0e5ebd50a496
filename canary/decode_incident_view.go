package canary

import (
	"context"
	"iter"
	"time"

	"github.com/decoykit/decoykit/internal/auditview"
	"github.com/decoykit/decoykit/internal/jsonscan"
	"github.com/decoykit/decoykit/internal/rest"
)

// Incident views: what audit.Full reads of an incident (see package
// internal/auditview for why). The view decoder below walks an incident
// page exactly as the incident decoder (decode_incident.go) does, with the
// same member table and the same lenient readers for every member, so it
// fails wherever that one fails; it only does not build what a view does
// not hold (Raw, the events' field maps, most strings). A page it cannot
// read is decoded in full (the fast decoder, then encoding/json, which
// reports any error) and turned into views with viewOf, so the views, like
// the errors, are always those of Incidents.All.
// TestIncidentViewsMatchFullDecoding and FuzzDecodeIncidentViewPage hold
// the two to each other.

func init() {
	auditview.IncidentOf = func(inc any) auditview.Incident { return viewOf(inc.(*Incident)) }
	auditview.Incidents = func(ctx context.Context, client, opts any) iter.Seq2[*auditview.Incident, error] {
		return client.(*Client).Incidents.allViews(ctx, opts.(*ListIncidentsOptions))
	}
}

// viewOf is the view of inc: the definition the view decoder is held to.
func viewOf(inc *Incident) auditview.Incident {
	v := auditview.Incident{
		Created: inc.Created, Updated: inc.Updated, Acknowledged: inc.Acknowledged,
		NodeID: inc.NodeID, Memo: inc.Memo, SourceHost: inc.SourceHost, FlockID: inc.FlockID,
		Canarytoken: inc.IsCanarytoken(),
	}
	for i := range inc.Events {
		e := &inc.Events[i]
		if v.EventTime.IsZero() {
			v.EventTime = e.Timestamp
		}
		if v.EventType == "" {
			v.EventType = e.Type
		}
		if v.TokenCode == "" {
			v.TokenCode, _ = e.String("canarytoken")
		}
	}
	return v
}

// allViews is All, yielding views.
func (s *IncidentsService) allViews(ctx context.Context, opts *ListIncidentsOptions) iter.Seq2[*auditview.Incident, error] {
	return allIncidents(ctx, s.client, opts, decodeIncidentViewsPage)
}

// decodeIncidentViewsPage is decodeIncidentsPage, yielding views.
func decodeIncidentViewsPage(c *Client, r rest.Request, status int, body []byte) (*Page[*auditview.Incident], error) {
	var h incidentPageHead
	var items []*auditview.Incident
	if err := scanIncidentPage(body, &h, func(s *scanner) (err error) {
		items, err = s.viewList()
		return err
	}); err != nil {
		full, err := decodeIncidentsPage(c, r, status, body)
		if err != nil {
			return nil, err
		}
		views := make([]auditview.Incident, len(full.Items))
		items = make([]*auditview.Incident, len(full.Items))
		for i, inc := range full.Items {
			views[i] = viewOf(inc)
			items[i] = &views[i]
		}
		h = incidentPageHead{Next: full.NextCursor, Prev: full.PrevCursor,
			PageNumber: full.PageNumber, TotalPages: full.TotalPages, TotalResults: full.TotalResults}
	}
	if items == nil {
		items = []*auditview.Incident{}
	}
	return &Page[*auditview.Incident]{Items: items, NextCursor: h.Next, PrevCursor: h.Prev,
		PageNumber: h.PageNumber, TotalPages: h.TotalPages, TotalResults: h.TotalResults}, nil
}

// viewChunk is how many views viewList allocates at a time: a page's views
// are never copied to grow a slice, and a page wastes less than a chunk.
const viewChunk = 64

// viewList is incidentList, making views.
func (s *scanner) viewList() ([]*auditview.Incident, error) {
	if s.Peek() == 'n' {
		return nil, s.Lit("null")
	}
	if err := s.Enter(); err != nil {
		return nil, err
	}
	more, err := s.ArrayStart()
	if err != nil {
		return nil, err
	}
	list := make([]*auditview.Incident, 0, viewChunk)
	var chunk []auditview.Incident
	for more {
		if s.Peek() == 'n' {
			err = s.Lit("null")
		} else {
			if len(chunk) == cap(chunk) {
				chunk = make([]auditview.Incident, 0, viewChunk)
			}
			chunk = append(chunk, auditview.Incident{})
			v := &chunk[len(chunk)-1]
			err = s.incidentView(v)
			list = append(list, v)
		}
		if err != nil {
			return nil, err
		}
		if more, err = s.ArrayNext(); err != nil {
			return nil, err
		}
	}
	s.Depth--
	return list, nil
}

// viewFields is incidentFields for a view: the members a view holds, and
// the description's kind.
type viewFields struct {
	created, updatedTime  time.Time
	desc                  descKind
	acknowledged          bool
	logtype, nodeID, memo string
	srcHost, flockID      string
	events, logdata       eventSummary
}

// eventSummary is what a view holds of an events array.
type eventSummary struct {
	n         int // events in the array (0 for null or absent)
	at        time.Time
	typ, code string
}

// incidentView is incident, making a view.
func (s *scanner) incidentView(v *auditview.Incident) error {
	var outer, inner viewFields
	if err := s.viewObject(&outer, &inner); err != nil {
		return err
	}
	w := &outer
	switch outer.desc {
	case descObjectBad:
		return errFast
	case descObject:
		if inner.updatedTime.IsZero() { // mergeWrapper, for what a view holds
			inner.updatedTime = outer.updatedTime
		}
		w = &inner
	}
	if w.desc == descBadScalar {
		return errFast
	}
	ev := w.events
	if ev.n == 0 && w.logdata.n > 0 {
		ev = w.logdata
	}
	*v = auditview.Incident{
		Created: w.created, Updated: w.updatedTime, Acknowledged: w.acknowledged,
		NodeID: w.nodeID, Memo: w.memo, SourceHost: w.srcHost, FlockID: w.flockID,
		Canarytoken: isTokenLogtype(w.logtype),
		EventTime:   ev.at, EventType: ev.typ, TokenCode: ev.code,
	}
	return nil
}

// viewObject is incidentObject for a view: every member is read by the
// reader incidentObject uses, or stepped over by SkipLenientString (which
// fails where LenientString fails) where the view does not hold it.
func (s *scanner) viewObject(f *viewFields, inner *viewFields) error {
	if err := s.Enter(); err != nil {
		return err
	}
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return err
		}
		switch incidentField(key) {
		case ifID, ifKey, ifIncidentKey, ifHashID, ifSummary, ifCreatedStd, ifFlockName, ifName,
			ifSrcHostReverse, ifDstHost, ifIPAddress, ifMACAddress, ifLocalTime:
			err = s.SkipLenientString()
		case ifUpdatedID:
			_, err = s.LenientInt(false)
		case ifUpdatedTime:
			f.updatedTime, err = s.LenientTime()
		case ifDescription:
			err = s.viewDescription(f, inner)
		case ifAcknowledged:
			f.acknowledged, err = s.LenientBool()
		case ifNotified:
			_, err = s.LenientBool()
		case ifCreated:
			f.created, err = s.LenientTime()
		case ifLogtype:
			f.logtype, err = s.internedString()
		case ifNodeID:
			f.nodeID, err = s.LenientString()
		case ifFlockID:
			f.flockID, err = s.internedString()
		case ifMemo:
			f.memo, err = s.internedString()
		case ifSrcHost:
			f.srcHost, err = s.internedString()
		case ifSrcPort, ifDstPort, ifEventsCount:
			_, err = s.LenientInt(true)
		case ifEvents:
			f.events, err = s.eventSummary()
		case ifLogdata:
			f.logdata, err = s.eventSummary()
		default:
			err = s.Skip()
		}
		if err != nil {
			return err
		}
		more, err = s.ObjectNext()
	}
	s.Depth--
	return err
}

// viewDescription is description for a view.
func (s *scanner) viewDescription(f *viewFields, inner *viewFields) error {
	switch s.Peek() {
	case '{':
		if inner == nil {
			f.desc = descObjectRaw
			return s.Skip()
		}
		start, depth := s.Pos, s.Depth
		*inner = viewFields{}
		if s.viewObject(inner, nil) == nil {
			f.desc = descObject
			return nil
		}
		s.Pos, s.Depth = start, depth
		f.desc = descObjectBad
		return s.Skip()
	case '[':
		f.desc = descBadScalar
		return s.Skip()
	}
	f.desc = descText
	return s.SkipLenientString()
}

// eventSummary is events for a view: it steps over the array as events
// does and keeps what viewOf takes from the events buildEvents would make.
func (s *scanner) eventSummary() (eventSummary, error) {
	var sum eventSummary
	switch s.Peek() {
	case 'n':
		return sum, s.Lit("null")
	case '[':
	default:
		return sum, errFast
	}
	if err := s.Enter(); err != nil {
		return sum, err
	}
	more, err := s.ArrayStart()
	if err != nil {
		return sum, err
	}
	for more {
		if s.Peek() == '{' {
			err = s.eventObjectSummary(&sum)
		} else { // null, or a scalar or array event kept under "value"
			err = s.Skip()
		}
		if err != nil {
			return sum, err
		}
		sum.n++
		if more, err = s.ArrayNext(); err != nil {
			return sum, err
		}
	}
	s.Depth--
	return sum, nil
}

// Event members a view reads.
const (
	evOther = iota
	evTimestamp
	evType
	evCanarytoken
)

// eventObjectSummary is eventFields and buildEvents for one event object,
// adding to sum what viewOf would take from the event.
func (s *scanner) eventObjectSummary(sum *eventSummary) error {
	if err := s.Enter(); err != nil {
		return err
	}
	var spans [4][2]int // the last value of each member a view reads, as the field map keeps it
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return err
		}
		m := evOther
		switch string(key) {
		case "timestamp":
			m = evTimestamp
		case "type":
			m = evType
		case "canarytoken":
			m = evCanarytoken
		}
		start := s.Pos
		if err = s.Skip(); err != nil {
			return err
		}
		spans[m] = [2]int{start, s.Pos}
		more, err = s.ObjectNext()
	}
	s.Depth--
	if err != nil {
		return err
	}
	value := func(m int) (scanner, bool) {
		sp := spans[m]
		return scanner{Scanner: jsonscan.Scanner{Data: s.Data[sp[0]:sp[1]]}, intern: s.intern}, sp[1] > sp[0]
	}
	if sub, ok := value(evTimestamp); ok && sum.at.IsZero() {
		if t, err := sub.LenientTime(); err == nil {
			sum.at = t
		}
	}
	if sub, ok := value(evType); ok && sum.typ == "" {
		if v, err := sub.internedString(); err == nil {
			sum.typ = v
		}
	}
	if sub, ok := value(evCanarytoken); ok && sum.code == "" {
		if v, err := sub.LenientString(); err == nil {
			sum.code = v
		}
	}
	return nil
}
