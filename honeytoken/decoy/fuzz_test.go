package decoy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/decoykit/decoykit/honeytoken"
)

// FuzzInspect feeds arbitrary header, cookie, query and body content through
// Handler and Middleware: nothing may panic, a request without the planted
// token must produce no hit, and the same request with the token appended to
// the Authorization header must produce exactly that hit.
func FuzzInspect(f *testing.F) {
	for _, s := range [][4]string{
		{"Bearer abc", "a=b; c=d", "x=1&y=%zz&z=+", `{"k":"v"}`},
		{"Basic ####", "=;;=", "&&==&", "\x00\xff"},
		{"Basic " + strings.Repeat("QUFB", 400), "k=" + strings.Repeat("%41", 400), strings.Repeat("a=b&", 100), ""},
		{"AWS4-HMAC-SHA256 Credential=AKIA/x/y, Signature=z", "s=eyJ.eyJ.x", "t=eyJhbGciOiJIUzI1NiJ9.e30.", "eyJ"},
		{"token \"'()<>\"", "\"quoted\"=\"v\"", "%", "%2"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	g, err := honeytoken.NewGenerator(testKey("fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	tok, err := g.Generate(honeytoken.GitHubClassic, honeytoken.Meta{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, auth, cookie, query, body string) {
		if strings.Contains(auth+cookie+query+body, tok.Value) {
			return
		}
		build := func(a string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			r.URL.RawQuery = query
			r.Header["Authorization"] = []string{a}
			r.Header["Cookie"] = []string{cookie}
			r.Header["X-Api-Key"] = []string{cookie}
			return r
		}
		for _, mk := range []func(Recorder) http.Handler{
			func(rec Recorder) http.Handler { return Handler(g, WithRecorder(rec)) },
			func(rec Recorder) http.Handler {
				return Middleware(g, okHandler{}, WithRecorder(rec), WithBodyScan(1<<10))
			},
		} {
			var rec collector
			mk(&rec).ServeHTTP(httptest.NewRecorder(), build(auth))
			if hits := rec.all(); len(hits) != 0 {
				t.Fatalf("hit without a honeytoken: %+v", hits)
			}
			rec = collector{}
			mk(&rec).ServeHTTP(httptest.NewRecorder(), build(auth+" "+tok.Value))
			hits := rec.all()
			if len(hits) != 1 || hits[0].TokenID != tok.ID {
				t.Fatalf("want one hit for the planted token, got %+v", hits)
			}
			for _, h := range hits {
				for _, s := range []string{h.Path, h.UserAgent, h.Found.Name, h.Token} {
					if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
						t.Fatalf("unsanitised %q", s)
					}
				}
			}
		}
	})
}
