package canary

import (
	"encoding/json"
	"time"

	"github.com/decoykit/decoykit/internal/jsonscan"
)

// Fast decoding of incident objects (all three shapes: the feed's wrapper
// with a nested "description" object, /incident/fetch's flat object and
// /incidents/search's flat object with "logdata") and of incident pages,
// equivalent to encoding/json into Incident and incidentPageWire; see
// decode_scan.go. Event fields are kept as json.RawMessage like
// Event.UnmarshalJSON keeps them, but sliced (capacity-capped, so they never
// overlap for append) from the incident's Raw copy instead of one
// allocation each.

// Incident members, in the order of incidentNames.
const (
	ifID = iota
	ifKey
	ifIncidentKey
	ifHashID
	ifSummary
	ifUpdatedID
	ifUpdatedTime
	ifDescription
	ifAcknowledged
	ifCreated
	ifCreatedStd
	ifLogtype
	ifNodeID
	ifFlockID
	ifFlockName
	ifName
	ifMemo
	ifSrcHost
	ifSrcHostReverse
	ifSrcPort
	ifDstHost
	ifDstPort
	ifIPAddress
	ifMACAddress
	ifLocalTime
	ifNotified
	ifEventsCount
	ifEvents
	ifLogdata
)

var incidentNames = newFieldTable("id", "key", "incident_key", "hash_id", "summary",
	"updated_id", "updated_time", "description", "acknowledged", "created", "created_std",
	"logtype", "node_id", "flock_id", "flock_name", "name", "memo", "src_host",
	"src_host_reverse", "src_port", "dst_host", "dst_port", "ip_address", "mac_address",
	"local_time", "notified", "events_count", "events", "logdata")

func incidentField(key []byte) int { return incidentNames.lookup(key) }

// descKind is what the last "description" member held.
type descKind uint8

const (
	descNone      descKind = iota // absent: ""
	descText                      // a scalar: its lenient text
	descBadScalar                 // an array: lenient.String refuses it
	descObject                    // an object, decoded into inner (feed shape)
	descObjectBad                 // an object whose decoding failed
	descObjectRaw                 // an object inside the feed's description: ""
)

// incidentFields is incidentWire with Go types.
type incidentFields struct {
	id, key, incidentKey, hashID, summary string
	updatedID                             int64
	updatedTime                           time.Time
	desc                                  descKind
	descText                              string
	acknowledged, notified                bool
	created                               time.Time
	createdStd, logtype, nodeID           string
	flockID, flockName, name, memo        string
	srcHost, srcHostReverse, dstHost      string
	srcPort, dstPort, eventsCount         int64
	ipAddress, macAddress, localTime      string
	events, logdata                       pendingEvents
}

// decodeIncident decodes one incident object (the whole of data) as
// Incident.UnmarshalJSON's encoding/json path does; errFast means "fall
// back".
func decodeIncident(data []byte, inc *Incident) error {
	s := scanner{Scanner: jsonscan.Scanner{Data: data}}
	if s.Peek() == 'n' { // encoding/json leaves incidentWire empty
		*inc = Incident{Raw: append(json.RawMessage(nil), data...)}
		if err := s.Lit("null"); err != nil {
			return err
		}
		return s.End()
	}
	if err := s.incident(inc, data); err != nil {
		return err
	}
	return s.End()
}

// incident decodes the incident object at s.Pos into *inc. Raw is a copy of
// whole, or of the object's own bytes when whole is nil.
func (s *scanner) incident(inc *Incident, whole []byte) error {
	s.WS()
	start := s.Pos
	wholeOff := start
	if whole != nil {
		wholeOff = 0 // whole is s.Data
	}
	s.evSpans, s.evFields = s.evSpans[:0], s.evFields[:0]
	var outer, inner incidentFields
	if err := s.incidentObject(&outer, &inner); err != nil {
		return err
	}
	w := &outer
	switch outer.desc {
	case descObjectBad:
		return errFast
	case descObject:
		// Feed shape: the incident proper is the nested "description"; the
		// wrapper carries id, hash_id, summary and the updated_* fields.
		inner.mergeWrapper(&outer)
		w = &inner
	}
	var description string
	switch w.desc {
	case descText:
		description = w.descText
	case descBadScalar:
		return errFast
	}
	if whole == nil {
		whole = s.Data[start:s.Pos]
	}
	*inc = Incident{
		Key:          firstNonEmpty(w.key, w.incidentKey, w.id),
		HashID:       w.hashID,
		Summary:      w.summary,
		Description:  description,
		Acknowledged: w.acknowledged,
		Created:      w.created, CreatedStd: w.createdStd,
		Updated: w.updatedTime, UpdatedID: w.updatedID,
		Logtype: w.logtype, NodeID: w.nodeID,
		FlockID: w.flockID, FlockName: w.flockName, Name: w.name,
		Memo:       w.memo,
		SourceHost: w.srcHost, SourceHostReverse: w.srcHostReverse, SourcePort: int(w.srcPort),
		DestHost: w.dstHost, DestPort: int(w.dstPort),
		IPAddress: w.ipAddress, MACAddress: w.macAddress,
		LocalTime: w.localTime, Notified: w.notified,
		EventsCount: int(w.eventsCount),
		Raw:         append(json.RawMessage(nil), whole...),
	}
	inc.Events = s.buildEvents(w.events, inc.Raw, wholeOff)
	if len(inc.Events) == 0 && w.logdata.n > 0 {
		inc.Events = s.buildEvents(w.logdata, inc.Raw, wholeOff)
	}
	return nil
}

