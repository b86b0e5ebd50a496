package canarytest_test

import (
	"context"
	"testing"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

// BenchmarkSeed10kTokens100kIncidents measures building the benchmark estate.
func BenchmarkSeed10kTokens100kIncidents(b *testing.B) {
	for b.Loop() {
		srv := canarytest.NewServer()
		if _, err := srv.Seed(canarytest.Estate{Tokens: 10000, Incidents: 100000, AcknowledgedFraction: 0.3}); err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// BenchmarkIncidentsAll10k pages 10,000 incidents through the SDK, 500 a page.
func BenchmarkIncidentsAll10k(b *testing.B) {
	srv := canarytest.NewServer()
	defer srv.Close()
	if _, err := srv.Seed(canarytest.Estate{Tokens: 1000, Incidents: 10000}); err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.Incidents.All(context.Background(), &canary.ListIncidentsOptions{Limit: 500}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("got %d incidents", n)
		}
	}
}

// BenchmarkTokensAll2500 pages 2,500 tokens through the SDK, 500 a page.
func BenchmarkTokensAll2500(b *testing.B) {
	srv := canarytest.NewServer()
	defer srv.Close()
	if _, err := srv.Seed(canarytest.Estate{Tokens: 2500}); err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.Tokens.All(context.Background(), nil) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 2500 {
			b.Fatalf("got %d tokens", n)
		}
	}
}
