package canary_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

func ExampleNewClient() {
	srv := canarytest.NewServer() // a fake Console; use WithDomain("abc123") for a real one
	defer srv.Close()

	c, err := canary.NewClient(
		canary.WithBaseURL(srv.BaseURL()),
		canary.WithAuthToken(srv.AuthToken()),
		canary.WithUserAgent("acme-soar/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Ping(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println("console reachable")

	// A real Console by its domain hash. A Client never prints its token.
	real, err := canary.NewClient(canary.WithDomain("abc123"), canary.WithAuthToken("not-a-real-token"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(real)

	_, err = canary.NewClient(canary.WithDomain("abc123"))
	fmt.Println(err)
	// Output:
	// console reachable
	// canary.Client{BaseURL: "https://abc123.canary.tools/api/v1", AuthToken: [REDACTED]}
	// canary: invalid auth token: no auth token given; use WithAuthToken (Console → Global Settings → API)
}

func ExampleTokensService_Create() {
	srv := canarytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{
		Kind: canary.KindHTTP,
		Memo: "Web server token: /var/www/admin/backup.html",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Kind, tok.Enabled, tok.Memo)

	// Bad input never reaches the Console.
	_, err = c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindClonedWeb, Memo: "login page"})
	var ve *canary.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// http true Web server token: /var/www/admin/backup.html
	// true ClonedWeb
}

func ExampleTokensService_Create_upload() {
	srv := canarytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	// Any io.Reader works: an *os.File is streamed and its size found.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	tok, err := c.Tokens.Create(context.Background(), canary.CreateTokenRequest{
		Kind:   canary.KindWebImage,
		Memo:   "logo on the intranet wiki",
		Upload: &canary.Upload{Filename: "logo.png", Content: bytes.NewReader(png)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Kind, tok.Memo)
	// Output:
	// web-image logo on the intranet wiki
}

func ExampleTokensService_All() {
	srv := canarytest.NewServer()
	defer srv.Close()
	if _, err := srv.Seed(canarytest.Estate{Tokens: 1200}); err != nil {
		log.Fatal(err)
	}
	c := srv.Client()

	byKind := map[canary.Kind]int{}
	n := 0
	// Pages of 500 are fetched as the loop advances; break would stop them.
	for tok, err := range c.Tokens.All(context.Background(), &canary.ListTokensOptions{Limit: 500}) {
		if err != nil {
			log.Fatal(err)
		}
		byKind[tok.Kind]++
		n++
	}
	fmt.Println(n, "tokens;", byKind[canary.KindAWSID] > 0)
	// Output:
	// 1200 tokens; true
}

func ExampleAPIError() {
	srv := canarytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	_, err := c.Tokens.Get(context.Background(), "no-such-token")
	var apiErr *canary.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Message)
	}
	fmt.Println(errors.Is(err, canary.ErrNotFound))
	// Output:
	// Could not find the Canarytoken
	// true
}
