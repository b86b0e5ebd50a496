// Command canary-agent drives a Thinkst Canary Console from the command
// line: check the connection, list and create Canarytokens, read and
// acknowledge alerts, download token files, and audit how well the tokens
// cover you. It behaves like the tools it sits beside in CI and a SOC
// (gitleaks, trufflehog, gh, kubectl).
//
//	canary-agent [--console DOMAIN | --base-url URL] [--auth-token TOKEN] [-o FORMAT] [--demo] COMMAND [ARGS]
//
// Commands:
//
//	ping                                   check the Console and the auth token
//	list [--kind K]                        list every token
//	alerts [--since 24h] [--all] [--limit 50]
//	                                       unacknowledged incidents, newest first, 50 at most
//	                                       (--all adds acknowledged ones, --limit 0 lifts the bound)
//	create --kind K --memo M [--file F]    create a token (--cloned-web, --redirect-url, --process-name for the kinds that need them)
//	coverage [--fail-on SEVERITY]          tokens by kind, missing recommended kinds, coverage score
//	full [--fail-on SEVERITY]              coverage plus token hygiene, incidents, top source IPs, the estate
//	                                       (Canaries by flock, dead ones, outdated ones) and findings
//	ack KEY                                acknowledge an incident
//	delete ID [--clear-incidents]          delete a token (or, given an incident key, the incident)
//	download ID [-o FILE]                  save a token's file (.docx, .pdf, .png, .reg, .zip, ...)
//	devices [--status all|live|dead] [--flock F]
//	                                       the Canaries: flock, live or dead, version (and whether it is behind), last seen
//	flocks                                 the flocks with their Canaries, tokens and incidents
//	audit-trail [--action A] [--search S] [--after-id N] [--limit 50]
//	                                       the Console's audit trail, newest first
//
// -o/--output chooses table (the default), wide (the long columns too),
// json (--json) or markdown. While listing, progress (pages, items, rate)
// is drawn on stderr, only when stderr is a terminal.
//
// Where the Console and the auth token come from, first match wins:
// --console/--base-url, $CANARY_CONSOLE/$CANARY_BASE_URL, $CANARY_API_DOMAIN;
// --auth-token (- reads stdin) or --auth-token-file, $CANARY_AUTH_TOKEN,
// $CANARY_API_TOKEN; then the canarytools.config the Console offers for
// download, read where Thinkst's Python client reads it
// (~/.canarytools.config, ~/canarytools.config, /etc/canarytools.config) or
// from --config FILE. --demo runs the command against an in-process fake
// Console (package canarytest) seeded with a realistic estate, so
//
//	go run ./examples/canary-agent --demo full
//
// works offline.
//
// Exit status: 0 success; 1 failure (the Console refused or could not be
// reached); 2 usage error (bad flags, no Console or auth token, an unknown
// kind); 3 coverage or full found something at or above --fail-on
// (critical, high, medium or low), as gitleaks' --exit-code and
// trufflehog's --fail; 4 the Console refused the auth token.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
