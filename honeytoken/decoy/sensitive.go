package decoy

import (
	"fmt"
	"log/slog"
)

// A Webhook or Slack notifier holds its URL, whose path and query are
// secrets (Slack, Discord and Teams put their token there), and custom
// header values. These methods make every way of printing one (%v, %+v, %#v,
// %s, slog's text and JSON handlers) show the scheme and host only.

func (p *poster) describe(typ string) string {
	if p == nil {
		return "decoy." + typ + "{}"
	}
	return fmt.Sprintf("decoy.%s{URL: %q}", typ, p.host+"/[REDACTED]")
}

func (p *poster) logValue() slog.Value {
	if p == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.String("notifier", p.name), slog.String("url", p.host+"/[REDACTED]"))
}

// String names the notifier and its host; the URL's path and query and the
// header values are secrets and are not shown.
func (w Webhook) String() string { return w.p.describe("Webhook") }

// GoString is String, for %#v.
func (w Webhook) GoString() string { return w.String() }

// Format implements fmt.Formatter: every verb prints String.
func (w Webhook) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(w.String())) }

// LogValue implements slog.LogValuer: the notifier and its host.
func (w Webhook) LogValue() slog.Value { return w.p.logValue() }

// String names the notifier and its host; the webhook URL's path is a
// secret and is not shown.
func (s Slack) String() string { return s.p.describe("Slack") }

// GoString is String, for %#v.
func (s Slack) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String.
func (s Slack) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer: the notifier and its host.
func (s Slack) LogValue() slog.Value { return s.p.logValue() }
