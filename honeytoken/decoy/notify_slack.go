package decoy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Slack is a Notifier that posts each alert to a Slack incoming webhook as a
// readable message: a headline with the masked token, the client address and
// the count, then the details (format, where it was found, request, user
// agent, location, memo, time). Request content is escaped for Slack's
// markup, so it cannot mention a channel, forge a link or break formatting.
type Slack struct{ p *poster }

// NewSlack returns a notifier for a Slack incoming webhook URL
// (https://hooks.slack.com/services/…). The URL is a secret: its path never
// appears in an error or a log line.
func NewSlack(webhookURL string, opts ...WebhookOption) (*Slack, error) {
	p, err := newPoster("slack", webhookURL, opts)
	if err != nil {
		return nil, err
	}
	return &Slack{p: p}, nil
}

// Name is "slack".
func (s *Slack) Name() string { return "slack" }

// Notify posts a.
func (s *Slack) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(slackMessage(a))
	if err != nil {
		return Permanent(fmt.Errorf("decoy: encoding Slack message: %w", err))
	}
	return s.p.post(ctx, body, a.ID)
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type   string      `json:"type"`
	Text   *slackText  `json:"text,omitempty"`
	Fields []slackText `json:"fields,omitempty"`
}

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackEscape escapes Slack's control characters (&, <, >) and backticks, so
// that request content stays plain text inside the message.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}

func slackMessage(a Alert) slackPayload {
	h := a.Hit
	times := "1 hit"
	if a.Count > 1 {
		times = fmt.Sprintf("%d hits", a.Count)
	}
	ip := h.RemoteIP.String()
	what := "Honeytoken used"
	if a.FollowUpOf != "" {
		what = "Honeytoken used again"
		times = strings.Replace(times, "hit", "more hit", 1)
	}
	headline := fmt.Sprintf("%s: %s `%s` from %s (%s)", what, slackEscape(string(h.Format)),
		slackEscape(h.Token), slackEscape(ip), times)
	found := string(h.Found.Kind)
	if h.Found.Name != "" {
		found += " " + h.Found.Name
	}
	if h.Found.Encoding != "" {
		found += " (" + h.Found.Encoding + ")"
	}
	fields := []slackText{
		{"mrkdwn", "*Token id*\n" + slackEscape(h.TokenID)},
		{"mrkdwn", "*Found in*\n" + slackEscape(found)},
		{"mrkdwn", "*Request*\n" + slackEscape(h.Method+" "+h.Path)},
		{"mrkdwn", "*Source*\n" + slackEscape(ip)},
		{"mrkdwn", "*User agent*\n" + slackEscape(orDash(h.UserAgent))},
		{"mrkdwn", "*Seen*\n" + a.FirstSeen.UTC().Format(time.RFC3339) + lastSeen(a)},
	}
	if h.Location != "" {
		fields = append(fields, slackText{"mrkdwn", "*Planted at*\n" + slackEscape(h.Location)})
	}
	if h.Memo != "" {
		fields = append(fields, slackText{"mrkdwn", "*Memo*\n" + slackEscape(h.Memo)})
	}
	if h.Geo != nil && h.Geo.Country != "" {
		fields = append(fields, slackText{"mrkdwn", "*Location*\n" + slackEscape(strings.Trim(h.Geo.City+", "+h.Geo.Country, ", "))})
	}
	if len(fields) > 10 { // Slack's limit per section
		fields = fields[:10]
	}
	return slackPayload{
		Text: ":rotating_light: " + headline,
		Blocks: []slackBlock{
			{Type: "section", Text: &slackText{"mrkdwn", ":rotating_light: *" + headline + "*"}},
			{Type: "section", Fields: fields},
		},
	}
}

func lastSeen(a Alert) string {
	if a.Count > 1 && a.LastSeen.After(a.FirstSeen) {
		return " – " + a.LastSeen.UTC().Format(time.RFC3339)
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
