package tctest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func ExampleNewServer() {
	srv := tctest.NewServer(tctest.WithHMAC("12345678901234567890", "example-secret-key"))
	defer srv.Close()

	tc := srv.Client() // a *threatconnect.Client at srv.BaseURL(), HMAC-signed
	ctx := context.Background()
	if _, err := tc.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example", Tags: []string{"canary"}}, nil); err != nil {
		log.Fatal(err)
	}
	stored, ok := srv.Indicator(tctest.DefaultOwner, "Host", "evil.example")
	fmt.Println(ok, stored.Summary, stored.Tags, srv.RequestCount())
	// Output:
	// true evil.example [canary] 2
}
