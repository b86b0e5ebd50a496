package threatconnect_test

import (
	"context"
	"fmt"
	"log"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func ExampleNewClient() {
	srv := tctest.NewServer(tctest.WithHMAC("12345678901234567890", "example-secret-key"))
	defer srv.Close()

	tc, err := threatconnect.NewClient(
		threatconnect.WithBaseURL(srv.BaseURL()), // e.g. https://app.threatconnect.com/api
		threatconnect.WithHMAC("12345678901234567890", "example-secret-key"),
		threatconnect.WithHTTPClient(srv.HTTPClient()),
	)
	if err != nil {
		log.Fatal(err)
	}
	owners, err := tc.Owners.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range owners {
		fmt.Println(o.Type, o.Name)
	}
	// Output:
	// Organization Example Organization
	// Community Common Community
}

func ExampleIndicatorsService_Create() {
	srv := tctest.NewServer(tctest.WithAPIToken("example-token"))
	defer srv.Close()
	tc := srv.Client() // a *threatconnect.Client for the fake
	ctx := context.Background()
	ind, err := tc.Indicators.Create(ctx, threatconnect.Indicator{
		Type: threatconnect.Address, Summary: "203.0.113.7", Rating: 3, Confidence: 80,
		Tags:       []string{"canary", "aws-id"},
		Attributes: []threatconnect.Attribute{{Type: "Description", Value: "Canarytoken aws-id triggered"}},
	}, &threatconnect.WriteOptions{Owner: "Example Organization"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ind.Type, ind.Summary, ind.Rating, ind.Confidence, ind.Tags)

	// Bad input is caught before anything is sent.
	_, err = tc.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "203.0.113.300"}, nil)
	fmt.Println(err)
	// Output:
	// Address 203.0.113.7 3 80 [canary aws-id]
	// threatconnect: invalid Summary: "203.0.113.300" is not an IP address; an Address indicator takes one IPv4 or IPv6 address such as 203.0.113.7 (no port, prefix or zone)
}

func ExampleBatchService_Upload() {
	srv := tctest.NewServer(tctest.WithHMAC("id", "example-secret-key"))
	defer srv.Close()
	tc := srv.Client() // a *threatconnect.Client for the fake
	var inds []threatconnect.Indicator
	for i := range 1200 {
		inds = append(inds, threatconnect.Indicator{
			Type: threatconnect.Address, Summary: fmt.Sprintf("198.51.%d.%d", i/256, i%256),
			Rating: 2, Confidence: 60, Tags: []string{"canary", "backfill"},
		})
	}
	res, err := tc.Batch.Upload(context.Background(), inds, &threatconnect.BatchOptions{Owner: "Example Organization", ChunkSize: 500})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("jobs=%d submitted=%d succeeded=%d failed=%d requests=%d\n",
		len(res.Jobs), res.Submitted, res.Succeeded, res.Failed, srv.RequestCount())
	// Output:
	// jobs=3 submitted=1200 succeeded=1200 failed=0 requests=9
}

func ExampleIndicatorsService_All() {
	srv := tctest.NewServer(tctest.WithAPIToken("example-token"))
	defer srv.Close()
	tc := srv.Client() // a *threatconnect.Client for the fake
	ctx := context.Background()
	for _, h := range []string{"evil.example", "worse.example", "worst.example"} {
		if _, err := tc.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: h, Rating: 4}, nil); err != nil {
			log.Fatal(err)
		}
	}
	for ind, err := range tc.Indicators.All(ctx, &threatconnect.ListOptions{Type: threatconnect.Host, Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ind.Summary, ind.Rating)
	}
	// Output:
	// evil.example 4
	// worse.example 4
	// worst.example 4
}

func ExampleIndicatorsService_List() {
	srv := tctest.NewServer(tctest.WithAPIToken("example-token"))
	defer srv.Close()
	tc := srv.Client()
	ctx := context.Background()
	for i := range 5 {
		if _, err := tc.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: fmt.Sprintf("192.0.2.%d", i+1)}, nil); err != nil {
			log.Fatal(err)
		}
	}
	opts := &threatconnect.ListOptions{Type: threatconnect.Address, Limit: 2}
	for {
		page, err := tc.Indicators.List(ctx, opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page.Items), "of", page.TotalResults, "more:", page.HasNext())
		if !page.HasNext() {
			break
		}
		opts.Cursor = page.NextCursor
	}
	// Output:
	// 2 of 5 more: true
	// 2 of 5 more: true
	// 1 of 5 more: false
}
