// Command honeytoken-decoy mints honeytokens into the files where real
// credentials live, serves a decoy API that catches their use, and prints
// each hit.
//
//	honeytoken-decoy [--demo] [--dir DIR] [--addr HOST:PORT] [--key-file FILE] [--hits FILE]
//	                 [--webhook URL] [--slack-webhook URL] [--trusted-proxy CIDR,...]
//
// It writes a .env file (GitHub and OpenAI tokens), a config.json (a Stripe
// secret key) and .aws/credentials (an AWS key pair) into DIR (default: a new
// temporary folder), records them in a registry, and serves a decoy API on
// ADDR (default 127.0.0.1:8080; 127.0.0.1:0 with --demo). Every request
// carrying one of the tokens, in any header, cookie, query parameter or body,
// is printed with the token masked, logged to stderr, appended to the --hits
// file, and sent to the webhooks given.
//
// --demo also plays the attacker, as in
//
//	curl -X GET -H "Authorization: Bearer <token from .env>" http://127.0.0.1:PORT/api
//
// sending one clean request and three with the minted tokens, then exits:
//
//	go run ./examples/honeytoken-decoy --demo
//
// The generator key is read from --key-file (32 or more bytes, raw or hex);
// without it, from decoykit/honeytoken-decoy.key in the user config folder.
// A missing key file is created with a fresh key (mode 0600), so the decoy
// can be restarted with the same tokens; it is never kept inside DIR, next
// to the bait. Nor is the alert log: --hits, default
// decoykit/honeytoken-decoy/hits.jsonl in the user state folder
// ($XDG_STATE_HOME, default ~/.local/state; the local application data
// folder on Windows; Application Support on macOS), holds memos such as
// "decoy GitHub token in .env" and the attackers' addresses, which would
// tell anyone listing DIR that its credentials are decoys. A demo without
// --hits keeps it in a temporary folder it removes. Exit status: 0 success,
// 1 failure, 2 usage error.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
