package canary

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/decoykit/decoykit/internal/rest"
)

// Download is a token's file, such as the .docx of a doc-msword token, the
// PNG of a qr-code token or the zip of a windows-dir token.
type Download struct {
	// Filename is the file name the Console suggests (Content-Disposition),
	// reduced to a base name so it is safe to join to a directory.
	Filename    string
	ContentType string
	// Size is the length in bytes, or -1 when the Console did not say.
	Size int64
	// Body streams the file. The caller must close it.
	Body io.ReadCloser
}

// Download fetches a token's file (GET /canarytoken/download). The body is
// streamed, not buffered: close it when done. Kinds without a file answer
// with an error that matches ErrUnsupported.
//
// Canary API docs: https://docs.canary.tools/canarytokens/actions.html#download-canarytoken
//
//meta:operation GET /api/v1/canarytoken/download
func (s *TokensService) Download(ctx context.Context, id string) (*Download, error) {
	return download(ctx, s.client, "/canarytoken/download", id, nil)
}

// download streams a token's file from path; extra joins the query.
func download(ctx context.Context, c *Client, path, id string, extra url.Values) (*Download, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	q := url.Values{"canarytoken": {id}}
	for k, vs := range extra {
		q[k] = vs
	}
	r := rest.Request{Method: http.MethodGet, Path: path, Query: q, Header: http.Header{"Accept": {"*/*"}}}
	resp, err := c.sender.Stream(ctx, r)
	if err != nil {
		return nil, c.mapError(r, err)
	}
	ctype := resp.Header.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(ctype)
	if mediaType == "application/json" {
		// A JSON body here is the Console's error envelope.
		defer resp.Body.Close()
		body, err := rest.ReadCapped(resp.Body, rest.DefaultMaxErrorBodyBytes)
		if err != nil {
			return nil, c.mapError(r, err)
		}
		if err := c.decode(r, resp.StatusCode, body, nil); err != nil {
			return nil, err
		}
		return nil, malformed(r.Method, r.Path, "a JSON success body where a file was expected")
	}
	if mediaType == "text/html" {
		_ = resp.Body.Close()
		return nil, malformed(r.Method, r.Path, "got an HTML page where a file was expected (a proxy or login page?)")
	}
	return &Download{
		Filename:    downloadName(resp.Header.Get("Content-Disposition"), id, mediaType),
		ContentType: ctype,
		Size:        resp.ContentLength,
		Body:        resp.Body,
	}, nil
}

// downloadName takes the file name from Content-Disposition, stripped of any
// directory part, or makes one from the token ID and content type.
func downloadName(disposition, id, mediaType string) string {
	name := ""
	if _, params, err := mime.ParseMediaType(disposition); err == nil {
		name = params["filename"]
	} else if i := strings.Index(disposition, "filename="); i >= 0 {
		name = strings.Trim(strings.TrimSpace(disposition[i+len("filename="):]), `"; `)
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == ".." || name == "" {
		name = id
		if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
			name += exts[0]
		}
	}
	return name
}