// mergeWrapper is incidentWire.mergeWrapper.
func (f *incidentFields) mergeWrapper(outer *incidentFields) {
	if f.id == "" {
		f.id = outer.id
	}
	if f.key == "" {
		f.key = outer.key
	}
	if f.incidentKey == "" {
		f.incidentKey = outer.incidentKey
	}
	if f.hashID == "" {
		f.hashID = outer.hashID
	}
	if f.summary == "" {
		f.summary = outer.summary
	}
	if f.updatedID == 0 {
		f.updatedID = outer.updatedID
	}
	if f.updatedTime.IsZero() {
		f.updatedTime = outer.updatedTime
	}
}

// incidentObject decodes a flat incident object into *f. With inner set
// (the top level), an object "description" is decoded into *inner as the
// feed's nested incident; without it (inside that description) an object
// "description" is only validated, as encoding/json leaves it a RawMessage.
func (s *scanner) incidentObject(f *incidentFields, inner *incidentFields) error {
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
		case ifID:
			f.id, err = s.LenientString()
		case ifKey:
			f.key, err = s.LenientString()
		case ifIncidentKey:
			f.incidentKey, err = s.LenientString()
		case ifHashID:
			f.hashID, err = s.LenientString()
		case ifSummary:
			f.summary, err = s.internedString()
		case ifUpdatedID:
			f.updatedID, err = s.LenientInt(false)
		case ifUpdatedTime:
			f.updatedTime, err = s.LenientTime()
		case ifDescription:
			err = s.description(f, inner)
		case ifAcknowledged:
			f.acknowledged, err = s.LenientBool()
		case ifCreated:
			f.created, err = s.LenientTime()
		case ifCreatedStd:
			f.createdStd, err = s.LenientString()
		case ifLogtype:
			f.logtype, err = s.internedString()
		case ifNodeID:
			f.nodeID, err = s.LenientString()
		case ifFlockID:
			f.flockID, err = s.internedString()
		case ifFlockName:
			f.flockName, err = s.internedString()
		case ifName:
			f.name, err = s.internedString()
		case ifMemo:
			f.memo, err = s.LenientString()
		case ifSrcHost:
			f.srcHost, err = s.LenientString()
		case ifSrcHostReverse:
			f.srcHostReverse, err = s.LenientString()
		case ifSrcPort:
			f.srcPort, err = s.LenientInt(true)
		case ifDstHost:
			f.dstHost, err = s.internedString()
		case ifDstPort:
			f.dstPort, err = s.LenientInt(true)
		case ifIPAddress:
			f.ipAddress, err = s.internedString()
		case ifMACAddress:
			f.macAddress, err = s.internedString()
		case ifLocalTime:
			f.localTime, err = s.LenientString()
		case ifNotified:
			f.notified, err = s.LenientBool()
		case ifEventsCount:
			f.eventsCount, err = s.LenientInt(true)
		case ifEvents:
			f.events, err = s.events()
		case ifLogdata:
			f.logdata, err = s.events()
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

// description reads a "description" member. encoding/json keeps it as a
// RawMessage and only the last one counts, so a nested object that fails to
// decode is an error only if no later "description" replaces it.
func (s *scanner) description(f *incidentFields, inner *incidentFields) error {
	switch s.Peek() {
	case '{':
		if inner == nil {
			f.desc, f.descText = descObjectRaw, ""
			return s.Skip()
		}
		start, depth := s.Pos, s.Depth
		*inner = incidentFields{}
		if s.incidentObject(inner, nil) == nil {
			f.desc, f.descText = descObject, ""
			return nil
		}
		// Still validate it: bad syntax is an error whatever comes later.
		s.Pos, s.Depth = start, depth
		f.desc, f.descText = descObjectBad, ""
		return s.Skip()
	case '[':
		f.desc, f.descText = descBadScalar, ""
		return s.Skip()
	}
	text, err := s.internedString()
	f.desc, f.descText = descText, text
	return err
}

// pendingEvents is a decoded []Event member waiting for its incident's Raw:
// null or absent (!set), or the events s.evSpans[first:first+n].
type pendingEvents struct {
	set      bool
	first, n int
}

// events reads a []Event member: null is nil, [] is empty. It notes where
// each event and each of its fields lies in s.Data (in s.evSpans and
// s.evFields, which the incident's other event arrays share); buildEvents
// makes the events once the incident's Raw copy exists, slicing every value
// out of Raw, so the events cost no copy of their own.
func (s *scanner) events() (pendingEvents, error) {
	switch s.Peek() {
	case 'n':
		return pendingEvents{}, s.Lit("null")
	case '[':
	default:
		return pendingEvents{}, errFast
	}
	p := pendingEvents{set: true, first: len(s.evSpans)}
	if err := s.Enter(); err != nil {
		return p, err
	}
	more, err := s.ArrayStart()
	if err != nil {
		return p, err
	}
	for more {
		sp := eventSpan{first: len(s.evFields)}
		switch s.Peek() {
		case 'n':
			err = s.Lit("null")
		case '{':
			sp.object = true
			s.evFields, err = s.eventFields(s.evFields)
		default: // a scalar or array event, kept under "value"
			sp.start = s.Pos
			err = s.Skip()
			sp.end = s.Pos
		}
		if err != nil {
			return p, err
		}
		sp.last = len(s.evFields)
		s.evSpans = append(s.evSpans, sp)
		if more, err = s.ArrayNext(); err != nil {
			return p, err
		}
	}
	s.Depth--
	p.n = len(s.evSpans) - p.first
	return p, nil
}

// buildEvents makes the events p noted. raw is the incident's Raw, a copy
// of s.Data from offset off: each value is a capacity-capped slice of it,
// so no two values (nor Raw) overlap for append.
func (s *scanner) buildEvents(p pendingEvents, raw []byte, off int) []Event {
	if !p.set {
		return nil
	}
	val := func(start, end int) json.RawMessage {
		return raw[start-off : end-off : end-off]
	}
	evs := make([]Event, p.n)
	for i, sp := range s.evSpans[p.first : p.first+p.n] {
		e := &evs[i]
		switch {
		case sp.object:
			e.Fields = make(map[string]json.RawMessage, sp.last-sp.first)
			ts, typ := -1, -1
			for j := sp.first; j < sp.last; j++ {
				f := &s.evFields[j]
				e.Fields[f.key] = val(f.start, f.end)
				switch f.key {
				case "timestamp":
					ts = j
				case "type":
					typ = j
				}
			}
			if ts >= 0 {
				sub := scanner{Scanner: jsonscan.Scanner{Data: s.Data[s.evFields[ts].start:s.evFields[ts].end]}}
				if t, err := sub.LenientTime(); err == nil {
					e.Timestamp = t
				}
			}
			if typ >= 0 {
				sub := scanner{Scanner: jsonscan.Scanner{Data: s.Data[s.evFields[typ].start:s.evFields[typ].end]}}
				if v, err := sub.LenientString(); err == nil {
					e.Type = v
				}
			}
		case sp.end > sp.start:
			e.Fields = map[string]json.RawMessage{"value": val(sp.start, sp.end)}
		}
	}
	return evs
}

// eventSpan is one element of an events array: an object whose fields are
// fields[first:last], a non-object value at [start, end), or null.
type eventSpan struct {
	object      bool
	first, last int
	start, end  int
}

// eventField is an event member: its name and where its value lies.
type eventField struct {
	key        string
	start, end int
}

// eventFields reads an event object's members, as encoding/json reads it
// into map[string]json.RawMessage (a later duplicate wins when the map is
// built in order).
func (s *scanner) eventFields(fields []eventField) ([]eventField, error) {
	if err := s.Enter(); err != nil {
		return nil, err
	}
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return nil, err
		}
		k := eventKey(key)
		start := s.Pos
		if err = s.Skip(); err != nil {
			return nil, err
		}
		fields = append(fields, eventField{k, start, s.Pos})
		more, err = s.ObjectNext()
	}
	s.Depth--
	return fields, err
}

