package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressDrawsPagesItemsAndRate(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var pages atomic.Int64
	pages.Store(3) // requests before the listing (a ping) are not pages of it
	now := mustTime(t, "2026-03-10T12:00:00Z")
	p := newProgress(&buf, "listing incidents", &pages, func() time.Time { return now })
	for i := range 500 {
		if i%100 == 0 {
			pages.Add(1)
		}
		now = now.Add(time.Millisecond)
		p.item()
	}
	p.done()
	out := buf.String()
	assert.Contains(t, out, "\r\033[Klisting incidents: 2 pages, 200 items, 1000/s")
	assert.Contains(t, out, "\r\033[Klisting incidents: 4 pages, 400 items, 1000/s")
	assert.Equal(t, 2, bytes.Count(buf.Bytes(), []byte("items")), "redrawn at most every 200ms")
	assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("\r\033[K")), "the line is cleared at the end")
}

func TestProgressIsQuietWhenNotATerminal(t *testing.T) {
	t.Parallel()
	var nilProgress *progress
	nilProgress.item() // a nil progress does nothing
	nilProgress.done()

	assert.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file is not a terminal")

	// A pipe (stderr of a CI job) is not a terminal: run() draws nothing.
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	assert.False(t, isTerminal(w))
	var out bytes.Buffer
	code := run(t.Context(), []string{"--demo", "alerts", "--all"}, &out, w, func(string) string { return "" })
	require.NoError(t, w.Close())
	require.Equal(t, exitOK, code)
	var errOut bytes.Buffer
	_, err = errOut.ReadFrom(r)
	require.NoError(t, err)
	assert.Empty(t, errOut.String())
}

func TestCountingTransportCountsRequests(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	var n atomic.Int64
	hc := &http.Client{Transport: countingTransport{base: srv.Client().Transport, n: &n}}
	for range 3 {
		resp, err := hc.Get(srv.URL)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	assert.Equal(t, int64(3), n.Load())
}

func TestProgressPagesOnly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		var pages atomic.Int64
		p := newProgress(&buf, "reading the Console", &pages, time.Now)
		stop := p.pagesOnly()
		pages.Add(10)
		time.Sleep(1100 * time.Millisecond) // five redraws, at 200ms, 400ms, ... 1s
		stop()
		out := buf.String()
		assert.Contains(t, out, "\r\033[Kreading the Console: 10 pages, 50 pages/s")
		assert.Equal(t, 5, strings.Count(out, "pages/s"))
		assert.True(t, strings.HasSuffix(out, "\r\033[K"), "the line is cleared at the end")

		var quiet *progress
		quiet.pagesOnly()() // nil: no goroutine, nothing drawn
	})
}
