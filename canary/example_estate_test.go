package canary_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// demoConsole is a fake Console holding canarytest's demo estate as of a
// fixed day.
func demoConsole() *canarytest.Server {
	asOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return asOf }))
	if _, err := srv.Seed(canarytest.DemoEstate()); err != nil {
		log.Fatal(err)
	}
	return srv
}

// Find the dead Canaries, how long they have been down, and whether their
// software is behind the newest update.
func ExampleDevicesService_List() {
	srv := demoConsole()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	dead, err := c.Devices.List(ctx, &canary.ListDevicesOptions{Status: canary.DeviceDead})
	if err != nil {
		log.Fatal(err)
	}
	updates, err := c.Devices.Updates(ctx)
	if err != nil {
		log.Fatal(err)
	}
	latest := updates[0].Version
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range dead {
		behind := canary.CompareVersions(d.Version, latest) < 0
		fmt.Printf("%s: down %s, version %s (behind %s: %t)\n", d.Name, now.Sub(d.LastSeen), d.Version, latest, behind)
	}
	// Output:
	// LON-SQL: down 216h0m0s, version 3.9.2 (behind 4.2.1: true)
	// EU-JUMPHOST: down 30h0m0s, version 4.2.1 (behind 4.2.1: false)
}

// Name the flock of every Canary, and count each flock's devices and
// tokens.
func ExampleFlocksService_Summaries() {
	srv := demoConsole()
	defer srv.Close()
	c := srv.Client()

	sums, err := c.Flocks.Summaries(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range sums {
		if f.ID == canary.DefaultFlockID {
			fmt.Printf("%s: %d Canaries online, %d offline, %d tokens\n", f.Name, f.OnlineDevices, f.OfflineDevices, f.TotalTokens)
		}
	}
	id, err := c.Flocks.Create(context.Background(), "Cape Town", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Flocks.Rename(context.Background(), id, "Durban"); err != nil {
		log.Fatal(err)
	}
	found, err := c.Flocks.Filter(context.Background(), "durb")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(found[0].Name, found[0].ID == id)
	// Output:
	// Default Flock: 3 Canaries online, 0 offline, 11 tokens
	// Durban true
}

// Give fleet automation a factory string instead of the API key: it can
// create and download tokens, and nothing else.
func ExampleNewFactoryClient() {
	srv := canarytest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// Once, with the API key: make a factory string for the default flock.
	fac, err := srv.Client().Factories.Create(ctx, canary.DefaultFlockID, "EC2 boot tokens")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("factory:", fac.Auth) // never printed

	// On each host, with only the factory string.
	fc, err := canary.NewFactoryClient(fac.Auth.Reveal(), canary.WithBaseURL(srv.BaseURL()))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := fc.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindMSWord, Memo: "Payroll.docx on web-01"})
	if err != nil {
		log.Fatal(err)
	}
	dl, err := fc.Download(ctx, tok.ID)
	if err != nil {
		log.Fatal(err)
	}
	defer dl.Body.Close()
	n, err := io.Copy(io.Discard, dl.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Kind, tok.FlockID, dl.ContentType, n > 0)

	// A factory client never prints its factory string either.
	onHost, err := canary.NewFactoryClient("not-a-real-factory-string", canary.WithDomain("abc123"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(onHost)
	// Output:
	// factory: [REDACTED]
	// doc-msword flock:default application/vnd.openxmlformats-officedocument.wordprocessingml.document true
	// canary.FactoryClient{BaseURL: "https://abc123.canary.tools/api/v1", FactoryAuth: [REDACTED]}
}

// Poll the audit trail for new entries: remember the largest ID seen and
// pass it as AfterID.
func ExampleAuditTrailService_All() {
	srv := demoConsole()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	var last int64
	for e, err := range c.AuditTrail.All(ctx, &canary.AuditTrailOptions{ActionFilter: "flock_create"}) {
		if err != nil {
			log.Fatal(err)
		}
		last = max(last, e.ID)
		fmt.Println(e.ID, e.ActionType, e.Message)
	}

	devs, err := c.Devices.List(ctx, &canary.ListDevicesOptions{Status: canary.DeviceDead})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Devices.Reboot(ctx, devs[0].ID); err != nil {
		log.Fatal(err)
	}
	for e, err := range c.AuditTrail.All(ctx, &canary.AuditTrailOptions{AfterID: last}) {
		if err != nil {
			log.Fatal(err)
		}
		if e.ActionType == "device_schedule_reboot" {
			fmt.Println(e.ID > last, e.ActionType)
		}
	}
	// Output:
	// 4 flock_create User 'API Token' created the flock Branch Offices
	// 3 flock_create User 'API Token' created the flock Staging
	// 2 flock_create User 'API Token' created the flock Datacentre EU
	// 1 flock_create User 'API Token' created the flock London Office
	// true device_schedule_reboot
}
