package threatconnect_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

// A v3 create carries the tags, attributes and group associations in one
// request, and is an upsert: the same summary again in the same owner
// updates the one indicator.
func ExampleV3IndicatorsService_Create() {
	srv := tctest.NewServer(tctest.WithHMAC("12345678901234567890", "example-secret-key"))
	defer srv.Close()
	tc := srv.Client()
	ctx := context.Background()

	withTags := &threatconnect.V3Options{Fields: []threatconnect.Field{threatconnect.FieldTags, threatconnect.FieldAttributes}}
	ind, err := tc.V3.Indicators.Create(ctx, threatconnect.Indicator{
		Type: threatconnect.Address, Summary: "203.0.113.7", Rating: 3, Confidence: 80,
		Tags:        []string{"canary", "honeytoken"},
		Description: "Used the decoy AWS key planted in infra/.env",
	}, withTags)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ind.Type, ind.Summary, ind.Rating, ind.Tags, ind.Attributes[0].Type)

	again, err := tc.V3.Indicators.Create(ctx, threatconnect.Indicator{
		Type: threatconnect.Address, Summary: "203.0.113.7", Rating: 4, Tags: []string{"repeat"},
	}, withTags)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.ID == ind.ID, again.Rating, again.Tags)
	// Output:
	// Address 203.0.113.7 3 [canary honeytoken] Description
	// true 4 [canary honeytoken repeat]
}

// All follows the platform's next links; a TQL filter is built from typed
// conditions, never pasted text.
func ExampleV3IndicatorsService_All() {
	srv := tctest.NewServer(tctest.WithHMAC("12345678901234567890", "example-secret-key"))
	defer srv.Close()
	srv.AddIndicators("",
		tctest.Indicator{Type: "Address", Summary: "203.0.113.7", Rating: 4, Active: true, Tags: []string{"canary"}},
		tctest.Indicator{Type: "Host", Summary: "evil.example", Rating: 5, Active: true, Tags: []string{"canary"}},
		tctest.Indicator{Type: "Host", Summary: "benign.example", Rating: 1, Active: true},
	)
	tc := srv.Client()

	q := threatconnect.TQLTag.Eq("canary").And(threatconnect.TQLRating.Ge(4))
	fmt.Println(q)
	for ind, err := range tc.V3.Indicators.All(context.Background(), &threatconnect.V3ListOptions{TQL: q, Limit: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ind.Type, ind.Summary)
	}
	// Output:
	// tag = "canary" and rating >= 4
	// Address 203.0.113.7
	// Host evil.example
}

// An incident group for a Canary alert, with the attacker's address
// associated: from the indicator's side at create time, or from the
// group's side afterwards.
func ExampleV3GroupsService_AssociateIndicators() {
	srv := tctest.NewServer(tctest.WithHMAC("12345678901234567890", "example-secret-key"))
	defer srv.Close()
	tc := srv.Client()
	ctx := context.Background()

	g, err := tc.V3.Groups.Create(ctx, threatconnect.Group{
		Type: threatconnect.Incident, Name: "Canary: AWS key used", EventDate: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		Tags: []string{"canary"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	ip, err := tc.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "203.0.113.7",
		AssociatedGroups: []threatconnect.GroupRef{g.Ref()}}, &threatconnect.V3Options{Fields: []threatconnect.Field{threatconnect.FieldAssociatedGroups}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ip.Summary, "->", ip.AssociatedGroups[0].Type, ip.AssociatedGroups[0].Name)

	host, err := tc.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	g, err = tc.V3.Groups.AssociateIndicators(ctx, g.ID, []threatconnect.IndicatorRef{host.Ref()}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range g.AssociatedIndicators {
		fmt.Println(g.Name, "<-", r.Type, r.Summary)
	}
	// Output:
	// 203.0.113.7 -> Incident Canary: AWS key used
	// Canary: AWS key used <- Address 203.0.113.7
	// Canary: AWS key used <- Host evil.example
}
