package honeytoken

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/decoykit/decoykit/honeytoken/internal/hook"
)

func BenchmarkGenerate(b *testing.B) {
	g := newTestGenerator(b, "bench")
	for _, f := range g.Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Generate(f, Meta{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkRecognize(b *testing.B) {
	g := newTestGenerator(b, "bench")
	other := newTestGenerator(b, "bench-other")
	gh, _ := g.Generate(GitHubClassic, Meta{})
	foreign, _ := other.Generate(GitHubClassic, Meta{})
	stripe, _ := g.Generate(StripeSecret, Meta{})
	aws, _ := g.Generate(AWSAccessKey, Meta{})
	jw, _ := g.Generate(JWT, Meta{})
	random := rand.Text() + rand.Text()
	cases := []struct{ name, s string }{
		{"nonmatch/no-prefix", random},
		{"nonmatch/plain-word", strings.Repeat("hello ", 6)},
		{"nonmatch/foreign-ghp", foreign.Value},
		{"match/github-classic", gh.Value},
		{"match/stripe-secret", stripe.Value},
		{"match/aws-key-id", aws.Value},
		{"match/aws-secret", aws.Secret},
		{"match/jwt", jw.Value},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			want := strings.HasPrefix(c.name, "match")
			for b.Loop() {
				if _, ok := g.Recognize(c.s); ok != want {
					b.Fatal("unexpected result")
				}
			}
		})
	}
}

// BenchmarkScan measures Scan throughput over 1 MiB of text: a log with printable
// noise, and the same log with 100 tokens of the generator in it.
func BenchmarkScan(b *testing.B) {
	g := newTestGenerator(b, "bench")
	const size = 1 << 20
	noise := []byte(strings.Repeat("2026-11-25T10:00:00Z INFO GET /api/v1/items?id=42 200 1.2ms ua=\"curl/8.5\" ", size/72+1))[:size]
	var withTokens strings.Builder
	withTokens.Write(noise[:size/2])
	for i := range 100 {
		tok, _ := g.Generate(g.Formats()[i%len(g.Formats())], Meta{})
		withTokens.WriteString(" Authorization: Bearer " + tok.Value + "\n")
	}
	withTokens.Write(noise[:size/2])
	random := []byte(rand.Text())
	for len(random) < size {
		random = append(random, rand.Text()...)
	}
	for _, c := range []struct{ name, text string }{
		{"log-noise", string(noise)},
		{"log-with-100-tokens", withTokens.String()},
		{"random-base32", string(random[:size])},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				g.Scan(c.text)
			}
		})
	}
}

// BenchmarkRecognizeForeign is the per-format worst case of Recognize: a string
// of exactly the format's shape that another generator issued. Target: <= 100
// ns/op and 0 allocs/op for every format.
//
// A private key of another generator is usually rejected by its length (the
// comment is per generator); "private-key/same-length" is one whose comment
// has the length of g's, so its body is decoded and its keyed filter run.
func BenchmarkRecognizeForeign(b *testing.B) {
	g := newTestGenerator(b, "bench")
	cases := foreignShapes(b, g)
	cases = append(cases, struct{ name, s string }{"private-key/same-length", sameLengthPrivateKey(b, g)})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := g.Recognize(c.s); ok {
					b.Fatal("a foreign token was recognised")
				}
			}
		})
	}
}

// sameLengthPrivateKey returns a private key of another generator whose
// OpenSSH comment (a per-generator user@host) has the length of g's.
func sameLengthPrivateKey(t testing.TB, g *Generator) string {
	t.Helper()
	want := len(g.keys[0].site.sshComment)
	for i := 0; ; i++ {
		other := newTestGenerator(t, fmt.Sprintf("same-length-%d", i))
		if len(other.keys[0].site.sshComment) != want {
			continue
		}
		tok, err := other.Generate(PrivateKey, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Value
	}
}

// BenchmarkHasForeign is the check package decoy runs on each candidate
// (hook.Has, with auth set as for an Authorization header field) on the
// foreign strings of BenchmarkRecognizeForeign, and on the pieces of a
// foreign AWS SigV4 Authorization header the middleware tries: the whole
// "Credential=AKIA…/scope" field, its value, and the key id alone.
func BenchmarkHasForeign(b *testing.B) {
	g := newTestGenerator(b, "bench")
	has := hook.Has(g)
	cases := foreignShapes(b, g)
	cases = append(cases, struct{ name, s string }{"private-key/same-length", sameLengthPrivateKey(b, g)})
	other := newTestGenerator(b, "foreign-shapes")
	aws, err := other.Generate(AWSAccessKey, Meta{})
	if err != nil {
		b.Fatal(err)
	}
	scope := aws.Value + "/20261204/us-east-1/s3/aws4_request"
	cases = append(cases,
		struct{ name, s string }{"sigv4/credential-field", "Credential=" + scope},
		struct{ name, s string }{"sigv4/credential-value", scope})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if has(c.s, true) {
					b.Fatal("a foreign token was recognised")
				}
			}
		})
	}
}
