package honeytoken

import (
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitReader returns text in reads that end at the given offsets.
type splitReader struct {
	text  string
	cuts  []int
	off   int
	reads int
}

func (r *splitReader) Read(p []byte) (int, error) {
	if r.off >= len(r.text) {
		return 0, io.EOF
	}
	end := len(r.text)
	for _, c := range r.cuts {
		if c > r.off {
			end = min(end, c)
			break
		}
	}
	n := copy(p, r.text[r.off:end])
	r.off += n
	r.reads++
	return n, nil
}

func collect(t *testing.T, seq func(func(StreamMatch, error) bool)) []StreamMatch {
	t.Helper()
	var out []StreamMatch
	for m, err := range seq {
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// streamDoc is text with a token of every format in several encodings, one per
// line, PEM keys with real line breaks among them.
func streamDoc(t *testing.T, g *Generator) string {
	t.Helper()
	var b strings.Builder
	for i, tok := range oneOfEach(t, g) {
		switch i % 4 {
		case 0:
			b.WriteString("plain " + plantText(tok) + "\n")
		case 1:
			b.WriteString(`{"b64":"` + base64.StdEncoding.EncodeToString([]byte(plantText(tok))) + "\"}\n")
		case 2:
			b.WriteString("GET /?q=" + url.QueryEscape(plantText(tok)) + " HTTP/1.1\n")
		case 3:
			b.WriteString("x " + tok.Value + " " + tok.Secret + "\n")
		}
		if tok.Format == PrivateKey { // and as a file holds it, over three lines
			b.WriteString("id_key:\n" + tok.Value)
		}
	}
	return b.String()
}

// TestScanReaderEveryBoundary: whatever the window size and wherever the reads
// of the stream end, ScanReader yields exactly what Scan finds in the whole text,
// with stream offsets and line numbers.
func TestScanReaderEveryBoundary(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-stream")
	doc := streamDoc(t, g)
	want := g.Scan(doc)
	require.NotEmpty(t, want)
	const keep = 1024 // more than the longest PEM block of the document (an OpenSSH key: ~410 bytes)
	// lineAt[i] is the line of byte i, computed once: counting newlines
	// before every match of every pass made this test quadratic twice over.
	lineAt := make([]int, len(doc)+1)
	line := 1
	for i := range doc {
		lineAt[i] = line
		if doc[i] == '\n' {
			line++
		}
	}
	lineAt[len(doc)] = line
	check := func(t *testing.T, got []StreamMatch) {
		t.Helper()
		ms := make([]Match, len(got))
		for i, m := range got {
			ms[i] = m.Match
			if m.Line != lineAt[m.Start] { // plain if: testify's t.Helper stack walk per match was most of the time
				t.Errorf("line of %v: %d, want %d", m.Match, m.Line, lineAt[m.Start])
			}
		}
		require.Equal(t, want, ms)
	}
	// Every size and boundary without -race; under -race (scanStream runs on
	// one goroutine, so the detector has nothing to find, it only makes the
	// quadratic sweep ten times slower) the first 64 and then every 17th:
	// .ci/run's plain go test pass sweeps them all.
	step := func(i int) int {
		if raceEnabled && i >= 64 {
			return 17
		}
		return 1
	}
	t.Run("every chunk size", func(t *testing.T) {
		t.Parallel()
		for chunk := 1; chunk <= len(doc); chunk += step(chunk) {
			check(t, collect(t, g.scanStream(strings.NewReader(doc), chunk, keep)))
		}
	})
	t.Run("every read boundary", func(t *testing.T) {
		t.Parallel()
		for p := 1; p < len(doc); p += step(p) {
			r := &splitReader{text: doc, cuts: []int{p}}
			check(t, collect(t, g.scanStream(r, max(p, 1), keep)))
		}
	})
	t.Run("one byte reads", func(t *testing.T) {
		t.Parallel()
		check(t, collect(t, g.scanStream(iotest.OneByteReader(strings.NewReader(doc)), 97, keep)))
		check(t, collect(t, g.ScanReader(iotest.HalfReader(strings.NewReader(doc)))))
	})
}

// A line longer than the window is cut after a byte no token holds: every
// token on it is still found.
func TestScanReaderLongLine(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-stream-line")
	var b strings.Builder
	var ids []string
	for _, tok := range oneOfEach(t, g) {
		if tok.Format == PrivateKey {
			continue
		}
		b.WriteString(`"` + tok.Value + `", `)
		ids = append(ids, tok.ID)
	}
	line := strings.Repeat(b.String(), 3)
	for _, chunk := range []int{7, 64, 301, 1000} {
		got := map[string]int{}
		for _, m := range collect(t, g.scanStream(strings.NewReader(line), chunk, 128)) {
			got[m.ID]++
			assert.Equal(t, 1, m.Line)
			assert.Equal(t, m.Value, line[m.Start:m.End])
		}
		for _, id := range ids {
			assert.Equal(t, 3, got[id], "chunk %d: token %s", chunk, id)
		}
	}
}

func TestScanReaderErrorsAndStop(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "scan-stream-err")
	tok, err := g.Generate(GitHubClassic, Meta{})
	require.NoError(t, err)
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a "+tok.Value+"\n"), iotest.ErrReader(boom))
	var ms []StreamMatch
	var errs []error
	for m, err := range g.ScanReader(r) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ms = append(ms, m)
	}
	require.Len(t, ms, 1, "the match before the error is yielded")
	assert.Equal(t, tok.ID, ms[0].ID)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], boom)

	// Stopping early stops reading.
	sr := &splitReader{text: strings.Repeat("x "+tok.Value+"\n", 100), cuts: []int{50}}
	for range g.scanStream(sr, 64, 128) {
		break
	}
	assert.Less(t, sr.reads, 5)
}
