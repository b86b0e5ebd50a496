package threatconnect

import (
	"errors"
	"os"
	"testing"
)

// FuzzNormalizeSummary: any input gives a normalized summary or a
// *ValidationError, never a panic; a normalized summary normalizes to itself.
func FuzzNormalizeSummary(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "::ffff:1.2.3.4", "fe80::1%eth0", "Evil.Example.", "bücher.example",
		"http://[::1]:80/x", "https://Evil.Example:8443/a?b=c", "mailto:x", "Bob <b@x.y>", "a@B.c",
		"d41d8cd98f00b204e9800998ecf8427e : da39a3ee5e6b4b0d3255bfef95601890afd80709", "::", ":", "http://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range IndicatorTypes() {
			n, err := normalizeSummary(typ, s)
			if err != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("%s %q: %T %v", typ, s, err, err)
				}
				continue
			}
			n2, err := normalizeSummary(typ, n)
			if err != nil || n2 != n {
				t.Fatalf("%s %q -> %q -> %q, %v", typ, s, n, n2, err)
			}
		}
	})
}

// FuzzDecode: any response body is a result or an error, never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"status":"Success","data":{"owner":[{"id":"1","name":"x"}]}}`, `{"status":"Failure","message":"m"}`,
		`text`, `<html>`, `{"status":"Success","data":{"indicator":[{"id":1,"rating":"4.00","dateAdded":"2017-07-13T17:50:17","active":"true"}],"resultCount":"x"}}`,
		`{"data":null}`, `[]`, `{"status":1}`,
		// The documented v2 envelopes: owners, a list with resultCount, tags,
		// attributes, a batch job's creation, status and errors, the batch
		// API's {"status":"Invalid","description":...}, plain-text errors.
		`{"status":"Success","data":{"resultCount":2,"owner":[{"id":1,"name":"Acme","type":"Organization"},{"id":2,"name":"Common Community","type":"Community"}]}}`,
		`{"status":"Success","data":{"resultCount":1,"host":[{"id":7,"summary":"evil.example","rating":3.0,"confidence":50,"dateAdded":"2017-07-13T17:50:17Z","lastModified":"2017-07-13T17:50:17Z","ownerName":"Acme","webLink":"https://x/y"}]}}`,
		`{"status":"Success","data":{"resultCount":1,"tag":[{"name":"canarytoken","webLink":"https://x/t"}]}}`,
		`{"status":"Success","data":{"attribute":[{"id":1,"type":"Description","value":"v","dateAdded":"2017-07-13T17:50:17Z"}]}}`,
		`{"status":"Success","data":{"batchId":123}}`,
		`{"status":"Success","data":{"batchStatus":{"id":123,"status":"Completed","errorCount":1,"successCount":9,"unprocessCount":0}}}`,
		`[{"errorReason":"bad","errorSource":"{\"summary\":\"x\"}","errorMessage":"m","code":"0x1001"}]`,
		`{"status":"Invalid","description":"The batch API is not enabled"}`,
		`{"status":"Failure","message":"Signature data did not match expected result."}`,
		"Access Denied", "\ufeff{\"status\":\"Success\"}", `{"status":"Queued","data":{}}`} {
		f.Add([]byte(s))
	}
	c, err := NewClient(WithAPIToken("fuzz-token"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := c.decode("GET", "/v2/x", 200, body)
		if err != nil {
			return
		}
		var owners []Owner
		_ = c.decodeData("GET", "/v2/x", env, "owner", &owners)
		var items []wireIndicator
		_ = c.decodeData("GET", "/v2/x", env, "indicator", &items)
		for _, w := range items {
			_ = w.indicator("")
		}
		_, _ = errorText(body)
	})
}

// FuzzTQLString: any string value becomes one quoted TQL string literal
// that reads back as the same value (no way out of the quotes), or an error
// for what TQL cannot carry (control characters, invalid UTF-8).
func FuzzTQLString(f *testing.F) {
	for _, s := range []string{"", "canary", `a"b`, `a\b`, `\`, `"`, `\"`, `x" or tag = "y`, `it's`, "a\nb", "\xff", `\\"`, "ünï"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := TQLSummary.Eq(s)
		if q.Err() != nil {
			var ve *ValidationError
			if !errors.As(q.Err(), &ve) {
				t.Fatalf("error is %T, want *ValidationError", q.Err())
			}
			return
		}
		text := q.String()
		const prefix = `summary = "`
		if len(text) < len(prefix)+1 || text[:len(prefix)] != prefix || text[len(text)-1] != '"' {
			t.Fatalf("not one comparison: %q", text)
		}
		// Read the literal back as a TQL lexer does: '\' escapes the next
		// byte; an unescaped '"' ends the string.
		body := text[len(prefix) : len(text)-1]
		var got []byte
		for i := 0; i < len(body); i++ {
			switch body[i] {
			case '\\':
				i++
				if i == len(body) {
					t.Fatalf("dangling escape in %q", text)
				}
			case '"':
				t.Fatalf("unescaped quote ends the string early in %q", text)
			}
			got = append(got, body[i])
		}
		if string(got) != s {
			t.Fatalf("read back %q, want %q", got, s)
		}
	})
}

// FuzzV3Decode: any v3 response body (an item, a page with a next link and
// a count, an error envelope) is a result or an error, never a panic; a
// next link either is refused or becomes a cursor that may go on the wire
// as is.
func FuzzV3Decode(f *testing.F) {
	for _, name := range []string{"indicator_create_response.json", "group_create_response.json", "pagination_response.json", "error_response.json"} {
		b, err := os.ReadFile("testdata/v3/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"data":[],"next":"https://h/api/v3/indicators?resultStart=%zz"}`, `{"data":{"tags":{}}}`,
		`{"data":[{"id":"x","rating":"4.00","associatedGroups":{"data":[{"id":"1"}]}}],"count":-1}`, `{"next":"::"}`} {
		f.Add([]byte(s))
	}
	c, err := NewClient(WithBaseURL("https://h/api"), WithAPIToken("fuzz-token"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = errCodeOf(body)
		env, err := c.decode("GET", "/v3/indicators", 200, body)
		if err != nil {
			return
		}
		var one wireIndicatorV3
		if c.v3Data("GET", "/v3/indicators", env, &one) == nil {
			_ = one.indicator()
		}
		var g wireGroupV3
		if c.v3Data("GET", "/v3/groups", env, &g) == nil {
			_ = g.group()
		}
		var items []wireIndicatorV3
		if c.v3Data("GET", "/v3/indicators", env, &items) == nil {
			for _, w := range items {
				_ = w.indicator()
			}
		}
		cur, err := c.nextCursor("GET", "/v3/indicators", env.Next, "v3", "indicators")
		if err == nil && cur != "" && (!validQuery(cur) || checkCursor(cur) != nil) {
			t.Fatalf("next link %q gave cursor %q, which cannot go on the wire", env.Next, cur)
		}
	})
}
