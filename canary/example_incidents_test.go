package canary_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// fakeConsole starts canarytest's fake Console with one token per memo,
// each triggered once from a documentation-range address.
func fakeConsole(memos ...string) (*canarytest.Server, []string) {
	srv := canarytest.NewServer(canarytest.WithSeed(7))
	var ids []string
	for i, memo := range memos {
		tok, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: memo})
		if err != nil {
			panic(err)
		}
		if _, err := srv.Trigger(tok.ID, fmt.Sprintf("203.0.113.%d", 10+i)); err != nil {
			panic(err)
		}
		ids = append(ids, tok.ID)
	}
	return srv, ids
}

// Range over every unacknowledged incident; pages are fetched as the loop
// goes.
func ExampleIncidentsService_All() {
	srv, _ := fakeConsole("keys on build-01", "keys in the wiki", "keys in a backup")
	defer srv.Close()
	c := srv.Client()

	for inc, err := range c.Incidents.All(context.Background(), &canary.ListIncidentsOptions{State: canary.StateUnacknowledged, Limit: 2}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s from %s (%s)\n", inc.Description, inc.SourceHost, inc.Memo)
	}
	// Output:
	// Canarytoken triggered from 203.0.113.10 (keys on build-01)
	// Canarytoken triggered from 203.0.113.11 (keys in the wiki)
	// Canarytoken triggered from 203.0.113.12 (keys in a backup)
}

// Acknowledge an incident by its key once it has been dealt with.
func ExampleIncidentsService_Acknowledge() {
	srv, _ := fakeConsole("keys on build-01")
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	page, err := c.Incidents.List(ctx, &canary.ListIncidentsOptions{State: canary.StateUnacknowledged})
	if err != nil || len(page.Items) == 0 {
		fmt.Println("nothing to acknowledge", err)
		return
	}
	inc := page.Items[0]
	if err := c.Incidents.Acknowledge(ctx, inc.Key); err != nil {
		fmt.Println("error:", err)
		return
	}
	got, err := c.Incidents.Get(ctx, inc.Key)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("acknowledged:", got.Acknowledged)

	// An empty key never reaches the Console.
	err = c.Incidents.Acknowledge(ctx, "")
	fmt.Println(errors.Is(err, canary.ErrInvalidRequest), err)
	// Output:
	// acknowledged: true
	// true canary: invalid key: must not be empty
}

// Watch the feed for a SOAR pipeline: each incident is handed over once,
// in updated_id order; persist inc.UpdatedID and pass it back as Since to
// resume after a restart.
func ExampleIncidentsService_Watch() {
	srv, _ := fakeConsole("keys on build-01", "keys in the wiki")
	defer srv.Close()
	c := srv.Client()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var checkpoint int64 // load this from your store
	seen := 0
	err := c.Incidents.Watch(ctx, &canary.WatchOptions{Since: checkpoint}, func(ctx context.Context, inc *canary.Incident) error {
		fmt.Printf("new incident: %s (%s)\n", inc.Description, inc.Memo)
		checkpoint = inc.UpdatedID // save this to your store
		if seen++; seen == 2 {
			cancel() // a real pipeline runs until shut down
		}
		return nil
	})
	fmt.Println("stopped:", errors.Is(err, context.Canceled), "checkpoint saved:", checkpoint > 0)
	// Output:
	// new incident: Canarytoken triggered (keys on build-01)
	// new incident: Canarytoken triggered (keys in the wiki)
	// stopped: true checkpoint saved: true
}
