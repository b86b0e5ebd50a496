// Package hook connects package decoy to a fast path of package honeytoken
// that is not part of honeytoken's API.
package hook

// Has, set by package honeytoken, returns a function that reports whether the
// *honeytoken.Generator det recognises s, as Recognize does but without
// building the Match; with auth set (s comes from an Authorization header) it
// does not try s as an AWS secret access key, which no client sends there. It
// returns nil when det is anything else.
var Has func(det any) func(s string, auth bool) bool
