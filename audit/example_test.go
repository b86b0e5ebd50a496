package audit_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/decoykit/decoykit/audit"
	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

func ExampleCoverage() {
	srv := canarytest.NewServer() // a fake Console; use canary.NewClient for a real one
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	for _, k := range []canary.Kind{canary.KindHTTP, canary.KindDNS, canary.KindAWSID} {
		if _, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: k, Memo: "example " + string(k) + " token"}); err != nil {
			log.Fatal(err)
		}
	}

	cov, err := audit.Coverage(ctx, audit.FromClient(c), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("score %v%% (%d tokens, %d enabled)\n", cov.Coverage.ScorePercent, cov.Coverage.Tokens, cov.Coverage.Enabled)
	fmt.Println("missing:", cov.Coverage.Missing)
	for _, f := range cov.Findings[:3] {
		fmt.Printf("[%s] %s\n", f.Severity, f.Recommendation)
	}
	// Output:
	// score 30% (3 tokens, 3 enabled)
	// missing: [doc-msword pdf-acrobat-reader web-image cloned-web qr-code sensitive-cmd windows-dir]
	// [medium] deploy a doc-msword token
	// [medium] deploy a pdf-acrobat-reader token
	// [medium] deploy a web-image token
}

func ExampleFull() {
	clock := func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }
	srv := canarytest.NewServer(canarytest.WithClock(clock))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	web, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "wiki page 'Salaries'"})
	if err != nil {
		log.Fatal(err)
	}
	keys, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindAWSID, Memo: "~/.aws/credentials on build-01"})
	if err != nil {
		log.Fatal(err)
	}
	// An intruder at 203.0.113.7 opens the wiki page twice, then tries the keys.
	for _, id := range []string{web.ID, web.ID, keys.ID} {
		if _, err := srv.Trigger(id, "203.0.113.7"); err != nil {
			log.Fatal(err)
		}
	}

	rep, err := audit.Full(ctx, audit.FromClient(c), &audit.Options{Now: clock})
	if err != nil {
		log.Fatal(err)
	}
	in := rep.Incidents
	fmt.Printf("%d incidents, %d unacknowledged, from %d source IP\n", in.Total, in.Unacknowledged, in.Sources.Distinct)
	fmt.Printf("repeat source: %s hit %d tokens\n", in.RepeatSources[0].IP, in.RepeatSources[0].TokensHit)
	for _, f := range rep.Findings[:3] {
		fmt.Printf("[%s] %s\n", f.Severity, f.Recommendation)
	}
	// Output:
	// 3 incidents, 3 unacknowledged, from 1 source IP
	// repeat source: 203.0.113.7 hit 2 tokens
	// [critical] investigate 203.0.113.7 as a likely intruder working through the estate, then acknowledge its 3 unacknowledged incidents
	// [high] acknowledge or investigate the 3 unacknowledged incidents, starting with the sources below
	// [medium] deploy a dns token
}

func ExampleFromJSON() {
	// Saved Console data: a JSON array of tokens, JSON Lines of incidents.
	tokens := `[{"canarytoken": "t1", "kind": "dns", "memo": "hosts file on dc02", "enabled": true, "node_id": "n1", "created": "1763000000"}]`
	incidents := `{"id": "incident:1", "node_id": "n1", "src_host": "198.51.100.23", "acknowledged": "False", "created": "1763500000", "logtype": "16000"}
{"id": "incident:2", "node_id": "n1", "src_host": "198.51.100.23", "acknowledged": "True", "created": "1763600000", "logtype": "16000"}`

	rep, err := audit.Full(context.Background(), audit.FromJSON(strings.NewReader(tokens), strings.NewReader(incidents)),
		&audit.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
			RecommendedKinds: []canary.Kind{canary.KindDNS, canary.KindHTTP}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("score %v%%, %d incidents on %s\n", rep.Coverage.ScorePercent, rep.Incidents.Total, rep.Incidents.ByToken[0].Token.ID)
	for _, f := range rep.Findings {
		fmt.Printf("[%s] %s\n", f.Severity, f.Recommendation)
	}
	// Output:
	// score 50%, 2 incidents on t1
	// [high] acknowledge or investigate the 1 unacknowledged incident, starting with the sources below
	// [high] acknowledge or investigate 1 incident from 198.51.100.23
	// [medium] deploy an http token
}

func ExampleReport_WriteText() {
	rep, err := audit.Coverage(context.Background(), audit.FromJSON(strings.NewReader(`[]`), nil),
		&audit.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
			RecommendedKinds: []canary.Kind{canary.KindAWSID}})
	if err != nil {
		log.Fatal(err)
	}
	if err := rep.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// DECEPTION AUDIT (coverage), generated 2026-01-01 00:00:00 UTC, schema version 1
	//
	// Coverage score  0%: 0 of 1 recommended kinds have an enabled token (disabled tokens do not count)
	// Tokens          0 (0 enabled, 0 disabled; 0 triggered, 0 never triggered)
	// Missing kinds   aws-id
	// Findings        1 critical, 0 high, 1 medium, 0 low, 0 info
	//
	// FINDINGS
	//   [CRITICAL] The Console has no Canarytokens
	//              -> deploy one token of each recommended kind: aws-id
	//   [MEDIUM]   No aws-id token is deployed (a recommended kind)
	//              -> deploy an aws-id token
	//
	// COVERAGE BY KIND
	//   KIND    RECOMMENDED  TOKENS  ENABLED  DISABLED  TRIGGERED  NEVER TRIGGERED
	//   aws-id  yes          0       0        0         0          0
}
