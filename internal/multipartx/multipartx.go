// Package multipartx builds a multipart/form-data body that streams its file
// part: the form fields and the part header are small buffers, the file is read
// straight from the caller's reader, so a 50 MiB upload costs a few KiB of
// memory. No goroutine is involved.
package multipartx

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
)

// File is the one file part of a form.
type File struct {
	Field       string    // form field name, e.g. "web_image"
	Name        string    // file name sent in Content-Disposition
	ContentType string    // e.g. "image/png"
	Content     io.Reader // read once, from its current position
	Size        int64     // bytes in Content, or -1 when unknown
}

// Body is a streaming multipart body.
type Body struct {
	ContentType string // multipart/form-data; boundary=...
	// Length is the exact body length, or -1 when the file size is unknown
	// (the request is then sent chunked).
	Length int64

	head, tail []byte
	file       io.Reader
	start      int64 // file offset at creation, for Rewind
}

type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// New builds a body holding the fields (sorted by name, for stable output)
// followed by f.
func New(fields url.Values, f File) (*Body, error) {
	var head, tail bytes.Buffer
	sw := &switchWriter{w: &head}
	mw := multipart.NewWriter(sw)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range fields[k] {
			if err := mw.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(f.Field), escapeQuotes(f.Name)))
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	sw.w = &tail
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b := &Body{
		ContentType: mw.FormDataContentType(),
		Length:      -1,
		head:        head.Bytes(),
		tail:        tail.Bytes(),
		file:        f.Content,
	}
	if f.Size >= 0 {
		b.Length = int64(len(b.head)) + f.Size + int64(len(b.tail))
	}
	if s, ok := f.Content.(io.Seeker); ok {
		if off, err := s.Seek(0, io.SeekCurrent); err == nil {
			b.start = off
		}
	}
	return b, nil
}

// Reader returns the body's bytes as one stream.
func (b *Body) Reader() io.Reader {
	return io.MultiReader(bytes.NewReader(b.head), b.file, bytes.NewReader(b.tail))
}

// Rewindable reports whether Rewind can replay the body (the file is an
// io.Seeker), which retries need.
func (b *Body) Rewindable() bool {
	_, ok := b.file.(io.Seeker)
	return ok
}

// Rewind seeks the file back to where it was when New was called.
func (b *Body) Rewind() error {
	s, ok := b.file.(io.Seeker)
	if !ok {
		return fmt.Errorf("multipartx: the file cannot be replayed (not an io.Seeker)")
	}
	_, err := s.Seek(b.start, io.SeekStart)
	return err
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }
