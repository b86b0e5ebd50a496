package canary

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Sensitive holds a secret the Console returns, such as the secret half of
// an aws-id token or a factory auth string. It prints as [REDACTED] through
// fmt (every verb) and slog; Reveal returns the value. JSON encoding keeps the
// real value, so a token saved with encoding/json can be deployed later.
type Sensitive string

const redacted = "[REDACTED]"

// Reveal returns the secret.
func (s Sensitive) Reveal() string { return string(s) }

// String returns [REDACTED] (or "" for an empty secret).
func (s Sensitive) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a redacted Go-syntax form.
func (s Sensitive) GoString() string { return `canary.Sensitive("` + s.String() + `")` }

// Format implements fmt.Formatter so that no verb prints the secret.
func (s Sensitive) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue implements slog.LogValuer.
func (s Sensitive) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Every type below can carry a secret: each renders redacted through fmt
// (%v, %+v, %s, %#v, ...) and slog (text and JSON handlers, via LogValue).
// encoding/json is unchanged, so a value saved with it keeps what it holds.

// redactFields prints v, a methodless copy of a type whose secrets have been
// replaced, with the verb and flags of f; %#v names the type as typeName.
func redactFields(f fmt.State, verb rune, v any, methodless, typeName string) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, strings.Replace(fmt.Sprintf("%#v", v), methodless, typeName, 1))
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), v)
}

// tokenFields is Token without its methods.
type tokenFields Token

// redacted returns a copy with the secrets masked: SecretAccessKey and
// FactoryAuth print as [REDACTED] by themselves; every Renders value (the
// aws-id credentials file holds the secret key, wg_conf a private key) is
// masked and Raw, the object as sent, is dropped.
func (t Token) redacted() tokenFields {
	c := tokenFields(t)
	if len(t.Renders) > 0 {
		c.Renders = make(map[string]string, len(t.Renders))
		for k := range t.Renders {
			c.Renders[k] = redacted
		}
	}
	c.Raw = nil
	return c
}

// Format implements fmt.Formatter: every verb prints the token with its
// secrets (SecretAccessKey, FactoryAuth, Renders, Raw) masked.
func (t Token) Format(f fmt.State, verb rune) {
	redactFields(f, verb, t.redacted(), "canary.tokenFields", "canary.Token")
}

// GoString is the %#v form, secrets masked.
func (t Token) GoString() string { return fmt.Sprintf("%#v", t) }

// LogValue implements slog.LogValuer: the token's identity and state, no
// secret.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", t.ID), slog.String("kind", string(t.Kind)),
		slog.String("memo", t.Memo), slog.Bool("enabled", t.Enabled), slog.String("flock_id", t.FlockID),
		slog.String("node_id", t.NodeID), slog.Int("triggered_count", t.TriggeredCount))
}

// createFields is CreateTokenRequest without its methods.
type createFields CreateTokenRequest

// GoString is the %#v form; AWSSecretKey and AWSSessionToken print as
// [REDACTED].
func (r CreateTokenRequest) GoString() string {
	return strings.Replace(fmt.Sprintf("%#v", createFields(r)), "canary.createFields", "canary.CreateTokenRequest", 1)
}

// LogValue implements slog.LogValuer: the kind, memo and flock, never the
// AWS credentials.
func (r CreateTokenRequest) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", string(r.Kind)), slog.String("memo", clip(r.Memo))}
	if r.FlockID != "" {
		attrs = append(attrs, slog.String("flock_id", r.FlockID))
	}
	if r.AWSSecretKey != "" || r.AWSSessionToken != "" {
		attrs = append(attrs, slog.String("aws_credentials", redacted))
	}
	return slog.GroupValue(attrs...)
}

// webhookOptionsFields is WebhookHandlerOptions without its methods.
type webhookOptionsFields WebhookHandlerOptions

// Format implements fmt.Formatter: every verb prints the options with
// AuthValue masked.
func (o WebhookHandlerOptions) Format(f fmt.State, verb rune) {
	c := webhookOptionsFields(o)
	if c.AuthValue != "" {
		c.AuthValue = redacted
	}
	redactFields(f, verb, c, "canary.webhookOptionsFields", "canary.WebhookHandlerOptions")
}

// GoString is the %#v form, AuthValue masked.
func (o WebhookHandlerOptions) GoString() string { return fmt.Sprintf("%#v", o) }

// LogValue implements slog.LogValuer, AuthValue masked.
func (o WebhookHandlerOptions) LogValue() slog.Value {
	return slog.GroupValue(slog.String("auth_header", o.AuthHeader), slog.String("auth_value", redacted),
		slog.Int64("max_body_bytes", o.MaxBodyBytes))
}

// LogValue implements slog.LogValuer: the page's size and position, not its
// items (slog's JSON handler would encode them with encoding/json, which
// keeps a token's secrets). Log items one by one: a *Token logs redacted.
func (p Page[T]) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("items", len(p.Items)), slog.Bool("has_next", p.NextCursor != ""),
		slog.Int("page_number", p.PageNumber), slog.Int("total_results", p.TotalResults))
}
