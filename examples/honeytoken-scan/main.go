// Command honeytoken-scan hunts a generator's honeytokens in files, folders
// or standard input, in the manner of `gitleaks detect` but for our own
// decoys: a decoy that shows up in a proxy log, a CloudTrail export, a ticket
// or a paste dump was used or leaked.
//
//	honeytoken-scan [--key-file FILE] [--retired-key-file FILE ...] [--registry FILE] [--json] [PATH ...]
//
// Each PATH is a file or a folder (scanned recursively, .git skipped); "-" or
// no PATH reads standard input. Files are streamed window by window
// (Generator.ScanReader), so a 100 GB log is scanned in bounded memory, and
// tokens are found in plain text and base64, URL or JSON-escaped forms.
//
// Each hit is printed with its file, line, format and token id, the token
// masked, and, with --registry (a honeytoken.OpenFileStore file), the
// location and memo it was planted with:
//
//	logs/proxy.log:1042: github-classic ghp_12…  id=4f1c… encoding=base64 location="ci/.env" memo="CI runner"
//
// --json prints one JSON object per hit instead (file, line, start, end,
// format, part, id, strength, encoding, retired, and the registry's
// location, memo, labels and status).
//
// The generator key is read from --key-file (32+ bytes, raw or hex; default:
// the key honeytoken-decoy keeps in the user config folder); decoys minted
// under a key rotated out since are found with --retired-key-file. Exit status: 0
// no decoy found, 1 a decoy was found, 2 usage error, 3 failure (a key, a
// registry or an input could not be read; what could be scanned was).
//
//	go run ./examples/honeytoken-scan --key-file decoy.key /var/log/nginx
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
