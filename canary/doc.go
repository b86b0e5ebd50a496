// Package canary is a client for the Thinkst Canary Console REST API
// (https://<domain>.canary.tools/api/v1): Canarytokens, incidents, the
// Console's alert webhooks, and the estate: Canary devices (Devices),
// flocks and their API keys (Flocks), Canarytoken factories (Factories and
// FactoryClient), the audit trail (AuditTrail) and the ignore lists
// (Settings).
//
//	c, err := canary.NewClient(canary.WithDomain("abc123"), canary.WithAuthToken(tok))
//	tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "web server"})
//	for t, err := range c.Tokens.All(ctx, nil) { ... }
//	dead, err := c.Devices.List(ctx, &canary.ListDevicesOptions{Status: canary.DeviceDead})
//
// # Least privilege
//
// A FactoryClient holds only a factory auth string (Factories.Create) and
// can create and download tokens in that factory's flock, nothing else;
// Flocks.CreateAPIKey makes the key Thinkst now recommends for the same
// job, a canarytoken-deploy flock key, used with NewClient. Factory
// strings, flock API keys, the API key that Settings.Get returns and the
// AWS secrets of Tokens.RemoveS3 are Sensitive or masked like the auth
// token: no error, log line or fmt output holds them.
//
// # Authentication
//
// The auth token travels only in the X-Canary-Auth-Token header, only to the
// configured host. Redirects to another host or scheme are refused, plain
// http is refused except to loopback, and the token never appears in an
// error, a log line or the fmt output of a Client. NewClient does no I/O;
// Ping checks the settings.
//
// # Pagination
//
// Lists have List (one page, with its cursor) and All (an iter.Seq2 over
// every item). All is lazy and re-rangeable, stops fetching on break, yields
// an error once and stops, and refuses a cursor the Console repeats. The
// first request carries the filters and limit; later ones only the cursor, as
// the Console expects. The Console's next_link URLs, which carry the auth
// token, are never followed.
//
// # Incident states
//
// Incident lists, searches and the watcher take an IncidentState:
// StateAll, StateUnacknowledged or StateAcknowledged. The zero value means
// StateAll in every call (the Console's own search default, unacknowledged,
// is not inherited).
//
// # Errors
//
// A non-2xx status or a {"result":"error"} body (which the Console also sends
// with HTTP 200) is an *APIError with the status and the Console's message.
// errors.Is matches it against ErrUnauthorized, ErrNotFound,
// ErrInvalidRequest, ErrRateLimited, ErrUnsupported and ErrServer, by status
// and by the Console's documented messages. Bad input is a *ValidationError
// naming the field, returned before anything is sent. Failures below HTTP
// match these sentinels:
//
//   - ErrResponseTooLarge: a body over WithMaxResponseBytes.
//   - ErrRedirectRefused: a redirect to another host or from https to http,
//     which is never followed.
//   - ErrPaginationLoop: a listing was handed a cursor it had already been
//     given, and stopped.
//
// No error, nor anything down its Unwrap chain, holds the auth token: the
// sender masks it before an error is built and keeps no reference to the
// transport's own error values, so printing any of them with %v, %+v or %#v,
// or logging them through slog, cannot reveal it. A failed connection still
// matches its cause with errors.Is (context.DeadlineExceeded,
// syscall.ECONNREFUSED, syscall.ECONNRESET, io.ErrUnexpectedEOF, ...).
//
// # Retries
//
// Connection errors, a response body that fails mid-way (a reset, a body
// shorter than its Content-Length, a chunked body cut off) and HTTP 429,
// 500, 502, 503 and 504 are retried with jittered exponential backoff,
// honouring Retry-After, cut short by ctx, within RetryPolicy.MaxAttempts.
// Only calls that are safe to repeat are retried: reads, enable/disable,
// memo updates, acknowledgements. Creates are never sent twice unless
// RetryPolicy.RetryNonIdempotent says so.
//
// # Uploads
//
// doc-msword, pdf-acrobat-reader, web-image and signed-exe tokens take a file
// (CreateTokenRequest.Upload). The body is multipart/form-data with the
// Console's field name (doc, pdf, web_image, exe); the file's type is checked
// from its first bytes before anything is sent, and its bytes are streamed,
// so large files cost no memory.
//
// # Tracing and metrics
//
// The SDK has no tracing dependency. To trace its HTTP calls with
// OpenTelemetry, give it an *http.Client whose Transport is otelhttp's:
//
//	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}
//	c, err := canary.NewClient(canary.WithDomain("abc123"), canary.WithAuthToken(tok), canary.WithHTTPClient(hc))
//
// Every request, retries included, then gets its own span. Any
// http.RoundTripper middleware works the same way (see the
// WithHTTPClient tracing example). Do not record request headers: the auth
// token travels in X-Canary-Auth-Token.
//
// # Lenient decoding
//
// The Console sends "True", "1586249623" and "80" as strings and numbers as
// strings or ints. They decode into bool, time.Time and int; Token.Raw keeps
// the object as sent.
package canary
