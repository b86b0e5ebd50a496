package honeytoken

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneOfEach generates one token per format of g.
func oneOfEach(t testing.TB, g *Generator) []Token {
	t.Helper()
	var toks []Token
	for _, f := range g.Formats() {
		tok, err := g.Generate(f, Meta{Location: "scan test"})
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	return toks
}

// wantParts lists (id, part) pairs a text holding toks must yield.
func wantParts(toks []Token) map[string]bool {
	want := map[string]bool{}
	for _, tok := range toks {
		want[tok.ID+"/value"] = true
		if tok.Secret != "" {
			want[tok.ID+"/secret"] = true
		}
	}
	return want
}

func gotParts(ms []Match) map[string]bool {
	got := map[string]bool{}
	for _, m := range ms {
		got[m.ID+"/"+m.Part.String()] = true
	}
	return got
}

func TestScanFindsTokensInEveryEncoding(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan")
	toks := oneOfEach(t, g)

	lines := func(sep string) string {
		var b strings.Builder
		for _, tok := range toks {
			b.WriteString("token=" + tok.Value + sep)
			if tok.Secret != "" {
				b.WriteString("secret=" + tok.Secret + sep)
			}
		}
		return b.String()
	}
	jsonDoc := func() string {
		m := map[string]string{}
		for _, tok := range toks {
			m[string(tok.Format)] = tok.Value
			if tok.Secret != "" {
				m[string(tok.Format)+"_secret"] = tok.Secret
			}
		}
		b, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		return string(b)
	}
	headers := func() string {
		var b strings.Builder
		b.WriteString("GET /v1/charges HTTP/1.1\r\nHost: api.internal\r\n")
		for _, tok := range toks {
			if tok.Format == PrivateKey {
				continue // not a header value
			}
			b.WriteString("Authorization: Bearer " + tok.Value + "\r\n")
			if tok.Secret != "" {
				basic := base64.StdEncoding.EncodeToString([]byte(tok.Value + ":" + tok.Secret))
				b.WriteString("Authorization: Basic " + basic + "\r\n")
			}
		}
		return b.String()
	}
	urlEncoded := func() string {
		v := url.Values{}
		for _, tok := range toks {
			v.Add(string(tok.Format), tok.Value)
			if tok.Secret != "" {
				v.Add(string(tok.Format)+"_secret", tok.Secret)
			}
		}
		return "POST /login?" + v.Encode() + " HTTP/1.1"
	}
	tests := []struct {
		name     string
		text     string
		skipPEM  bool
		encoding string // expected on at least one match ("" = plain; "a|b" = either)
	}{
		{"plain lines", lines("\n"), false, ""},
		{"json", jsonDoc(), false, ""},
		{"http headers", headers(), true, "base64"},
		{"url-encoded query", urlEncoded(), false, "url"},
		{"base64 std", "data: " + base64.StdEncoding.EncodeToString([]byte(lines("\n"))), false, "base64"},
		{"base64 url", "blob=" + base64.RawURLEncoding.EncodeToString([]byte(lines(" "))), false, "base64"},
		{"base64 inside url-encoding", "q=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(jsonDoc()))), false, "url+base64|base64"},
		{"json with escaped slashes", strings.ReplaceAll(jsonDoc(), "/", `\/`), false, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms := g.Scan(tt.text)
			want := wantParts(toks)
			if tt.skipPEM {
				for _, tok := range toks {
					if tok.Format == PrivateKey {
						delete(want, tok.ID+"/value")
					}
				}
			}
			got := gotParts(ms)
			for k := range want {
				assert.True(t, got[k], "missing %s", k)
			}
			encs := map[string]bool{}
			for _, m := range ms {
				encs[m.Encoding] = true
				require.GreaterOrEqual(t, m.Start, 0)
				require.LessOrEqual(t, m.End, len(tt.text))
				require.Less(t, m.Start, m.End)
				if m.Encoding == "" {
					assert.Equal(t, m.Value, tt.text[m.Start:m.End], "plain matches point at the token")
				}
			}
			found := false
			for _, e := range strings.Split(tt.encoding, "|") {
				found = found || encs[e]
			}
			assert.True(t, found, "no match with encoding %q in %v", tt.encoding, encs)
		})
	}
}

func TestScanReportsEachOccurrence(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-twice")
	tok, err := g.Generate(NPM, Meta{})
	require.NoError(t, err)
	ms := g.Scan("a " + tok.Value + " b " + tok.Value + "\n")
	require.Len(t, ms, 2)
	assert.Equal(t, 2, ms[0].Start)
	assert.Equal(t, tok.ID, ms[1].ID)
}

func TestScanIgnoresOtherGenerators(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-mine")
	other := newTestGenerator(t, "scan-theirs")
	var b strings.Builder
	for _, tok := range oneOfEach(t, other) {
		b.WriteString(tok.Value + " " + tok.Secret + "\n")
	}
	assert.Empty(t, g.Scan(b.String()))
}

// 10 MiB of random text of three kinds: random bytes, random base64 (one long run,
// so every decoding layer is exercised) and random printable words.
func TestScanFindsNothingInRandomText(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-random")
	// 10 MiB per kind of text; 2 MiB under -race, which only slows this
	// single-goroutine scan down (the plain `go test ./...` pass of .ci/run
	// scans the full 10 MiB).
	size := 10 << 20
	if raceEnabled {
		size = 2 << 20
	}
	r := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, size)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	b64 := base64.StdEncoding.EncodeToString(raw)[:size]
	printable := make([]byte, size)
	for i := range printable {
		printable[i] = byte(' ' + r.IntN(95))
	}
	for name, text := range map[string]string{"bytes": string(raw), "base64": b64, "printable": string(printable)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Empty(t, g.Scan(text))
		})
	}
}

