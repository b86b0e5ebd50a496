// Command canary-agent drives a Thinkst Canary Console from the command
// line: check the connection, list and create Canarytokens, read and
// acknowledge alerts, download token files, and audit how well the tokens
// cover you.
//
//	canary-agent [--console DOMAIN | --base-url URL] [--auth-token TOKEN] [--json] [--demo] COMMAND [ARGS]
//
// Commands:
//
//	ping                                   check the Console and the auth token
//	list [--kind K]                        list every token
//	alerts [--newer-than 24h] [--unacked]  list incidents
//	create --kind K --memo M [--file F]    create a token (--cloned-web, --redirect-url, --process-name for the kinds that need them)
//	coverage [--markdown]                  tokens by kind, missing recommended kinds, coverage score
//	full [--markdown]                      coverage plus token hygiene, incidents, top source IPs and findings
//	ack KEY                                acknowledge an incident
//	delete ID [--clear-incidents]          delete a token (or, given an incident key, the incident)
//	download ID [-o FILE]                  save a token's file (.docx, .pdf, .png, .reg, .zip, ...)
//
// The auth token can come from the CANARY_AUTH_TOKEN environment variable,
// which keeps it out of shell history. --demo runs the command against an
// in-process fake Console (package canarytest) seeded with a realistic
// estate, so
//
//	go run ./examples/canary-agent --demo full
//
// works offline. Exit status: 0 success, 1 failure (the Console refused or
// could not be reached), 2 usage error (bad flags, a missing token, an
// unknown kind).
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
