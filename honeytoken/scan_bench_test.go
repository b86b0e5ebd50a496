package honeytoken

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// logStyle writes one realistic log line from r into b.
type logStyle func(b *strings.Builder, r *rand.Rand)

const hexDigits = "0123456789abcdef"

func randFrom(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func randUUID(r *rand.Rand) string {
	h := randFrom(r, hexDigits, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

var (
	benchPaths = []string{"/api/v1/orders/%d", "/api/v2/users/%d/sessions", "/static/js/app.%d.js",
		"/api/v1/items?id=%d&page=3&sort=desc", "/healthz?probe=%d", "/search?q=blue+shoes&size=%d"}
	benchAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
		"curl/8.5.0", "python-requests/2.31.0", "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 botocore/1.34.70",
	}
	benchEvents = []string{"GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ListBuckets", "GetCallerIdentity"}
)

// accessLog is the combined log format with a request id and a 16-hex bearer.
func accessLog(b *strings.Builder, r *rand.Rand) {
	fmt.Fprintf(b, "198.51.100.%d - - [04/Dec/2026:14:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d %d \"https://shop.example.com/cart\" \"%s\" rid=%s auth=\"Bearer %s\"\n",
		r.IntN(255), r.IntN(60), r.IntN(60), fmt.Sprintf(benchPaths[r.IntN(len(benchPaths))], r.IntN(100000)),
		[]int{200, 201, 304, 404}[r.IntN(4)], r.IntN(90000), benchAgents[r.IntN(len(benchAgents))],
		randFrom(r, hexDigits, 8), randFrom(r, hexDigits, 16))
}

// jsonLog is a structured application log line.
func jsonLog(b *strings.Builder, r *rand.Rand) {
	fmt.Fprintf(b, `{"ts":"2026-12-04T14:%02d:%02d.%03dZ","level":"info","msg":"request completed","method":"POST","path":"%s","status":%d,"duration_ms":%d.%d,"request_id":"%s","trace_id":"%s","user_id":"u_%d","bearer":"%s"}`+"\n",
		r.IntN(60), r.IntN(60), r.IntN(1000), fmt.Sprintf(benchPaths[r.IntN(len(benchPaths))], r.IntN(100000)),
		[]int{200, 201, 400, 500}[r.IntN(4)], r.IntN(900), r.IntN(10), randFrom(r, hexDigits, 8),
		randFrom(r, hexDigits, 32), r.IntN(100000), randFrom(r, hexDigits, 16))
}

// cloudTrail is a CloudTrail-like record: ARNs, a foreign access key id, UUIDs.
func cloudTrail(b *strings.Builder, r *rand.Rand) {
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	fmt.Fprintf(b, `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%012d:user/svc-%d","accountId":"%012d","accessKeyId":"ASIA%s"},"eventTime":"2026-12-04T14:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":"%s","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d","userAgent":"%s","requestParameters":{"bucketName":"prod-assets","key":"reports/2026/12/summary-%d.csv"},"requestID":"%s","eventID":"%s","readOnly":true}`+"\n",
		randFrom(r, upper, 17), r.Int64N(1e12), r.IntN(100), r.Int64N(1e12), randFrom(r, upper, 16), r.IntN(60), r.IntN(60),
		benchEvents[r.IntN(len(benchEvents))], r.IntN(255), benchAgents[r.IntN(len(benchAgents))], r.IntN(1000),
		strings.ToUpper(randFrom(r, hexDigits, 16)), randUUID(r))
}

// plantEncodings are the ways a token is written into a log in the benchmarks
// and the differential test: each returns the text to put in a field.
var plantEncodings = []struct {
	name string
	enc  func(s string) string
	// slashes: write the JSON string with escaped slashes (encoding/json's
	// HTML-safe form in other languages: "\/").
	slashes bool
}{
	{"plain", func(s string) string { return s }, false},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }, false},
	{"base64url", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }, false},
	{"url", url.QueryEscape, false},
	{"json-slashes", func(s string) string { return s }, true},
	{"url+base64", func(s string) string { return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(s))) }, false},
	{"base64+base64", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
	}, false},
}

// jsonField returns s as a JSON string literal, with slashes escaped if asked.
func jsonField(s string, slashes bool) string {
	q, _ := json.Marshal(s)
	if slashes {
		return strings.ReplaceAll(string(q), "/", `\/`)
	}
	return string(q)
}

// plantText is what a log holds for tok: "key=value" (and the secret), so that
// the encoded forms carry a little context as real Basic or form values do.
func plantText(tok Token) string {
	if tok.Secret != "" {
		return tok.Value + ":" + tok.Secret
	}
	return "token=" + tok.Value
}

// benchText builds about size bytes of log lines of style from a seeded source,
// with a token (format and encoding cycling) every `every` bytes when g is not nil.
// It returns the text and the tokens planted.
func benchText(tb testing.TB, g *Generator, style logStyle, size, every int, seed uint64) (string, []Token) {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	var b strings.Builder
	b.Grow(size + 4096)
	var toks []Token
	next := every
	formats := Formats()
	for b.Len() < size {
		style(&b, r)
		if g != nil && b.Len() >= next {
			next += every
			n := len(toks)
			tok, err := g.Generate(formats[n%len(formats)], Meta{})
			if err != nil {
				tb.Fatal(err)
			}
			toks = append(toks, tok)
			enc := plantEncodings[(n/len(formats)+n)%len(plantEncodings)]
			fmt.Fprintf(&b, `{"ts":"2026-12-04T14:00:00Z","level":"warn","msg":"auth","credential":%s}`+"\n",
				jsonField(enc.enc(plantText(tok)), enc.slashes))
		}
	}
	return b.String(), toks
}

// BenchmarkScanLogs measures Scan on 4 MiB of realistic log text of three styles
// (combined access log, JSON application log, CloudTrail-like JSON), the same
// with a token of a cycling format and encoding every 16 KiB, and random base64
// (one run, the adversarial case: everything is decoded).
func BenchmarkScanLogs(b *testing.B) {
	g := newTestGenerator(b, "bench-logs")
	const size, every = 4 << 20, 16 << 10
	type benchCase struct {
		name string
		text string
		toks []Token
	}
	var cases []benchCase
	for _, st := range []struct {
		name  string
		style logStyle
	}{{"access", accessLog}, {"json", jsonLog}, {"cloudtrail", cloudTrail}} {
		text, _ := benchText(b, nil, st.style, size, 0, 1)
		cases = append(cases, benchCase{st.name + "/clean", text, nil})
		text, toks := benchText(b, g, st.style, size, every, 2)
		cases = append(cases, benchCase{st.name + "/tokens", text, toks})
	}
	r := rand.New(rand.NewPCG(3, 4))
	raw := make([]byte, size*3/4)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	cases = append(cases, benchCase{"random-base64", base64.StdEncoding.EncodeToString(raw), nil})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ids := map[string]bool{}
			for _, m := range g.Scan(c.text) {
				ids[m.ID] = true
			}
			for _, tok := range c.toks {
				if !ids[tok.ID] {
					b.Fatalf("token %s (%s) not found", tok.ID, tok.Format)
				}
			}
			b.SetBytes(int64(len(c.text)))
			cpu0 := cpuTime()
			for b.Loop() {
				g.Scan(c.text)
			}
			// The machine may be shared: MB per second of this process's CPU
			// time is what one core does, whatever else runs.
			if d := cpuTime() - cpu0; d > 0 {
				b.ReportMetric(float64(len(c.text))*float64(b.N)/d.Seconds()/1e6, "MB/cpu-s")
			}
		})
	}
}

// cpuTime returns the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