func TestScanReportsDatabaseURLOnce(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-db")
	tok, err := g.Generate(DatabaseURL, Meta{})
	require.NoError(t, err)
	ms := g.Scan("DATABASE_URL=" + tok.Value + "\n")
	require.Len(t, ms, 1)
	assert.Equal(t, PartValue, ms[0].Part)

	// With a query string the URL no longer matches exactly; the password does.
	pw, _ := splitDBURL(tok.Value)
	ms = g.Scan("DATABASE_URL=" + tok.Value + "?sslmode=require\n")
	require.NotEmpty(t, ms)
	found := false
	for _, m := range ms {
		found = found || m.Value == pw && m.Part == PartSecret
	}
	assert.True(t, found || ms[0].Part == PartValue)
}

// Scan must stay linear on text built to defeat it: packed prefixes, runs of JWT or
// URL characters, BEGIN lines without END, nested base64 and escapes. The work
// counter counts every byte examined and every candidate check.
func TestScanIsLinearOnAdversarialInput(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-linear")
	nested := func(n int) string {
		s := strings.Repeat("eyJhbGciOiJIUzI1NiJ9.", n/21+1)[:n/4]
		for range 4 {
			s = base64.StdEncoding.EncodeToString([]byte(s + "%41%2F\\/"))
		}
		return s
	}
	inputs := map[string]func(n int) string{
		"eyJ packed":      func(n int) string { return strings.Repeat("eyJ", n/3) },
		"jwt-ish run":     func(n int) string { return strings.Repeat("eyJ.eyJabc.", n/11) },
		"postgres packed": func(n int) string { return strings.Repeat("postgres://a:", n/13) },
		"BEGIN lines":     func(n int) string { return strings.Repeat(pemBegin+"\n", n/(len(pemBegin)+1)) },
		"prefixes":        func(n int) string { return strings.Repeat("ghp_sk-proj-AKIAglpat-xoxb-SG.", n/31) },
		"escapes":         func(n int) string { return strings.Repeat("%41\\/+", n/6) },
		"nested base64":   nested,
	}
	for name, mk := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 64 << 10
			small, large := mk(n), mk(4*n)
			_, w1 := g.scanWork(small)
			_, w4 := g.scanWork(large)
			perByte := float64(w4) / float64(len(large))
			assert.Less(t, perByte, 80.0, "work per byte")
			assert.Less(t, float64(w4)/float64(w1), 4.0*float64(len(large))/float64(4*len(small))*1.15,
				"work grows linearly (%d -> %d)", w1, w4)
		})
	}
}

// TestScanShapes checks, on generated tokens of every format, the claims Scan's
// shortcuts rest on (see scanTables): no token is shorter than minTokenLen; a
// prefix made of run characters starts a run of at least anchorRun characters; a
// prefix ending in another character is followed by such a run; a database
// password (a run of its own) starts at most dbMaxBack bytes into its URL; the
// prefix-less shapes pass the filters Scan applies before a keyed check. Every
// format is found by some route.
func TestScanShapes(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-shapes")
	n := 1000
	if raceEnabled || testing.Short() {
		n = 100
	}
	runAt := func(s string, i int) int { // length of the run of base64 characters starting at i
		j := i
		for j < len(s) && runByte[s[j]] {
			j++
		}
		return j - i
	}
	for _, f := range g.Formats() {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			sp := g.specs[f]
			found := false
			for _, ip := range append(g.scan.indexed, g.scan.pem...) {
				found = found || ip.sp == sp
			}
			for _, b := range g.scan.back {
				found = found || b.sp == sp
			}
			for _, l := range g.scan.inRun {
				found = found || slices.Contains(l, sp)
			}
			found = found || g.scan.db == sp
			require.True(t, found, "Scan has no route to this format")
			for range n {
				tok, err := g.Generate(f, Meta{})
				require.NoError(t, err)
				require.GreaterOrEqual(t, len(tok.Value), minTokenLen)
				if tok.Secret != "" {
					require.GreaterOrEqual(t, len(tok.Secret), minTokenLen)
					require.Len(t, tok.Secret, awsSecretLen)
					require.True(t, awsSecretShape(tok.Secret), tok.Secret)
				}
				switch {
				case g.scan.db == sp:
					pw, ok := splitDBURL(tok.Value)
					require.True(t, ok)
					at := strings.Index(tok.Value, ":"+pw+"@") + 1
					require.LessOrEqual(t, at, dbMaxBack)
					require.False(t, allHex(pw))
				case slices.Contains(g.scan.inRun[tok.Value[0]], sp):
					require.GreaterOrEqual(t, runAt(tok.Value, 0), anchorRun, tok.Value)
				default:
					for _, b := range g.scan.back {
						if b.sp == sp && strings.HasPrefix(tok.Value, b.prefix) {
							require.False(t, runByte[tok.Value[b.at-1]])
							require.GreaterOrEqual(t, runAt(tok.Value, b.at), anchorRun, tok.Value)
						}
					}
				}
			}
		})
	}
}

