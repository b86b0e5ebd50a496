package canarytest_test

import (
	"context"
	"fmt"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// A test of your own integration: start the fake Console, create a token
// through the SDK, fire it, and read the alert back.
func Example() {
	srv := canarytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindAWSID, Memo: "keys on build-01"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.Trigger(tok.ID, "203.0.113.7"); err != nil {
		fmt.Println(err)
		return
	}
	for inc, err := range c.Incidents.All(ctx, &canary.ListIncidentsOptions{State: canary.StateUnacknowledged}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(inc.Description, "from", inc.SourceHost, "on", inc.Memo)
		if err := c.Incidents.Acknowledge(ctx, inc.Key); err != nil {
			fmt.Println(err)
		}
	}
	page, _ := c.Incidents.List(ctx, &canary.ListIncidentsOptions{State: canary.StateUnacknowledged})
	fmt.Println("unacknowledged:", len(page.Items))
	// Output:
	// Canarytoken triggered from 203.0.113.7 on keys on build-01
	// unacknowledged: 0
}

// Seed builds an estate of any size for tests and benchmarks.
func ExampleServer_Seed() {
	srv := canarytest.NewServer(canarytest.WithSeed(42))
	defer srv.Close()
	sum, err := srv.Seed(canarytest.Estate{Tokens: 100, Incidents: 400, AcknowledgedFraction: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	for _, err := range srv.Client().Tokens.All(context.Background(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(sum.Tokens, "tokens seeded,", n, "listed;", sum.Incidents, "incidents")
	// Output: 100 tokens seeded, 100 listed; 400 incidents
}

// Fault injection: a fifth of the responses fail with 429, 502, 503, 504
// or a connection reset, and the client's retries hide them.
func ExampleWithFaultRate() {
	srv := canarytest.NewServer(canarytest.WithFaultRate(0.2))
	defer srv.Close()
	if _, err := srv.Seed(canarytest.Estate{Tokens: 500}); err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	for _, err := range srv.Client().Tokens.All(context.Background(), &canary.ListTokensOptions{Limit: 10}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(n, "tokens; faults injected:", srv.Stats().Faults > 0)
	// Output: 500 tokens; faults injected: true
}
