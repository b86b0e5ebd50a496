package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// progress reports a listing on stderr while it runs: pages fetched, items
// read and the rate. It writes only when stderr is a terminal (see
// isTerminal); a nil *progress is quiet, so piped and redirected runs print
// nothing extra.
type progress struct {
	w     io.Writer
	what  string
	pages *atomic.Int64 // requests sent by the client (one per page while listing)
	now   func() time.Time
	every time.Duration

	base           int64 // pages before the listing started
	items          int
	start, last    time.Time
	wroteSomething bool
}

func newProgress(w io.Writer, what string, pages *atomic.Int64, now func() time.Time) *progress {
	t := now()
	return &progress{w: w, what: what, pages: pages, now: now, every: 200 * time.Millisecond,
		base: pages.Load(), start: t, last: t}
}

// item counts one item read and redraws the line at most every p.every.
func (p *progress) item() {
	if p == nil {
		return
	}
	p.items++
	if t := p.now(); t.Sub(p.last) >= p.every {
		p.last = t
		p.draw(t)
	}
}

func (p *progress) draw(t time.Time) {
	rate := ""
	if secs := t.Sub(p.start).Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.0f/s", float64(p.items)/secs)
	}
	fmt.Fprintf(p.w, "\r\033[K%s: %d pages, %d items%s", p.what, p.pages.Load()-p.base, p.items, rate)
	p.wroteSomething = true
}

// done clears the progress line, so the result starts on a clean line.
func (p *progress) done() {
	if p == nil || !p.wroteSomething {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}

// pagesOnly draws "what: N pages, R/s" every p.every until stop is
// called, for work that reads the Console without handing items over one
// by one (the audit reports). stop clears the line and waits for the
// drawing goroutine.
func (p *progress) pagesOnly() (stop func()) {
	if p == nil {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(p.every)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				t := p.now()
				rate := ""
				if secs := t.Sub(p.start).Seconds(); secs > 0 {
					rate = fmt.Sprintf(", %.0f pages/s", float64(p.pages.Load()-p.base)/secs)
				}
				fmt.Fprintf(p.w, "\r\033[K%s: %d pages%s", p.what, p.pages.Load()-p.base, rate)
				p.wroteSomething = true
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		p.done()
	}
}

// isTerminal reports whether w is a terminal (a character device), as
// kubectl and gh decide whether to draw progress.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// countingTransport counts the requests the client sends: the pages of a
// listing. It is the shape of any RoundTripper middleware, such as
// OpenTelemetry's otelhttp.NewTransport, given to canary.WithHTTPClient.
type countingTransport struct {
	base http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(r)
}
