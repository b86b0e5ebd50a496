package canary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// Incident is one alert from the Console. The three shapes the API sends
// (the feed's wrapper with a nested "description" object, /incident/fetch's
// flat object and /incidents/search's flat object with "logdata") all decode
// into this one type, with the Console's string-typed booleans, numbers and
// epoch times turned into real Go types. Raw keeps the object as sent.
//
// json.Marshal writes the flat shape with real types (times in RFC 3339),
// which decodes back into the same Incident.
type Incident struct {
	// Key is the incident key ("incident:<type>:<hex>:<src_ip>:<epoch>"),
	// the argument of Get, Acknowledge, Unacknowledge and Delete. The feed
	// and fetch send it as "id", search as "key" and "incident_key".
	Key string `json:"key"`
	// HashID is the short incident hash (GetByHashID; a webhook's
	// IncidentHash). The fetch shape does not carry it.
	HashID string `json:"hash_id,omitempty"`
	// Summary is the feed's one-line summary, e.g. "Canarytoken triggered".
	Summary string `json:"summary,omitempty"`
	// Description says what happened, e.g. "Canarytoken triggered" or
	// "HTTP Login Attempt".
	Description  string    `json:"description"`
	Acknowledged bool      `json:"acknowledged"`
	Created      time.Time `json:"created"`
	// CreatedStd is the Console's printable creation time, e.g.
	// "2020-04-07 08:53:43 UTC+0000".
	CreatedStd string `json:"created_std,omitempty"`
	// Updated is when the incident last changed (updated_time).
	Updated time.Time `json:"updated_time,omitzero"`
	// UpdatedID orders changes across the Console: the feed's
	// incidents_since takes the highest one seen.
	UpdatedID int64 `json:"updated_id"`
	// Logtype is the numeric log type as a string, e.g. "17012" for an
	// aws-id Canarytoken or "3001" for an HTTP login on a Canary.
	Logtype string `json:"logtype"`
	// NodeID is the Canary's device ID, or the Canarytoken's node_id.
	NodeID    string `json:"node_id"`
	FlockID   string `json:"flock_id,omitempty"`
	FlockName string `json:"flock_name,omitempty"`
	// Name is the Canary's name ("N/A" for Canarytokens).
	Name string `json:"name,omitempty"`
	// Memo is the Canarytoken's memo (token incidents only).
	Memo              string `json:"memo,omitempty"`
	SourceHost        string `json:"src_host"`
	SourceHostReverse string `json:"src_host_reverse,omitempty"`
	SourcePort        int    `json:"src_port"`
	DestHost          string `json:"dst_host"`
	DestPort          int    `json:"dst_port"`
	// IPAddress and MACAddress are the Canary's own addresses (device
	// incidents only).
	IPAddress  string `json:"ip_address,omitempty"`
	MACAddress string `json:"mac_address,omitempty"`
	// LocalTime is the Console's printable local time of the incident.
	LocalTime string `json:"local_time,omitempty"`
	Notified  bool   `json:"notified"`
	// EventsCount is the Console's count of events, which can be larger
	// than len(Events) when EventLimit or shrinking trimmed the list.
	EventsCount int `json:"events_count"`
	// Events are the incident's events ("events", or "logdata" in search
	// results).
	Events []Event `json:"events,omitempty"`

	// Raw is the incident object exactly as the Console sent it (for the
	// feed, the wrapper with its nested "description").
	Raw json.RawMessage `json:"-"`
}

// IsCanarytoken reports whether the incident came from a Canarytoken rather
// than a Canary device: token log types are 16xxx (DNS) and 17xxx (HTTP).
func (i *Incident) IsCanarytoken() bool { return isTokenLogtype(i.Logtype) }

func isTokenLogtype(logtype string) bool {
	n, err := strconv.Atoi(logtype)
	return err == nil && n >= 16000 && n < 18000
}

