// Package decoykit is a Go SDK for deception-based detection: canaries,
// Canarytokens and honeytokens. The module root holds only this overview;
// the code lives in its packages:
//
//   - canary: a client for the Thinkst Canary Console REST API. Create, list,
//     enable, disable, download and delete Canarytokens; list, acknowledge
//     and delete incidents; watch for new incidents; parse alert webhooks.
//   - canary/canarytest: an in-process fake Console (like net/http/httptest)
//     for tests and offline demos.
//   - audit: coverage and full deception audits over tokens and incidents,
//     as JSON, Markdown and text reports.
//   - honeytoken: realistic decoy credentials (AWS, GitHub, Stripe, Slack,
//     JWT, ...) carrying a keyed tag, recognised and found in text without a
//     database, rendered into the files attackers read.
//   - honeytoken/decoy: a decoy endpoint and middleware that catch honeytoken
//     use and alert.
//   - threatconnect: a ThreatConnect API client that turns what the decoys
//     saw into indicators.
//
// A tour:
//
//	c, err := canary.NewClient(canary.WithDomain("abc123"), canary.WithAuthToken(tok))
//	if err != nil { ... }
//	if err := c.Ping(ctx); err != nil { ... }
//	t, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindAWSID, Memo: "CI runner ~/.aws"})
//	for inc, err := range c.Incidents.All(ctx, &canary.ListIncidentsOptions{State: canary.StateUnacknowledged}) {
//		if err != nil { ... }
//		fmt.Println(inc.SourceHost, inc.Description)
//	}
//	rep, err := audit.Full(ctx, audit.FromClient(c), nil)
//	rep.WriteMarkdown(os.Stdout)
//
// The examples directory holds runnable programs; each takes --demo to run
// against the fake Console, offline.
package decoykit
