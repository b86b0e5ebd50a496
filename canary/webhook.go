package canary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/rest"
)

// MaxWebhookBytes is the largest webhook body ParseWebhook reads (1 MiB). A
// Console alert is a few KiB.
const MaxWebhookBytes = 1 << 20

// WebhookKind says what a webhook alert is about.
type WebhookKind string

// Webhook kinds. The Console's AlertType tells a Canary incident from a
// Canarytoken incident; the test event sent when a webhook is configured is
// a CanaryIncident from the dummy node "0000000testnode", reported here as
// WebhookTest so that it is never mistaken for a real alert.
const (
	WebhookCanaryIncident      WebhookKind = "CanaryIncident"
	WebhookCanarytokenIncident WebhookKind = "CanarytokenIncident"
	WebhookTest                WebhookKind = "Test"
	// WebhookConsoleAudit is an audit-trail event ({"type":"console-audit"}),
	// sent when audit events are enabled for the webhook.
	WebhookConsoleAudit WebhookKind = "console-audit"
)

// testNodeID and testFlock mark the Console's test event.
const (
	testNodeID = "0000000testnode"
	testFlock  = "flock:dummyincidentflock"
)

// WebhookAlert is one alert the Console POSTed to a generic webhook (or to
// Splunk HEC, whose {"event": ...} wrapper is removed). The Console's field
// types drift between versions (ports and counts as numbers or strings,
// AdditionalDetails values of mixed types, fields missing in older
// payloads); everything is decoded leniently and Raw keeps the object as
// sent.
type WebhookAlert struct {
	Kind WebhookKind
	// AlertType is the Console's AlertType as sent ("CanaryIncident",
	// "CanarytokenIncident"); empty for audit events and payloads that
	// predate it.
	AlertType string
	// Description names the incident, e.g. "FTP Login Attempt" or "Web Bug
	// Canarytoken triggered".
	Description string
	// Intro is the Console's one-sentence summary.
	Intro string
	// Timestamp is the alert's time; TimestampText is the text it came from
	// (e.g. "2026-02-02 14:19:02 (UTC)"), kept when it cannot be parsed.
	Timestamp     time.Time
	TimestampText string
	// IncidentHash is the incident's hash_id: pass it to
	// Incidents.GetByHashID for the full incident. The test event has none.
	IncidentHash string
	SourceIP     string
	ReverseDNS   string
	// LogType is the numeric log type as text, e.g. "2000" (FTP) or "17000"
	// (web bug token).
	LogType string
	// Flock is the flock ID, when the payload carries one.
	Flock string
	// MatchedAnnotations is the Console's annotations JSON, as text.
	MatchedAnnotations string
	// AdditionalDetails are the [name, value] pairs, in order, with values
	// as text.
	AdditionalDetails []WebhookDetail

	// Canary is set for Canary (device) incidents and the test event.
	Canary *WebhookCanary
	// Canarytoken is set for Canarytoken incidents.
	Canarytoken *WebhookCanarytoken
	// Audit is set for console-audit events.
	Audit *WebhookAudit

	// SplunkWrapped reports that the payload came in a Splunk HEC
	// {"sourcetype": ..., "event": {...}} wrapper.
	SplunkWrapped bool
	// Raw is the alert object as sent (inside the Splunk wrapper, if any).
	Raw json.RawMessage
}

// WebhookCanary holds the device fields of a Canary incident.
type WebhookCanary struct {
	Name     string // CanaryName
	ID       string // CanaryID, the node_id
	IP       string // CanaryIP
	Location string // CanaryLocation
	Port     int    // CanaryPort, the port that was touched (0 if not sent)
}

// WebhookCanarytoken holds the fields of a Canarytoken incident.
type WebhookCanarytoken struct {
	// Token is the token code (Token).
	Token string
	// Reminder is the token's memo: the Console sends it as "Reminder".
	Reminder string
	// Triggered counts the token's triggers, sent as "1" or 5.
	Triggered int
}

// WebhookAudit is a console-audit event's payload.
type WebhookAudit struct {
	Timestamp           time.Time
	Message             string
	ActionType          string
	FlockID             string
	FlockName           string
	User                string
	UserIP              string
	UserBrowserAgent    string
	UserBrowserLanguage string
	UserAccessRoute     string
}

// WebhookDetail is one of AdditionalDetails' [name, value] pairs. Numbers
// are given as their literal text ("80"); HasValue is false for a
// one-element pair.
type WebhookDetail struct {
	Name     string
	Value    string
	HasValue bool
}

