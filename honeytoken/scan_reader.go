package honeytoken

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"strings"
	"unsafe"
)

// StreamMatch is a honeytoken found by [Generator.ScanReader].
type StreamMatch struct {
	Match
	// Line is the 1-based number of the line of the stream where Start is.
	Line int `json:"line"`
}

// Stream windows: ScanReader reads streamChunk bytes at a time and carries the
// last streamKeep bytes before each cut into the next window (a PEM block can
// span lines).
const (
	streamChunk = 1 << 20
	streamKeep  = maxPEMSpan + 64
	// streamMaxLine bounds the window when the text has nowhere to cut it.
	streamMaxLine = 16 << 20
)

// ScanReader scans r for honeytokens of this generator as [Generator.Scan] does
// and yields each match with its byte offsets in the stream (Start, End) and its
// line number, in order of Start. Memory is bounded by a window of about 1 MiB
// plus what is carried over (8 to 16 KiB before each cut), whatever the length of
// the stream: a 100 GB log or a pipe never sits in memory. Windows are cut after
// a newline (else after a quote, else after a byte no token holds), so a token
// is found wherever the reads of r end. Text with none of those bytes for 16 MiB
// (one base64 blob) is cut there; a token across that cut may be missed.
//
// A read error other than io.EOF is yielded once, after the matches before it,
// and ends the scan. Stopping the iteration early stops reading.
func (g *Generator) ScanReader(r io.Reader) iter.Seq2[StreamMatch, error] {
	return g.scanStream(r, streamChunk, streamKeep)
}

func (g *Generator) scanStream(r io.Reader, chunk, keep int) iter.Seq2[StreamMatch, error] {
	return func(yield func(StreamMatch, error) bool) {
		var (
			buf      []byte
			base     int // offset in the stream of buf[0]
			reported int // offset in the stream up to which matches were yielded
			line     = 1 // line number at buf[0]
			readErr  error
		)
		for {
			want := len(buf) + chunk
			if cap(buf) < want {
				nb := make([]byte, len(buf), want+keep)
				copy(nb, buf)
				buf = nb
			}
			for readErr == nil && len(buf) < want {
				n, err := r.Read(buf[len(buf):want])
				buf = buf[:len(buf)+n]
				if err != nil {
					readErr = err
				} else if n == 0 {
					readErr = readZero(r, &buf, want)
				}
			}
			cut := len(buf)
			if readErr == nil {
				if cut = safeCut(buf, reported-base); cut < 0 {
					if len(buf)-(reported-base) < streamMaxLine {
						continue // read on to a byte the window may end after
					}
					cut = len(buf)
				}
			}
			var text string
			if cut > 0 {
				text = unsafe.String(&buf[0], cut)
			}
			lnPos, ln := 0, line
			for _, m := range g.Scan(text) {
				if base+m.End <= reported {
					continue // found in the previous window
				}
				ln += bytes.Count(buf[lnPos:m.Start], []byte{'\n'})
				lnPos = m.Start
				sm := StreamMatch{Match: m, Line: ln}
				sm.Value = strings.Clone(m.Value) // the window is reused
				sm.Start += base
				sm.End += base
				if !yield(sm, nil) {
					return
				}
			}
			reported = base + cut
			if readErr != nil {
				if !errors.Is(readErr, io.EOF) {
					yield(StreamMatch{}, readErr)
				}
				return
			}
			ks := carryStart(buf, cut, keep)
			line += bytes.Count(buf[:ks], []byte{'\n'})
			base += ks
			buf = buf[:copy(buf, buf[ks:])]
		}
	}
}

// readZero retries a reader that returned 0, nil (allowed, discouraged) a few
// times before giving up with io.ErrNoProgress, as bufio does.
func readZero(r io.Reader, buf *[]byte, want int) error {
	for range 100 {
		n, err := r.Read((*buf)[len(*buf):want])
		*buf = (*buf)[:len(*buf)+n]
		if n > 0 || err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// isCutByte reports whether a window may end after c: no token, run, escape
// or candidate but a PEM block spans it.
func isCutByte(c byte) bool {
	return classes[c]&(clRun|clJWT|clDBURL) == 0 && c >= ' ' && strings.IndexByte("%\\=\t", c) < 0
}

// safeCut returns where the window buf ends: after its last newline, else its
// last quote, else its last byte no token holds (past from, so that every
// window makes progress), else -1.
func safeCut(buf []byte, from int) int {
	from = max(from, 0)
	if i := bytes.LastIndexByte(buf[from:], '\n'); i >= 0 {
		return from + i + 1
	}
	if i := bytes.LastIndexByte(buf[from:], '"'); i >= 0 {
		return from + i + 1
	}
	for i := len(buf) - 1; i >= from; i-- {
		if isCutByte(buf[i]) {
			return i + 1
		}
	}
	return -1
}

// carryStart returns where the next window starts: at a line start at least
// keep bytes before cut (a PEM block that began there is found whole), else
// after a quote or a byte no token holds, but never more than 2·keep before cut.
func carryStart(buf []byte, cut, keep int) int {
	lo := max(cut-2*keep, 0)
	hi := max(cut-keep, 0)
	if hi == 0 {
		return 0
	}
	if i := bytes.LastIndexByte(buf[lo:hi], '\n'); i >= 0 {
		return lo + i + 1
	}
	if i := bytes.LastIndexByte(buf[lo:hi], '"'); i >= 0 {
		return lo + i + 1
	}
	for i := hi - 1; i >= lo; i-- {
		if isCutByte(buf[i]) {
			return i + 1
		}
	}
	return lo
}
