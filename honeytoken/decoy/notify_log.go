package decoy

import (
	"context"
	"log/slog"
)

// LogNotifier returns a Notifier that writes each alert to l as one
// structured record at Warn ("honeytoken used"), with the alert id, count,
// first and last time, token id, format, masked token, where it was found,
// client address, method, path, user agent, location and memo. Every value
// from the request is already sanitised. A nil l uses slog.Default().
func LogNotifier(l *slog.Logger) Notifier { return &logNotifier{l: l} }

type logNotifier struct{ l *slog.Logger }

func (n *logNotifier) Name() string { return "slog" }

func (n *logNotifier) Notify(ctx context.Context, a Alert) error {
	l := n.l
	if l == nil {
		l = slog.Default()
	}
	attrs := append([]slog.Attr{slog.String("alert_id", a.ID), slog.Int("count", a.Count),
		slog.Time("first_seen", a.FirstSeen), slog.Time("last_seen", a.LastSeen)}, hitAttrs(a.Hit)...)
	if a.FollowUpOf != "" {
		attrs = append(attrs, slog.String("follow_up_of", a.FollowUpOf))
	}
	if a.Hit.Geo != nil && a.Hit.Geo.Country != "" {
		attrs = append(attrs, slog.String("country", Sanitize(a.Hit.Geo.Country, 8)))
	}
	l.LogAttrs(ctx, slog.LevelWarn, "honeytoken used", attrs...)
	return nil
}
