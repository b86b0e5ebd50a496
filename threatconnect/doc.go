// Package threatconnect is a client for the ThreatConnect REST API (v2 and
// v3), built to push what decoys see (attacker IPs, host names, URLs, e-mail
// addresses, file hashes) into a threat intelligence platform.
//
// # Authentication
//
// NewClient needs the API root and one kind of credentials:
//
//	tc, err := threatconnect.NewClient(
//		threatconnect.WithBaseURL("https://app.threatconnect.com/api"),
//		threatconnect.WithHMAC(accessID, secretKey), // or threatconnect.WithAPIToken(token)
//	)
//
// With WithHMAC every request is signed as the platform does it:
// HMAC-SHA256 over "<path>?<query>:<METHOD>:<unix seconds>", where the path
// and query are exactly the percent-encoded bytes sent on the wire, base64
// encoded, in "Authorization: TC <accessId>:<signature>" with a matching
// "Timestamp" header. The platform refuses timestamps more than five
// minutes off its clock (ErrClockSkew); WithClock injects the clock. With
// WithAPIToken the header is "Authorization: TC-Token <token>". Secrets are
// sent only to the configured host and never appear in errors, logs or fmt
// output of the Client.
//
// # Indicators
//
// Indicators are addressed by type and summary. Create validates before
// sending anything (a *ValidationError names the field: a malformed IP, a
// rating outside 0–5, a confidence outside 0–100, ...), then adds tags,
// attributes and security labels. Get, Update, Delete, AddTag, RemoveTag,
// Tags, AddAttribute, Attributes, AddSecurityLabel, SecurityLabels,
// AddObservations and AssociateGroup cover the rest. Results are pointers
// (*Indicator, *Page[*Indicator]), as in package canary. List returns one
// page, whose NextCursor fetches the next (the platform pages by offset,
// resultStart/resultLimit; the cursor hides that); All iterates over every
// page lazily:
//
//	for ind, err := range tc.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Acme"}) {
//		if err != nil { ... }
//		fmt.Println(ind.Type, ind.Summary)
//	}
//
// # The v3 API
//
// Client.V3 speaks v3 (ThreatConnect 6.0 and later), where new
// integrations are written: one /v3/indicators endpoint for every type, an
// indicator addressed by ID or summary, a create that is an upsert within
// its owner and carries the tags, attributes, security labels and group
// associations in the same request, updates whose collections take
// ModeAppend (the default), ModeReplace or ModeDelete, Fields to expand
// related collections, next links for paging, TQL filters, groups and
// owners:
//
//	ind, err := tc.V3.Indicators.Create(ctx, threatconnect.Indicator{
//		Type: threatconnect.Address, Summary: "203.0.113.7", Tags: []string{"canary"},
//		AssociatedGroups: []threatconnect.GroupRef{incident.Ref()},
//	}, &threatconnect.V3Options{Owner: "Acme"})
//	q := threatconnect.TQLTypeName.In("Address", "Host").And(threatconnect.TQLTag.Eq("canary"))
//	for ind, err := range tc.V3.Indicators.All(ctx, &threatconnect.V3ListOptions{TQL: q}) { ... }
//
// TQL is built from typed conditions (TQLField.Eq, In, Contains, ...,
// joined by And and Or) that quote and escape every value, so user input
// never becomes query syntax. All follows the platform's next links: it
// takes only a link's query, checks that the link names this API's path,
// and sends the query byte for byte to the client's own API root, so the
// signature covers exactly what is sent and a link can never send a signed
// request to another host.
//
// v3 lives in this package, beside v2, rather than in a sub-package,
// because the two share everything but their paths: the credentials, the
// HMAC signer, the transport, retries and redaction, the error types and
// sentinels, and the Indicator, Group, Owner and Page types. One Client
// serves both, so a program writes single indicators through v3 and
// thousands through v2's Batch (still the documented bulk path) with one
// set of credentials. A sub-package would have had to copy the options or
// export the plumbing, and an import path ending in /v3 reads to Go tools
// as a module's major version.
//
// # Batch uploads
//
// Batch.Upload sends thousands of indicators through /v2/batch: per job of
// up to BatchOptions.ChunkSize indicators it creates the job, uploads the
// JSON, polls the status and, if the job reports errors, reads them.
//
// # Errors
//
// The v2 envelope ({"status":"Success"|"Failure","data":...,"message":...}),
// the v3 envelope ({"errCode":"0x1001","message":...,"status":"Error"},
// whose code is APIError.ErrCode) and plain-text error bodies become an
// *APIError, which matches
// ErrUnauthorized, ErrClockSkew, ErrNotFound, ErrInvalidRequest,
// ErrRateLimited and ErrServer with errors.Is. Bad input is a
// *ValidationError, returned before any request is sent. Failures below
// HTTP match these sentinels:
//
//   - ErrResponseTooLarge: a body over WithMaxResponseBytes (256 MiB by
//     default).
//   - ErrRedirectRefused: a redirect to another host or from https to http,
//     which is never followed.
//   - ErrPaginationLoop: Indicators.All was served the same page twice (a
//     server that ignores resultStart), and stopped.
//
// No error, nor anything down its Unwrap chain, holds the secret key or the
// API token: the sender masks them before an error is built and keeps no
// reference to the transport's own error values, so printing any of them
// with %v, %+v or %#v, or logging them through slog, cannot reveal a secret.
// A failed connection still matches its cause with errors.Is
// (context.DeadlineExceeded, syscall.ECONNREFUSED, io.ErrUnexpectedEOF, ...).
//
// # Retries
//
// Connection errors, a response body that fails mid-way and HTTP 429, 500,
// 502, 503 and 504 are retried with jittered exponential backoff, honouring
// Retry-After, within RetryPolicy.MaxAttempts; each attempt is signed
// afresh. Reads, deletes and other calls safe to repeat are retried; creates
// are sent once unless RetryPolicy.RetryNonIdempotent says so.
//
// # Tracing
//
// The SDK has no tracing dependency. To trace its HTTP calls with
// OpenTelemetry, give it an *http.Client whose Transport is otelhttp's:
//
//	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}
//	tc, err := threatconnect.NewClient(threatconnect.WithHMAC(id, key), threatconnect.WithHTTPClient(hc))
//
// Every request, retries included, then gets its own span. Do not record
// request headers: Authorization carries the HMAC signature or API token.
//
// # Testing
//
// Package threatconnect/tctest is an in-process fake of the API that checks
// signatures and timestamps like the platform, stores indicators, tags and
// batch jobs, and paginates. Its Server.Client returns a *Client ready to
// talk to it:
//
//	srv := tctest.NewServer(tctest.WithHMAC(accessID, secretKey))
//	defer srv.Close()
//	tc := srv.Client()
package threatconnect
