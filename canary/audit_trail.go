package canary

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/decoykit/decoykit/internal/lenient"
	"github.com/decoykit/decoykit/internal/rest"
)

// AuditTrailService reads the Console's audit trail: who logged in, changed
// settings, rebooted a device, moved a token, ... (/audit_trail/fetch).
//
// Canary API docs: https://docs.canary.tools/console/audit-trail.html
type AuditTrailService service

// AuditEvent is one entry of the audit trail.
type AuditEvent struct {
	ID int64 `json:"id"`
	// ActionType names the action, e.g. "user_login",
	// "device_schedule_reboot", "flock_move".
	ActionType string    `json:"action_type"`
	Message    string    `json:"message"`
	Timestamp  time.Time `json:"timestamp"`
	// FlockID is the flock the action touched, or "" for Console-wide
	// actions.
	FlockID        string          `json:"flock_id,omitempty"`
	User           string          `json:"user,omitempty"`
	UserIP         string          `json:"user_ip,omitempty"`
	UserAgent      string          `json:"user_browser_agent,omitempty"`
	UserLanguage   string          `json:"user_browser_language,omitempty"`
	AdditionalInfo json.RawMessage `json:"additional_information,omitempty"`
	// Raw is the entry exactly as the Console sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an entry with the Console's loose types.
func (e *AuditEvent) UnmarshalJSON(b []byte) error {
	var w struct {
		ID             lenient.Int     `json:"id"`
		ActionType     lenient.String  `json:"action_type"`
		Message        lenient.String  `json:"message"`
		Timestamp      lenient.Time    `json:"timestamp"`
		FlockID        lenient.String  `json:"flock_id"`
		User           lenient.String  `json:"user"`
		UserIP         lenient.String  `json:"user_ip"`
		UserAgent      lenient.String  `json:"user_browser_agent"`
		UserLanguage   lenient.String  `json:"user_browser_language"`
		AdditionalInfo json.RawMessage `json:"additional_information"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = AuditEvent{ID: int64(w.ID), ActionType: string(w.ActionType), Message: string(w.Message),
		Timestamp: time.Time(w.Timestamp), FlockID: string(w.FlockID), User: string(w.User),
		UserIP: string(w.UserIP), UserAgent: string(w.UserAgent), UserLanguage: string(w.UserLanguage),
		Raw: append(json.RawMessage(nil), b...)}
	if len(w.AdditionalInfo) > 0 && string(w.AdditionalInfo) != "null" {
		e.AdditionalInfo = w.AdditionalInfo
	}
	return nil
}

// AuditTrailOptions filters and pages AuditTrail.List and AuditTrail.All.
type AuditTrailOptions struct {
	// ActionFilter keeps one action type, e.g. "user_login".
	ActionFilter string
	// SearchTerm keeps entries that mention it.
	SearchTerm string
	// AfterID keeps entries with an ID above it: pass the largest ID seen
	// to poll for new entries. It cannot be combined with Cursor.
	AfterID int64
	// StartDate and EndDate bound the entries by day (UTC dates; the time
	// of day is ignored).
	StartDate, EndDate time.Time
	// TZ is the time zone of the Console's timestamps (an IANA name;
	// default UTC). Decoded times are UTC either way.
	TZ string
	// Limit is the page size (the Console's default is 100). It cannot be
	// combined with Cursor.
	Limit int
	// Cursor continues from a previous page's NextCursor.
	Cursor string
}

func (o *AuditTrailOptions) check() error {
	if o.Cursor != "" && o.AfterID != 0 {
		return invalid("AfterID", "cannot be used with Cursor (the Console refuses both); poll with AfterID from the first page")
	}
	if o.Cursor != "" && o.Limit != 0 {
		return invalid("Limit", "cannot be used with Cursor; the cursor keeps the page size")
	}
	if o.AfterID < 0 {
		return invalid("AfterID", "must not be negative")
	}
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return invalid("Limit", "must be between 1 and %d (0 means the Console's default, 100)", MaxPageSize)
	}
	if !o.StartDate.IsZero() && !o.EndDate.IsZero() && o.EndDate.Before(o.StartDate) {
		return invalid("EndDate", "is before StartDate")
	}
	for f, v := range map[string]string{"ActionFilter": o.ActionFilter, "SearchTerm": o.SearchTerm} {
		if strings.ContainsAny(v, "\r\n\x00") {
			return invalid(f, "must not contain control characters")
		}
	}
	return checkTZ("TZ", o.TZ)
}

// query returns the query of the page at cursor. The Console's cursor does
// not hold the filters, so they are sent on every page; limit and after_id
// only on the first (the Console refuses them with a cursor).
func (o *AuditTrailOptions) query(cursor string) (url.Values, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if cursor == "" {
		cursor = o.Cursor
	}
	q := url.Values{}
	setNonEmpty(q, "action_filter", o.ActionFilter)
	setNonEmpty(q, "search_term", o.SearchTerm)
	if !o.StartDate.IsZero() {
		q.Set("start_date", o.StartDate.UTC().Format(time.DateOnly))
	}
	if !o.EndDate.IsZero() {
		q.Set("end_date", o.EndDate.UTC().Format(time.DateOnly))
	}
	setNonEmpty(q, "tz", o.TZ)
	if cursor != "" {
		q.Set("cursor", cursor)
		return q, nil
	}
	if o.AfterID > 0 {
		q.Set("after_id", strconv.FormatInt(o.AfterID, 10))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q, nil
}

// auditPageWire is the body of /audit_trail/fetch. An empty trail may come
// as "audit_trail": null.
type auditPageWire struct {
	envelope
	Events     []*AuditEvent `json:"audit_trail"`
	Cursor     *cursorWire   `json:"cursor"`
	PageCount  lenient.Int   `json:"page_count"`
	PageNumber lenient.Int   `json:"page_number"`
}

func (w *auditPageWire) page() *Page[*AuditEvent] {
	p := &Page[*AuditEvent]{Items: make([]*AuditEvent, 0, len(w.Events)),
		NextCursor: w.Cursor.next(), PrevCursor: w.Cursor.prev(),
		PageNumber: int(w.PageNumber), TotalPages: int(w.PageCount)}
	for _, e := range w.Events {
		if e != nil {
			p.Items = append(p.Items, e)
		}
	}
	return p
}

// decodeAuditPage decodes an audit trail page with encoding/json (the trail
// is small next to the token and incident listings: no fast decoder).
func decodeAuditPage(c *Client, r rest.Request, status int, body []byte) (*Page[*AuditEvent], error) {
	var w auditPageWire
	if err := c.decode(r, status, body, &w); err != nil {
		return nil, err
	}
	return w.page(), nil
}

// List returns one page of the audit trail, newest first (GET
// /audit_trail/fetch). Page.TotalPages is the Console's page_count.
//
// Canary API docs: https://docs.canary.tools/console/audit-trail.html#fetch-audit-trail-logs
//
//meta:operation GET /api/v1/audit_trail/fetch
func (s *AuditTrailService) List(ctx context.Context, opts *AuditTrailOptions) (*Page[*AuditEvent], error) {
	var o AuditTrailOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query("")
	if err != nil {
		return nil, err
	}
	return fetchPage(ctx, s.client, "/audit_trail/fetch", q, decodeAuditPage, nil)
}

// All iterates over every entry of the audit trail that opts selects,
// newest first, page by page, resending the filters with each cursor. To
// poll for new entries, set AfterID to the largest ID seen so far. Bad
// options are yielded as the only item, before any I/O.
//
// Canary API docs: https://docs.canary.tools/console/audit-trail.html#fetch-audit-trail-logs
//
//meta:operation GET /api/v1/audit_trail/fetch
func (s *AuditTrailService) All(ctx context.Context, opts *AuditTrailOptions) iter.Seq2[*AuditEvent, error] {
	var o AuditTrailOptions
	if opts != nil {
		o = *opts
	}
	return listAll(ctx, s.client, "/audit_trail/fetch", o.query, decodeAuditPage)
}
