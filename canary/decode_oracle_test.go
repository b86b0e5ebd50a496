package canary

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
)

// The reference decoders the fast path is held to: encoding/json with the
// lenient wire structs. For tokens that is Token.unmarshalStd (the fallback
// in token.go). For incidents it is a frozen copy of Incident.UnmarshalJSON
// and Event.UnmarshalJSON as they decode with encoding/json, kept here so
// that the comparison still means something once Incident.UnmarshalJSON
// itself calls the fast decoder (TestIncidentOracleIsUnmarshal checks that
// the copy and the real method agree).

// oracleToken decodes with encoding/json only.
type oracleToken Token

func (t *oracleToken) UnmarshalJSON(data []byte) error { return (*Token)(t).unmarshalStd(data) }

// oracleTokenPage is tokenPageWire decoded by encoding/json only.
type oracleTokenPage struct {
	envelope
	Tokens       []*oracleToken `json:"canarytokens"`
	Cursor       *cursorWire    `json:"cursor"`
	PageNum      lenient.Int    `json:"page_num"`
	PageTotal    lenient.Int    `json:"page_total"`
	PageNumber   lenient.Int    `json:"page_number"`
	TotalPages   lenient.Int    `json:"total_pages"`
	TotalResults lenient.Int    `json:"total_results"`
}

// wire converts the oracle's page to a tokenPageWire for comparison.
func (o *oracleTokenPage) wire() tokenPageWire {
	w := tokenPageWire{envelope: o.envelope, Cursor: o.Cursor, PageNum: o.PageNum, PageTotal: o.PageTotal,
		PageNumber: o.PageNumber, TotalPages: o.TotalPages, TotalResults: o.TotalResults}
	if o.Tokens != nil {
		w.Tokens = make([]*Token, len(o.Tokens))
		for i, t := range o.Tokens {
			w.Tokens[i] = (*Token)(t)
		}
	}
	return w
}

// oracleIncident decodes as Incident.UnmarshalJSON did with encoding/json.
type oracleIncident Incident

type oracleEvent Event

type oracleIncidentWire struct {
	ID          lenient.String  `json:"id"`
	Key         lenient.String  `json:"key"`
	IncidentKey lenient.String  `json:"incident_key"`
	HashID      lenient.String  `json:"hash_id"`
	Summary     lenient.String  `json:"summary"`
	UpdatedID   lenient.Int     `json:"updated_id"`
	UpdatedTime lenient.Time    `json:"updated_time"`
	Description json.RawMessage `json:"description"`

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
	Events         []oracleEvent   `json:"events"`
	Logdata        []oracleEvent   `json:"logdata"`
}

func (i *oracleIncident) UnmarshalJSON(data []byte) error {
	var w oracleIncidentWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	desc := bytes.TrimSpace(w.Description)
	if len(desc) > 0 && desc[0] == '{' {
		var inner oracleIncidentWire
		if err := json.Unmarshal(desc, &inner); err != nil {
			return err
		}
		if inner.ID == "" {
			inner.ID = w.ID
		}
		if inner.Key == "" {
			inner.Key = w.Key
		}
		if inner.IncidentKey == "" {
			inner.IncidentKey = w.IncidentKey
		}
		if inner.HashID == "" {
			inner.HashID = w.HashID
		}
		if inner.Summary == "" {
			inner.Summary = w.Summary
		}
		if inner.UpdatedID == 0 {
			inner.UpdatedID = w.UpdatedID
		}
		if time.Time(inner.UpdatedTime).IsZero() {
			inner.UpdatedTime = w.UpdatedTime
		}
		w = inner
		desc = bytes.TrimSpace(w.Description)
	}
	var description lenient.String
	if len(desc) > 0 && desc[0] != '{' {
		if err := json.Unmarshal(desc, &description); err != nil {
			return err
		}
	}
	*i = oracleIncident{
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
		Events:      oracleEvents(w.Events),
		Raw:         append(json.RawMessage(nil), data...),
	}
	if len(i.Events) == 0 && len(w.Logdata) > 0 {
		i.Events = oracleEvents(w.Logdata)
	}
	return nil
}

func oracleEvents(evs []oracleEvent) []Event {
	if evs == nil {
		return nil
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = Event(e)
	}
	return out
}

func (e *oracleEvent) UnmarshalJSON(data []byte) error {
	*e = oracleEvent{}
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
	if raw, ok := e.Fields["type"]; ok {
		var s lenient.String
		if json.Unmarshal(raw, &s) == nil {
			e.Type = string(s)
		}
	}
	return nil
}

// oracleIncidentPage is incidentPageWire decoded by encoding/json only.
type oracleIncidentPage struct {
	envelope
	Feed         lenient.String    `json:"feed"`
	Incidents    []*oracleIncident `json:"incidents"`
	MaxUpdatedID lenient.Int       `json:"max_updated_id"`
	Cursor       *cursorWire       `json:"cursor"`
	PageNumber   lenient.Int       `json:"page_number"`
	TotalPages   lenient.Int       `json:"total_pages"`
	TotalResults lenient.Int       `json:"total_results"`
}

// oracleDecodeIncidentPage is what decodeIncidentPage must return: the
// page as json.Unmarshal and incidentPageWire.page() give it, or an error
// where the client's decode would fail (a JSON error, no "result", or
// "result":"error").
func oracleDecodeIncidentPage(body []byte) (*incidentPage, error) {
	var w oracleIncidentPage
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if w.Result == "" || w.Result == "error" {
		return nil, errFast
	}
	p := &incidentPage{Items: []*Incident{}, incidentPageHead: incidentPageHead{
		Result: w.Result, Message: w.Message, Feed: string(w.Feed),
		MaxUpdatedID: int64(w.MaxUpdatedID), Next: w.Cursor.next(), Prev: w.Cursor.prev(),
		PageNumber: int(w.PageNumber), TotalPages: int(w.TotalPages), TotalResults: int(w.TotalResults),
	}}
	for _, inc := range w.Incidents {
		if inc != nil {
			p.Items = append(p.Items, (*Incident)(inc))
		}
	}
	return p, nil
}
