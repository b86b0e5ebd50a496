// Package canarytest is an in-process fake Thinkst Canary Console, like
// net/http/httptest for the Console API: NewServer starts it on a loopback
// port, Server.URL is its root (Server.BaseURL the API root, URL+"/api/v1"),
// Server.Client returns a ready *canary.Client, Server.HTTPClient the
// *http.Client for raw requests, and Close stops it. Options are checked
// when the server starts: NewServer panics on an invalid one.
//
// The fake answers the endpoints package canary calls, with the response
// shapes and quirks documented at https://docs.canary.tools: string booleans
// ("True"), epoch strings ("1586249623"), incidents in three shapes (feed,
// fetch, search), ascending updated_id with max_updated_id and
// incidents_since, newer_than/older_than as yyyy-mm-dd-hh:mm:ss, opaque
// base64 cursors that carry the query (so follow-up pages send only the
// cursor), the {"result":"error","message":...} envelope, and
// authentication by the X-Canary-Auth-Token header ("Unauthorized") or the
// auth_token parameter ("Invalid auth_token"). It keeps state: tokens,
// incidents, acknowledgement, and the Console's rules, such as refusing to
// delete a token that still has incidents unless clear_incidents is set.
// Creating a file-based token takes a multipart upload in the kind's own
// field (doc, pdf, web_image, exe), and downloads come with
// Content-Disposition.
//
// Tests drive it from the outside: Trigger fires a token from an IP address
// and creates a realistic incident, Seed creates an estate of any size, and
// WithFaultRate and WithLatency inject the failures a client's retries must
// survive. A Server is safe for concurrent use.
//
// Errors come as the Console's envelope with HTTP 400, 401, 404 or 405;
// WithErrorsOnHTTP200 sends them all with HTTP 200 instead, as some Console
// endpoints do, so a client's handling of both can be tested.
//
// Where the docs speak, the fake follows them: a bulk incident action
// (acknowledge, unacknowledge, delete) takes any one of its six optional
// filters (flock_id, node_id, src_host, older_than as a period such as 1d,
// filter_str, filter_logtypes); tz on the incident feeds and /incident/fetch
// sets the time zone of the *_std fields; a create naming a flock that does
// not exist is refused ("Flock does not exist."): "flock:default" exists,
// WithFlocks declares others, and AddToken and Seed create theirs.
//
// Behaviour the documentation does not pin down is marked as such in the
// source; the fake follows the most plausible reading and is not a
// specification of the real Console. Among it: the keys a bulk action
// returns are those of every incident it matched, including one already in
// the requested state; an unknown tz is refused ("Parameter tz was
// invalid."); the message for a bulk action without a filter; whether
// include_unacknowledged alone counts as a filter (here it does not).
package canarytest