// incidentWire is the flat incident object (fetch, search and the feed's
// "description") with the Console's loose types, plus the feed wrapper's
// fields.
type incidentWire struct {
	// Feed wrapper (and search) fields.
	ID          lenient.String  `json:"id"`
	Key         lenient.String  `json:"key"`
	IncidentKey lenient.String  `json:"incident_key"`
	HashID      lenient.String  `json:"hash_id"`
	Summary     lenient.String  `json:"summary"`
	UpdatedID   lenient.Int     `json:"updated_id"`
	UpdatedTime lenient.Time    `json:"updated_time"`
	Description json.RawMessage `json:"description"` // an object in the feed, a string elsewhere

	Acknowledged   lenient.Bool    `json:"acknowledged"`
	Created        lenient.Time    `json:"created"`
	CreatedStd     lenient.String  `json:"created_std"`
	Logtype        lenient.String  `json:"logtype"`
	NodeID         lenient.String  `json:"node_id"`
	FlockID        lenient.String  `json:"flock_id"`
	FlockName      lenient.String  `json:"flock_name"`
	Name           lenient.String  `json:"name"`
	Memo           lenient.String  `json:"memo"`
	SrcHost        lenient.String  `json:"src_host"`
	SrcHostReverse lenient.String  `json:"src_host_reverse"`
	SrcPort        lenient.SoftInt `json:"src_port"`
	DstHost        lenient.String  `json:"dst_host"`
	DstPort        lenient.SoftInt `json:"dst_port"`
	IPAddress      lenient.String  `json:"ip_address"`
	MACAddress     lenient.String  `json:"mac_address"`
	LocalTime      lenient.String  `json:"local_time"`
	Notified       lenient.Bool    `json:"notified"`
	EventsCount    lenient.SoftInt `json:"events_count"`
	Events         []Event         `json:"events"`
	Logdata        []Event         `json:"logdata"`
}

// UnmarshalJSON decodes any of the Console's incident shapes leniently.
// The one-pass decoder (decode_incident.go) reads it; should that give up
// (unexpected input), encoding/json with incidentWire decodes it and reports
// any error.
func (i *Incident) UnmarshalJSON(data []byte) error {
	var fast Incident
	if decodeIncident(data, &fast) == nil {
		*i = fast
		return nil
	}
	return i.unmarshalStd(data)
}

// unmarshalStd is the reference decoding: encoding/json into incidentWire.
// The fast decoder is held to its results by differential tests and fuzzing
// (decode_test.go, against a frozen copy in decode_oracle_test.go).
func (i *Incident) unmarshalStd(data []byte) error {
	var w incidentWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	desc := bytes.TrimSpace(w.Description)
	if len(desc) > 0 && desc[0] == '{' {
		// Feed shape: the incident proper is nested under "description";
		// the wrapper carries id, hash_id, summary and the updated_* fields.
		var inner incidentWire
		if err := json.Unmarshal(desc, &inner); err != nil {
			return err
		}
		inner.mergeWrapper(&w)
		w = inner
		desc = bytes.TrimSpace(w.Description)
	}
	var description lenient.String
	if len(desc) > 0 && desc[0] != '{' {
		if err := json.Unmarshal(desc, &description); err != nil {
			return err
		}
	}
	*i = Incident{
		Key:          firstNonEmpty(string(w.Key), string(w.IncidentKey), string(w.ID)),
		HashID:       string(w.HashID),
		Summary:      string(w.Summary),
		Description:  string(description),
		Acknowledged: bool(w.Acknowledged),
		Created:      time.Time(w.Created), CreatedStd: string(w.CreatedStd),
		Updated: time.Time(w.UpdatedTime), UpdatedID: int64(w.UpdatedID),
		Logtype: string(w.Logtype), NodeID: string(w.NodeID),
		FlockID: string(w.FlockID), FlockName: string(w.FlockName), Name: string(w.Name),
		Memo:       string(w.Memo),
		SourceHost: string(w.SrcHost), SourceHostReverse: string(w.SrcHostReverse), SourcePort: int(w.SrcPort),
		DestHost: string(w.DstHost), DestPort: int(w.DstPort),
		IPAddress: string(w.IPAddress), MACAddress: string(w.MACAddress),
		LocalTime: string(w.LocalTime), Notified: bool(w.Notified),
		EventsCount: int(w.EventsCount),
		Events:      w.Events,
		Raw:         append(json.RawMessage(nil), data...),
	}
	if len(i.Events) == 0 && len(w.Logdata) > 0 {
		i.Events = w.Logdata
	}
	return nil
}

