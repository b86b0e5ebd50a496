// Package internal groups decoykit's shared plumbing. Nothing under it is part
// of the public API:
//
//   - rest: one HTTP sender for every API client (request building, host-pinned
//     auth, retries with backoff, Retry-After, body caps, slog logging, redaction)
//   - pager: the generic lazy cursor pager behind every All iterator
//   - lenient: JSON scalars that accept the Console's strings-for-numbers quirks
//   - multipartx: a streaming multipart/form-data body
//   - redact: secret and URL redaction for errors and logs
//   - textsafe: the one rule for printing outside text (escape or replace
//     control, bidi and zero-width runes), used by decoy and audit
package internal