// eventKey returns the documented event field names without allocating.
func eventKey(k []byte) string {
	switch string(k) {
	case "timestamp":
		return "timestamp"
	case "timestamp_std":
		return "timestamp_std"
	case "type":
		return "type"
	case "canarytoken":
		return "canarytoken"
	case "headers":
		return "headers"
	case "src_host":
		return "src_host"
	case "src_port":
		return "src_port"
	case "dst_host":
		return "dst_host"
	case "dst_port":
		return "dst_port"
	case "event_name":
		return "event_name"
	case "url":
		return "url"
	case "geoip":
		return "geoip"
	case "ip_blocklist":
		return "ip_blocklist"
	case "additional_info":
		return "additional_info"
	case "hostname":
		return "hostname"
	case "generic_data":
		return "generic_data"
	case "logtype":
		return "logtype"
	case "USERNAME":
		return "USERNAME"
	case "PASSWORD":
		return "PASSWORD"
	case "HOSTNAME":
		return "HOSTNAME"
	case "METHOD":
		return "METHOD"
	case "PATH":
		return "PATH"
	case "RESPONSE":
		return "RESPONSE"
	case "SKIN":
		return "SKIN"
	case "USERAGENT":
		return "USERAGENT"
	}
	return string(k)
}

// incidentPage is an incident page (a feed or search) as
// decodeIncidentPage reads it: what incidentPageWire.page() and the
// envelope give.
type incidentPage struct {
	incidentPageHead
	// Items are the page's incidents, null entries dropped.
	Items []*Incident
}

