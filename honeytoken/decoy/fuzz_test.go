package decoy

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/decoykit/decoykit/honeytoken"
)

// fuzzRequest builds a request without net/http's text parser (which
// httptest.NewRequest runs, at a cost that dominated the target): the fuzzed
// parts go in as they are, as a server would hand them over.
func fuzzRequest(auth, cookie, query, body string) *http.Request {
	return &http.Request{
		Method: http.MethodPost, URL: &url.URL{Path: "/v1/user", RawQuery: query}, Host: "api.example",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, RemoteAddr: "192.0.2.10:40000",
		Header: http.Header{"Authorization": {auth}, "Cookie": {cookie}, "X-Api-Key": {cookie},
			"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// FuzzInspect feeds arbitrary header, cookie, query and body content through
// Handler or Middleware (thorough or fast, chosen by the input): nothing may
// panic; a request
// without a token of this generator produces no hit, whatever tokens of
// another key it holds; the same request with the planted token appended to
// the Authorization header produces exactly that hit; every hit names the
// planted token and is sanitised. Seeds hold every honeytoken format (minted
// under another key, and rendered in every placement) in every position.
func FuzzInspect(f *testing.F) {
	for _, s := range [][4]string{
		{"Bearer abc", "a=b; c=d", "x=1&y=%zz&z=+", `{"k":"v"}`},
		{"Basic ####", "=;;=", "&&==&", "\x00\xff"},
		{"Basic " + strings.Repeat("QUFB", 400), "k=" + strings.Repeat("%41", 400), strings.Repeat("a=b&", 100), ""},
		{"AWS4-HMAC-SHA256 Credential=AKIA/x/y, Signature=z", "s=eyJ.eyJ.x", "t=eyJhbGciOiJIUzI1NiJ9.e30.", "eyJ"},
		{"token \"'()<>\"", "\"quoted\"=\"v\"", "%", "%2"},
		{"", "", "", "-----BEGIN PRIVATE KEY-----" + strings.Repeat("A", 96) + "-----END PRIVATE KEY-----"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	g, err := honeytoken.NewGenerator(testKey("fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	other, err := honeytoken.NewGenerator(testKey("fuzz-other-key"))
	if err != nil {
		f.Fatal(err)
	}
	var others []honeytoken.Token
	for _, fm := range other.Formats() {
		tok, err := other.Generate(fm, honeytoken.Meta{Location: "x", Memo: "m"})
		if err != nil {
			f.Fatal(err)
		}
		others = append(others, tok)
		v := tok.Value
		f.Add("Bearer "+v, "session="+url.QueryEscape(v), "key="+url.QueryEscape(v), v)
		f.Add("Basic "+v, v, "token="+v, `{"key":"`+v+`","secret":"`+tok.Secret+`"}`)
	}
	for _, pl := range honeytoken.Placements() {
		if b, err := honeytoken.Render(pl, others...); err == nil {
			f.Add("", "", "", string(b))
		}
	}
	tok, err := g.Generate(honeytoken.GitHubClassic, honeytoken.Meta{})
	if err != nil {
		f.Fatal(err)
	}
	// Built once: building them per input is wasted work, and a handler is
	// meant to serve many requests.
	var rec collector
	handlers := []http.Handler{
		Handler(g, WithRecorder(&rec)),
		Middleware(g, okHandler{}, WithRecorder(&rec), WithBodyScan(1<<10)),
		Middleware(g, okHandler{}, WithRecorder(&rec), WithBodyScan(1<<10), WithThoroughScan(true)),
	}
	f.Fuzz(func(t *testing.T, auth, cookie, query, body string) {
		if strings.Contains(auth+cookie+query+body, tok.Value) {
			return
		}
		// One handler per input, chosen by the input: over a run each sees
		// every kind of input, at a third of the cost per execution.
		h := handlers[(len(auth)+len(cookie)+len(query)+len(body))%len(handlers)]
		{
			rec.hits = rec.hits[:0]
			h.ServeHTTP(&discard{}, fuzzRequest(auth, cookie, query, body))
			if len(rec.hits) != 0 {
				t.Fatalf("hit without a honeytoken of this key: %+v", rec.hits)
			}
			h.ServeHTTP(&discard{}, fuzzRequest(auth+" "+tok.Value, cookie, query, body))
			if len(rec.hits) != 1 || rec.hits[0].TokenID != tok.ID {
				t.Fatalf("want one hit for the planted token, got %+v", rec.hits)
			}
			for _, h := range rec.hits {
				for _, s := range []string{h.Path, h.UserAgent, h.Found.Name, h.Token, h.Host} {
					if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
						t.Fatalf("unsanitised %q", s)
					}
				}
			}
		}
	})
}
