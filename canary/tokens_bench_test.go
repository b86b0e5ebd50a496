package canary

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
)

// tokenPage builds a /canarytokens/paginate body of n tokens in the
// documented shape, mixing kinds and the Console's string-typed fields.
func tokenPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"canarytokens": [`)
	kinds := []Kind{KindHTTP, KindDNS, KindAWSID, KindMSWord, KindPDF, KindWebImage, KindClonedWeb, KindQRCode}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		k := kinds[i%len(kinds)]
		fmt.Fprintf(&b, `{"canarytoken": "tok%08d", "created": "1586249510.069870", "created_printable": "2020-04-07 08:51:50 (UTC)",
  "enabled": true, "flock_id": "flock:default", "hostname": "tok%08d.canarytokens.example", "key": "key%08d",
  "kind": %q, "memo": "Example Memo %d on a file server share", "node_id": "node%08d", "triggered_count": %d,
  "updated_id": %d, "url": "http://canarytokens.example/tok%08d/index.html"`, i, i, i, k, i, i, i%5, i, i)
		switch k {
		case KindAWSID:
			b.WriteString(`, "access_key_id": "<aws_access_key_id>", "secret_access_key": "<aws_secret_access_key>", "username": "<user_name>", "renders": {"aws-id": "\n [default]\n aws_access_key_id = ...\n aws_secret_access_key = ..."}`)
		case KindHTTP:
			b.WriteString(`, "browser_scanner_enabled": "True"`)
		case KindClonedWeb:
			b.WriteString(`, "cloned_web": "intranet.example.com", "renders": {"cloned-web": "<script>...</script>"}`)
		}
		b.WriteString("}")
	}
	b.WriteString(`], "cursor": {"next": null, "next_link": null, "prev": null, "prev_link": null}, "page_num": 1, "page_total": 1, "result": "success"}`)
	return b.Bytes()
}

// BenchmarkDecodeTokenPage500 measures decoding one 500-token page.
func BenchmarkDecodeTokenPage500(b *testing.B) {
	body := tokenPage(500)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var w tokenPageWire
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
		if p := w.page(); len(p.Items) != 500 {
			b.Fatal(len(p.Items))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/500, "ns/token")
}

// BenchmarkTokensList500 measures a whole List call of 500 tokens through
// the client (request building, transport mock, envelope check, decoding).
func BenchmarkTokensList500(b *testing.B) {
	body := tokenPage(500)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", testBase+"/canarytokens/paginate", func(*http.Request) (*http.Response, error) {
		return httpmock.NewBytesResponse(200, body), nil
	})
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken), WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.Tokens.List(context.Background(), nil)
		if err != nil || len(p.Items) != 500 {
			b.Fatal(err)
		}
	}
}

func TestTokenPageFixtureDecodes(t *testing.T) {
	t.Parallel()
	var w tokenPageWire
	if err := json.Unmarshal(tokenPage(16), &w); err != nil {
		t.Fatal(err)
	}
	p := w.page()
	if len(p.Items) != 16 || p.Items[2].Kind != KindAWSID || p.Items[0].BrowserScannerEnabled == nil || !*p.Items[0].BrowserScannerEnabled {
		t.Fatalf("unexpected decode: %+v", p.Items[0])
	}
}