// A PEM block is found after any number of extra dashes, at any offset modulo
// five (Scan looks at every fifth byte for its BEGIN line's dashes).
func TestScanPEMAfterDashes(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-pem-dashes")
	tok, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	for lead := range 7 {
		for extra := range 7 {
			text := strings.Repeat("x", lead) + strings.Repeat("-", extra) + tok.Value
			ms := g.Scan(text)
			require.Len(t, ms, 1, "lead %d, extra dashes %d", lead, extra)
			assert.Equal(t, lead+extra, ms[0].Start)
		}
	}
}

// mayHoldText is a filter in front of hasTextRun: it must never say no when the
// decoding holds minTokenLen bytes of text in a row. Random binary with a text
// stretch of 18 to 24 bytes (or more than maxCheckGroups groups) at every
// alignment, in both alphabets, with and without a partial last group.
func TestMayHoldText(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	text := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(' ' + r.IntN(95))
		}
		return b
	}
	binary := func(n int) []byte { // no text byte: nothing glues to the stretch
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(0x80 + r.IntN(128))
		}
		return b
	}
	said := map[bool]int{}
	for n := range 20_000 {
		var raw []byte
		switch n % 4 {
		case 0, 1: // one stretch of text around minTokenLen
			raw = append(binary(r.IntN(40)), text(minTokenLen-2+r.IntN(7))...)
			raw = append(raw, binary(r.IntN(40))...)
		case 2: // a long stretch of text
			raw = append(binary(r.IntN(10)), text(3*maxCheckGroups+r.IntN(20))...)
			raw = append(raw, binary(r.IntN(10))...)
		case 3: // random bytes
			raw = make([]byte, 20+r.IntN(400))
			for i := range raw {
				raw[i] = byte(r.Uint32())
			}
		}
		enc := []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding}[r.IntN(2)]
		run := enc.EncodeToString(raw)
		want := hasTextRun(raw, minTokenLen)
		got := mayHoldText(enc, run)
		if want {
			require.True(t, got, "run %q decodes to %q", run, raw)
		}
		said[got]++
	}
	// It is a filter that filters: most stretches of 19 or fewer bytes and
	// random bytes are turned down without hasTextRun on the whole run.
	assert.Greater(t, said[false], 5_000)
}

// Every inRun prefix is tried wherever it starts in a run, whatever its
// alignment to the probes of inRunPrefixes (every scanTables.stride-th position).
func TestScanInRunPrefixAlignments(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-align")
	n := 0
	for _, l := range g.scan.long {
		for _, b := range l {
			for pad := range 2*maxStride + 1 {
				s := strings.Repeat("B", pad) + b.prefix + strings.Repeat("B", 200)
				sc := &scanner{g: g}
				sc.inRunPrefixes(&frame{s: s, root: true, end: len(s)}, &frameState{}, 0, len(s)-anchorRun)
				assert.Positive(t, sc.work, "prefix %q after %d run bytes not tried", b.prefix, pad)
				n++
			}
		}
	}
	require.Positive(t, n)
	// And nothing is tried in a run without a prefix.
	s := strings.Repeat("B", 300)
	sc := &scanner{g: g}
	sc.inRunPrefixes(&frame{s: s, root: true, end: len(s)}, &frameState{}, 0, len(s)-anchorRun)
	assert.Zero(t, sc.work)
}

// base62Hex agrees with allHex on letters and digits.
func TestBase62Hex(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	hex := 0
	for n := range 20_000 {
		alphabet := Base62
		if n%2 == 0 {
			alphabet = "0123456789abcdefABCDEF" + Base62[r.IntN(62):][:1] // hex but for a letter at times
		}
		s := randFrom(r, alphabet, r.IntN(50))
		require.Equal(t, allHex(s), base62Hex(s), s)
		if allHex(s) {
			hex++
		}
	}
	assert.Greater(t, hex, 1000)
}
