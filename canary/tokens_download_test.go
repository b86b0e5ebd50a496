package canary

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensDownload(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var q url.Values
	f.mock.RegisterResponder("GET", testBase+"/canarytoken/download", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, testToken, r.Header.Get("X-Canary-Auth-Token"))
		q = r.URL.Query()
		resp := httpmock.NewStringResponse(200, "PK\x03\x04docx-bytes")
		resp.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		resp.Header.Set("Content-Disposition", `attachment; filename=../../etc/q3-board.docx`)
		return resp, nil
	})
	dl, err := f.c.Tokens.Download(context.Background(), "tok1")
	require.NoError(t, err)
	defer dl.Body.Close()
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}}, q)
	assert.Equal(t, "q3-board.docx", dl.Filename, "directory parts are stripped")
	b, err := io.ReadAll(dl.Body)
	require.NoError(t, err)
	assert.Equal(t, "PK\x03\x04docx-bytes", string(b))
}

func TestTokensDownloadUnsupported(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/canarytoken/download", 200, `{"message": "File generation not supported.", "result": "error"}`)
	_, err := f.c.Tokens.Download(context.Background(), "tok1")
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestDownloadName(t *testing.T) {
	t.Parallel()
	cases := []struct{ disp, ctype, want string }{
		{`attachment; filename="a b.pdf"`, "application/pdf", "a b.pdf"},
		{`attachment; filename=x.zip`, "application/zip", "x.zip"},
		{`attachment; filename=..`, "application/zip", "tok.zip"},
		{`attachment; filename=C:\evil\x.reg`, "text/plain", "x.reg"},
		{``, "image/png", "tok.png"},
		{`garbage; filename=weird name.exe`, "", "weird name.exe"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, downloadName(c.disp, "tok", c.ctype), c.disp)
	}
}