// incidentPageHead is an incident page's envelope and cursor.
type incidentPageHead struct {
	Result, Message string
	Feed            string
	MaxUpdatedID    int64
	// Next and Prev are cursor.next and cursor.prev ("" for null).
	Next, Prev                           string
	PageNumber, TotalPages, TotalResults int
}

// Page members of incidentPageWire.
const (
	ipResult = iota
	ipMessage
	ipFeed
	ipIncidents
	ipMaxUpdatedID
	ipCursor
	ipPageNumber
	ipTotalPages
	ipTotalResults
)

var incidentPageNames = newFieldTable("result", "message", "feed", "incidents",
	"max_updated_id", "cursor", "page_number", "total_pages", "total_results")

func incidentPageField(key []byte) int { return incidentPageNames.lookup(key) }

// decodeIncidentPage decodes an incident page body (/incidents/all,
// /incidents/acknowledged, /incidents/unacknowledged, /incidents/search) as
// json.Unmarshal into incidentPageWire does. It returns errFast, meaning
// "fall back to encoding/json", for anything it cannot decode and also for
// a page whose envelope the client rejects (no "result", or
// "result":"error"), so that the fallback reports the usual error.
func decodeIncidentPage(body []byte) (*incidentPage, error) {
	p := &incidentPage{}
	err := scanIncidentPage(body, &p.incidentPageHead, func(s *scanner) (err error) {
		p.Items, err = s.incidentList()
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.Items == nil {
		p.Items = []*Incident{} // as page() makes it
	}
	return p, nil
}

// scanIncidentPage reads an incident page into h, with items reading the
// "incidents" member (each time it occurs: the last one counts), and
// returns errFast as decodeIncidentPage does.
func scanIncidentPage(body []byte, h *incidentPageHead, items func(s *scanner) error) error {
	s := scanner{Scanner: jsonscan.Scanner{Data: body}, intern: make(map[string]string, 32)}
	if err := s.Enter(); err != nil {
		return err
	}
	var cur *cursorWire
	more, err := s.ObjectStart()
	for more && err == nil {
		var key []byte
		if key, err = s.Key(); err != nil {
			return err
		}
		var n int64
		switch incidentPageField(key) {
		case ipResult:
			err = s.plainString(&h.Result)
		case ipMessage:
			err = s.plainString(&h.Message)
		case ipFeed:
			h.Feed, err = s.LenientString()
		case ipIncidents:
			err = items(&s)
		case ipMaxUpdatedID:
			h.MaxUpdatedID, err = s.LenientInt(false)
		case ipCursor:
			cur, err = s.cursor(cur)
		case ipPageNumber:
			n, err = s.LenientInt(false)
			h.PageNumber = int(n)
		case ipTotalPages:
			n, err = s.LenientInt(false)
			h.TotalPages = int(n)
		case ipTotalResults:
			n, err = s.LenientInt(false)
			h.TotalResults = int(n)
		default:
			err = s.Skip()
		}
		if err != nil {
			return err
		}
		more, err = s.ObjectNext()
	}
	s.Depth--
	if err != nil {
		return err
	}
	if err := s.End(); err != nil {
		return err
	}
	if h.Result == "" || h.Result == "error" {
		return errFast
	}
	h.Next, h.Prev = cur.next(), cur.prev()
	return nil
}

// incidentList decodes a []*Incident, dropping null entries as
// incidentPageWire.page() does.
func (s *scanner) incidentList() ([]*Incident, error) {
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
	list := make([]*Incident, 0, 16)
	for more {
		if s.Peek() == 'n' {
			err = s.Lit("null")
		} else {
			inc := new(Incident)
			err = s.incident(inc, nil)
			list = append(list, inc)
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
