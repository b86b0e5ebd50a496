// Package decoy catches the use of honeytokens over HTTP.
//
// [Handler] is a decoy API endpoint: it answers every request with a
// configurable, convincing response (a 401 that looks like a real API, a 200
// JSON body, an optional delay), and checks each request for honeytokens in the
// Authorization header (Bearer, Basic, token), X-API-Key-style headers,
// cookies, the query string and the first bytes of the body. An AWS secret
// access key is looked for in all of these but the fields of an Authorization
// or Proxy-Authorization header as sent: no client sends one there (AWS SigV4
// sends the key id, Credential=AKIA…, which is caught; the secret only signs),
// and a 40-character bearer would otherwise cost a keyed check on every
// request. A secret in a Basic credential or any other header is caught.
//
// [Middleware] wraps a real API: a request without a honeytoken reaches the
// real handler untouched and with negligible overhead; one with a honeytoken
// is recorded and answered by the decoy response (or passed on, with
// [WithPassThrough]).
//
// Each honeytoken found becomes a [Hit]: the token's id and format, where in the
// request it was found, its location and memo from a [Registry], the client
// address (X-Forwarded-For is only believed from [WithTrustedProxies]), the
// user agent, method, path, selected headers with secrets masked, and an
// optional geolocation filled by a [GeoLocator] you supply. Every string taken
// from the request is sanitised (control characters escaped, length capped),
// and the honeytoken itself is masked except for a short prefix.
//
// Hits go to a [Recorder]. The [Dispatcher] is the recorder to use in
// production: it never blocks the request path, delivers the first hit of a
// token from an address at once and folds the rest of a flood within a window
// into one follow-up [Alert] with a count, delivers alerts to [Notifier]s from
// a bounded queue with retries and backoff, counts and logs (to slog.Default()
// unless told otherwise) anything it has to drop, and closes like
// http.Server: Shutdown(ctx) drains what is queued, Close stops at once. Its
// counters are an expvar.Var: expvar.Publish("decoy", dispatcher). Notifiers
// included: [LogNotifier] (slog), [Webhook] (generic JSON with custom headers),
// [Slack] (incoming webhook) and [JSONLines] (a file).
package decoy