// mergeWrapper copies the feed wrapper's fields into the inner object where
// the inner one lacks them.
func (w *incidentWire) mergeWrapper(outer *incidentWire) {
	if w.ID == "" {
		w.ID = outer.ID
	}
	if w.Key == "" {
		w.Key = outer.Key
	}
	if w.IncidentKey == "" {
		w.IncidentKey = outer.IncidentKey
	}
	if w.HashID == "" {
		w.HashID = outer.HashID
	}
	if w.Summary == "" {
		w.Summary = outer.Summary
	}
	if w.UpdatedID == 0 {
		w.UpdatedID = outer.UpdatedID
	}
	if time.Time(w.UpdatedTime).IsZero() {
		w.UpdatedTime = outer.UpdatedTime
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Event is one event of an incident. Events are free-form per log type
// (USERNAME and PASSWORD for a login, headers and geoip for a Canarytoken,
// integer-string keys for a consolidated port scan), so besides the common
// fields every field is kept in Fields and read with String, Int or Decode.
type Event struct {
	// Timestamp is the event's time ("timestamp", epoch seconds; search
	// results send milliseconds, which are recognised).
	Timestamp time.Time `json:"timestamp"`
	// Type is the Canarytoken kind for token events ("type"), "" otherwise.
	Type string `json:"type,omitempty"`
	// Fields holds every field of the event as sent, timestamp included.
	Fields map[string]json.RawMessage `json:"fields"`
}

// MarshalJSON writes the event as the Console sent it: its fields, flat.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.Fields == nil {
		return []byte("null"), nil
	}
	return json.Marshal(e.Fields)
}

// UnmarshalJSON decodes an event object; a scalar or array event (which the
// API does not document) is kept under the field "value".
func (e *Event) UnmarshalJSON(data []byte) error {
	*e = Event{}
	d := bytes.TrimSpace(data)
	if len(d) == 0 || string(d) == "null" {
		return nil
	}
	if d[0] != '{' {
		e.Fields = map[string]json.RawMessage{"value": append(json.RawMessage(nil), d...)}
		return nil
	}
	if err := json.Unmarshal(d, &e.Fields); err != nil {
		return err
	}
	if raw, ok := e.Fields["timestamp"]; ok {
		var t lenient.Time
		if json.Unmarshal(raw, &t) == nil {
			e.Timestamp = time.Time(t)
		}
	}
	e.Type, _ = e.String("type")
	return nil
}

// String returns a scalar field as text (numbers and booleans as their
// literal, null as ""). ok is false when the field is missing or is an
// object or array (use Decode for those).
func (e *Event) String(key string) (string, bool) {
	raw, ok := e.Fields[key]
	if !ok {
		return "", false
	}
	var s lenient.String
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return string(s), true
}

// Int returns a numeric field (sent as a number or a numeric string). ok is
// false when the field is missing or not an integer.
func (e *Event) Int(key string) (int64, bool) {
	raw, ok := e.Fields[key]
	if !ok {
		return 0, false
	}
	var n lenient.Int
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	return int64(n), true
}

// Decode unmarshals a field, such as "headers" or "geoip", into v.
func (e *Event) Decode(key string, v any) error {
	raw, ok := e.Fields[key]
	if !ok {
		return fmt.Errorf("canary: event has no field %q", key)
	}
	return json.Unmarshal(raw, v)
}

// Keys returns the event's field names in sorted order.
func (e *Event) Keys() []string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
