package honeytoken_test

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/decoykit/decoykit/honeytoken"
)

// ScanReader reads a log (a file, a pipe, stdin) window by window and reports
// each decoy with its byte offset and line.
func ExampleGenerator_ScanReader() {
	g, err := honeytoken.NewGenerator(exampleKey())
	if err != nil {
		panic(err)
	}
	tok, err := g.Generate(honeytoken.NPM, honeytoken.Meta{Location: "ci/.npmrc"})
	if err != nil {
		panic(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("ci:" + tok.Value))
	log := "10.0.0.7 - - \"GET /-/whoami HTTP/1.1\" 200\n" +
		"10.0.0.9 - - \"GET /-/whoami HTTP/1.1\" 401 auth=\"Basic " + basic + "\"\n" +
		"10.0.0.9 - - \"PUT /left-pad HTTP/1.1\" 403 auth=\"Bearer " + tok.Value + "\"\n"
	for m, err := range g.ScanReader(strings.NewReader(log)) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("line %d: %s (%q) same token: %t\n", m.Line, m.Format, m.Encoding, m.ID == tok.ID)
	}
	// Output:
	// line 2: npm ("base64") same token: true
	// line 3: npm ("") same token: true
}