// Detail returns the value of the first AdditionalDetails pair named name
// (case-insensitively).
func (a *WebhookAlert) Detail(name string) (string, bool) {
	for _, d := range a.AdditionalDetails {
		if strings.EqualFold(d.Name, name) {
			return d.Value, d.HasValue
		}
	}
	return "", false
}

// IsTest reports whether this is the Console's test event.
func (a *WebhookAlert) IsTest() bool { return a.Kind == WebhookTest }

// webhookWire is the generic webhook object with its drifting types.
type webhookWire struct {
	AlertType          lenient.String  `json:"AlertType"`
	Description        lenient.String  `json:"Description"`
	Intro              lenient.String  `json:"Intro"`
	Timestamp          lenient.String  `json:"Timestamp"`
	IncidentHash       lenient.String  `json:"IncidentHash"`
	SourceIP           lenient.String  `json:"SourceIP"`
	ReverseDNS         lenient.String  `json:"ReverseDNS"`
	LogType            lenient.Text    `json:"LogType"`
	Flock              lenient.String  `json:"Flock"`
	FlockID            lenient.String  `json:"FlockID"`
	MatchedAnnotations lenient.Text    `json:"MatchedAnnotations"`
	AdditionalDetails  json.RawMessage `json:"AdditionalDetails"`
	CanaryName         lenient.String  `json:"CanaryName"`
	CanaryID           lenient.String  `json:"CanaryID"`
	CanaryIP           lenient.String  `json:"CanaryIP"`
	CanaryLocation     lenient.String  `json:"CanaryLocation"`
	CanaryPort         lenient.SoftInt `json:"CanaryPort"`
	Token              lenient.String  `json:"Token"`
	Reminder           lenient.String  `json:"Reminder"`
	Memo               lenient.String  `json:"Memo"`
	Triggered          lenient.SoftInt `json:"Triggered"`

	// Wrappers: Splunk HEC and console-audit.
	Event   json.RawMessage `json:"event"`
	Type    lenient.String  `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type auditWire struct {
	Timestamp           lenient.String `json:"timestamp"`
	Message             lenient.String `json:"message"`
	ActionType          lenient.String `json:"action_type"`
	FlockID             lenient.String `json:"flock_id"`
	FlockName           lenient.String `json:"flock_name"`
	User                lenient.String `json:"user"`
	UserIP              lenient.String `json:"user_ip"`
	UserBrowserAgent    lenient.String `json:"user_browser_agent"`
	UserBrowserLanguage lenient.String `json:"user_browser_language"`
	UserAccessRoute     lenient.String `json:"user_access_route"`
}

// ParseWebhook reads one Console webhook body (at most MaxWebhookBytes)
// and decodes it. Errors match ErrInvalidWebhook or ErrWebhookTooLarge and
// never quote the body.
//
// Canary API docs: https://docs.canary.tools/webhooks/generic.html
func ParseWebhook(r io.Reader) (*WebhookAlert, error) {
	return parseWebhookFrom(r, MaxWebhookBytes)
}

func parseWebhookFrom(r io.Reader, limit int64) (*WebhookAlert, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no body", ErrInvalidWebhook)
	}
	b, err := rest.ReadCapped(r, limit)
	var mbe *http.MaxBytesError
	if errors.Is(err, rest.ErrBodyTooLarge) || errors.As(err, &mbe) {
		return nil, fmt.Errorf("%w: more than %d bytes (a Console alert is a few KiB)", ErrWebhookTooLarge, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", ErrInvalidWebhook, err)
	}
	return parseWebhook(b)
}

func parseWebhook(b []byte) (*WebhookAlert, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrInvalidWebhook)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("%w: want a JSON object", ErrInvalidWebhook)
	}
	var w webhookWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidWebhook, describeJSONError(err))
	}
	splunk := false
	if ev := bytes.TrimSpace(w.Event); len(ev) > 0 && ev[0] == '{' && w.AlertType == "" {
		// Splunk HEC: {"sourcetype": "canary_alerts", "event": {...}}.
		b, splunk = ev, true
		w = webhookWire{}
		if err := json.Unmarshal(b, &w); err != nil {
			return nil, fmt.Errorf("%w: Splunk event: %s", ErrInvalidWebhook, describeJSONError(err))
		}
	}
	a := &WebhookAlert{SplunkWrapped: splunk, Raw: append(json.RawMessage(nil), b...)}
	if w.Type == "console-audit" {
		return a, a.fillAudit(w.Payload)
	}
	details, err := decodeDetails(w.AdditionalDetails)
	if err != nil {
		return nil, err
	}
	*a = WebhookAlert{
		AlertType:          string(w.AlertType),
		Description:        string(w.Description),
		Intro:              string(w.Intro),
		TimestampText:      string(w.Timestamp),
		IncidentHash:       string(w.IncidentHash),
		SourceIP:           string(w.SourceIP),
		ReverseDNS:         string(w.ReverseDNS),
		LogType:            string(w.LogType),
		Flock:              firstNonEmpty(string(w.Flock), string(w.FlockID)),
		MatchedAnnotations: string(w.MatchedAnnotations),
		AdditionalDetails:  details,
		SplunkWrapped:      a.SplunkWrapped,
		Raw:                a.Raw,
	}
	if t, err := lenient.ParseEpoch(a.TimestampText); err == nil {
		a.Timestamp = t
	}
	token := firstNonEmpty(string(w.Token), string(w.Reminder), string(w.Memo))
	switch {
	case w.AlertType == "CanarytokenIncident" || (w.AlertType == "" && token != ""):
		a.Kind = WebhookCanarytokenIncident
	case w.AlertType == "CanaryIncident" || (w.AlertType == "" && w.CanaryID != ""):
		a.Kind = WebhookCanaryIncident
	case w.AlertType != "":
		a.Kind = WebhookKind(w.AlertType) // a type this SDK does not know yet
	default:
		return nil, fmt.Errorf("%w: no AlertType, CanaryID or Token; this is not a Console webhook alert", ErrInvalidWebhook)
	}
	if a.Kind == WebhookCanarytokenIncident || token != "" {
		a.Canarytoken = &WebhookCanarytoken{
			Token: string(w.Token), Reminder: firstNonEmpty(string(w.Reminder), string(w.Memo)), Triggered: int(w.Triggered),
		}
	}
	if a.Kind != WebhookCanarytokenIncident || w.CanaryID != "" {
		a.Canary = &WebhookCanary{
			Name: string(w.CanaryName), ID: string(w.CanaryID), IP: string(w.CanaryIP),
			Location: string(w.CanaryLocation), Port: int(w.CanaryPort),
		}
	}
	if w.CanaryID == testNodeID || a.Flock == testFlock {
		a.Kind = WebhookTest
	}
	return a, nil
}

func (a *WebhookAlert) fillAudit(payload json.RawMessage) error {
	a.Kind = WebhookConsoleAudit
	var p auditWire
	if len(bytes.TrimSpace(payload)) > 0 {
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("%w: console-audit payload: %s", ErrInvalidWebhook, describeJSONError(err))
		}
	}
	a.Audit = &WebhookAudit{
		Message: string(p.Message), ActionType: string(p.ActionType), FlockID: string(p.FlockID),
		FlockName: string(p.FlockName), User: string(p.User), UserIP: string(p.UserIP),
		UserBrowserAgent: string(p.UserBrowserAgent), UserBrowserLanguage: string(p.UserBrowserLanguage),
		UserAccessRoute: string(p.UserAccessRoute),
	}
	a.TimestampText = string(p.Timestamp)
	a.Description = a.Audit.Message
	a.Flock = a.Audit.FlockID
	if t, err := time.Parse(time.RFC3339Nano, a.TimestampText); err == nil {
		a.Timestamp = t.UTC()
		a.Audit.Timestamp = a.Timestamp
	} else if t, err := lenient.ParseEpoch(a.TimestampText); err == nil {
		a.Timestamp, a.Audit.Timestamp = t, t
	}
	return nil
}

// decodeDetails reads AdditionalDetails: a list of [name, value] arrays;
// null or missing is no details; items that are not arrays are skipped.
func decodeDetails(raw json.RawMessage) ([]WebhookDetail, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, fmt.Errorf("%w: AdditionalDetails is not a list", ErrInvalidWebhook)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%w: AdditionalDetails: %s", ErrInvalidWebhook, describeJSONError(err))
	}
	out := make([]WebhookDetail, 0, len(items))
	for _, it := range items {
		var p lenient.Pair
		if p.UnmarshalJSON(it) != nil || (p.Name == "" && !p.HasValue) {
			continue
		}
		out = append(out, WebhookDetail{Name: p.Name, Value: p.Value, HasValue: p.HasValue})
	}
	return out, nil
}

// describeJSONError says what is wrong without quoting the payload.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Error(), "unexpected end") {
			return fmt.Sprintf("truncated JSON (ends at byte %d)", se.Offset)
		}
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s has an unexpected %s", te.Field, te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated JSON"
	}
	return "a field has a value of an unexpected type"
}
