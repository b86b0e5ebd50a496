package canary

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Magic-number prefixes of the file types each upload kind takes.
var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	docxBytes = []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")
	pdfBytes  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
	exeBytes  = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.")
)

// multipartCapture registers a create responder that decodes the multipart
// body with mime/multipart.
type multipartCapture struct {
	fields   url.Values
	field    string
	filename string
	ctype    string
	content  []byte
	length   int64
}

func onMultipartCreate(t *testing.T, f *fixture) *multipartCapture {
	got := &multipartCapture{}
	body := golden(t, "tokens/create_http.json")
	f.mock.RegisterResponder("POST", testBase+"/canarytoken/create", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, testToken, r.Header.Get("X-Canary-Auth-Token"))
		assert.Empty(t, r.URL.RawQuery)
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "multipart/form-data", mt)
		got.length = r.ContentLength
		mr := multipart.NewReader(r.Body, params["boundary"])
		got.fields = url.Values{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			b, err := io.ReadAll(p)
			require.NoError(t, err)
			if p.FileName() != "" {
				got.field, got.filename, got.ctype, got.content = p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b
				continue
			}
			got.fields.Add(p.FormName(), string(b))
		}
		return httpmock.NewStringResponse(200, body), nil
	})
	return got
}

func TestCreateUploadsEachFileKind(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind     Kind
		file     []byte
		name     string
		field    string
		wantType string
	}{
		{KindMSWord, docxBytes, "q3-board.docx", "doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{KindPDF, pdfBytes, "payroll.pdf", "pdf", "application/pdf"},
		{KindWebImage, pngBytes, "logo.png", "web_image", "image/png"},
		{KindWebImage, jpegBytes, "photo.jpg", "web_image", "image/jpeg"},
		{KindSignedExe, exeBytes, "vpn-client.exe", "exe", "application/x-msdownload"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			got := onMultipartCreate(t, f)
			_, err := f.c.Tokens.Create(context.Background(), CreateTokenRequest{
				Kind: tc.kind, Memo: "planted in " + tc.name,
				Upload: &Upload{Filename: "/home/me/" + tc.name, Content: bytes.NewReader(tc.file)},
			})
			require.NoError(t, err)
			assert.Equal(t, url.Values{"kind": {string(tc.kind)}, "memo": {"planted in " + tc.name}}, got.fields)
			assert.Equal(t, tc.field, got.field)
			assert.Equal(t, tc.name, got.filename, "only the base name is sent")
			assert.Equal(t, tc.wantType, got.ctype)
			assert.Equal(t, tc.file, got.content)
			assert.Positive(t, got.length, "a sized reader gives a Content-Length")
		})
	}
}

func TestCreateUploadFromFileAndUnsizedReader(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(path, pdfBytes, 0o600))
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	f := setup(t)
	got := onMultipartCreate(t, f)
	_, err = f.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindPDF, Memo: "m", Upload: &Upload{Filename: "report.pdf", Content: fh}})
	require.NoError(t, err)
	assert.Equal(t, pdfBytes, got.content)
	assert.Positive(t, got.length)

	// A *bytes.Buffer reports its length, but reading drains it.
	f3 := setup(t)
	got3 := onMultipartCreate(t, f3)
	_, err = f3.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindPDF, Memo: "m",
		Upload: &Upload{Filename: "b.pdf", Content: bytes.NewBuffer(append([]byte(nil), pdfBytes...))}})
	require.NoError(t, err)
	assert.Equal(t, pdfBytes, got3.content)
	assert.Positive(t, got3.length)

	// A plain io.Reader (a pipe, a network stream) is sent chunked.
	f2 := setup(t)
	got2 := onMultipartCreate(t, f2)
	_, err = f2.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindWebImage, Memo: "m",
		Upload: &Upload{Filename: "x.png", Content: io.MultiReader(bytes.NewReader(pngBytes[:4]), bytes.NewReader(pngBytes[4:]))}})
	require.NoError(t, err)
	assert.Equal(t, pngBytes, got2.content)
	assert.Equal(t, int64(-1), got2.length)
}

func TestCreateBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		req   CreateTokenRequest
		field string
		says  string
	}{
		{"empty memo", CreateTokenRequest{Kind: KindHTTP, Memo: "  "}, "Memo", "must not be empty"},
		{"memo too long", CreateTokenRequest{Kind: KindHTTP, Memo: strings.Repeat("é", 10001)}, "Memo", "at most 10000"},
		{"empty kind", CreateTokenRequest{Memo: "m"}, "Kind", "must not be empty"},
		{"unknown kind", CreateTokenRequest{Kind: "htttp", Memo: "m"}, "Kind", "AllowUnknownKind"},
		{"flow kind", CreateTokenRequest{Kind: KindGmail, Memo: "m"}, "Kind", "/canarytoken/gmail"},
		{"web-image without image", CreateTokenRequest{Kind: KindWebImage, Memo: "m"}, "Upload", "PNG or JPEG"},
		{"web-image given a pdf", CreateTokenRequest{Kind: KindWebImage, Memo: "m", Upload: &Upload{Filename: "x.png", Content: bytes.NewReader(pdfBytes)}}, "Upload", "looks like application/pdf"},
		{"doc-msword given a legacy doc", CreateTokenRequest{Kind: KindMSWord, Memo: "m", Upload: &Upload{Filename: "x.doc", Content: bytes.NewReader([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"))}}, "Upload", ".docx"},
		{"pdf given an image", CreateTokenRequest{Kind: KindPDF, Memo: "m", Upload: &Upload{Filename: "x.pdf", Content: bytes.NewReader(pngBytes)}}, "Upload", "PDF"},
		{"signed-exe given a script", CreateTokenRequest{Kind: KindSignedExe, Memo: "m", Upload: &Upload{Filename: "x.exe", Content: strings.NewReader("#!/bin/sh")}}, "Upload", "MZ"},
		{"signed-exe without file", CreateTokenRequest{Kind: KindSignedExe, Memo: "m"}, "Upload", "required"},
		{"empty file", CreateTokenRequest{Kind: KindPDF, Memo: "m", Upload: &Upload{Filename: "x.pdf", Content: bytes.NewReader(nil)}}, "Upload", "empty"},
		{"nil content", CreateTokenRequest{Kind: KindPDF, Memo: "m", Upload: &Upload{Filename: "x.pdf"}}, "Upload", "nil"},
		{"no filename", CreateTokenRequest{Kind: KindPDF, Memo: "m", Upload: &Upload{Content: bytes.NewReader(pdfBytes)}}, "Upload", "Filename"},
		{"file for a fileless kind", CreateTokenRequest{Kind: KindDNS, Memo: "m", Upload: &Upload{Filename: "x.pdf", Content: bytes.NewReader(pdfBytes)}}, "Upload", "takes no file"},
		{"cloned-web without domain", CreateTokenRequest{Kind: KindClonedWeb, Memo: "m"}, "ClonedWeb", "required"},
		{"cloned-web with a URL", CreateTokenRequest{Kind: KindClonedWeb, Memo: "m", ClonedWeb: "https://intranet.example.com/login"}, "ClonedWeb", "two labels"},
		{"cloned-web one label", CreateTokenRequest{Kind: KindClonedWeb, Memo: "m", ClonedWeb: "intranet"}, "ClonedWeb", "two labels"},
		{"redirect without url", CreateTokenRequest{Kind: KindFastRedirect, Memo: "m"}, "BrowserRedirectURL", "required"},
		{"redirect relative", CreateTokenRequest{Kind: KindSlowRedirect, Memo: "m", BrowserRedirectURL: "/x"}, "BrowserRedirectURL", "absolute"},
		{"sensitive-cmd without process", CreateTokenRequest{Kind: KindSensitiveCmd, Memo: "m"}, "ProcessName", "required"},
		{"sensitive-cmd with a path", CreateTokenRequest{Kind: KindSensitiveCmd, Memo: "m", ProcessName: `C:\Windows\klist.exe`}, "ProcessName", "not a path"},
		{"aws-s3 without buckets", CreateTokenRequest{Kind: KindAWSS3, Memo: "m", S3SourceBucket: "a"}, "S3LogBucket", "required"},
		{"bad expiry", CreateTokenRequest{Kind: KindAWSID, Memo: "m", Expiry: "6 months"}, "Expiry", "unit"},
		{"expiry on http", CreateTokenRequest{Kind: KindHTTP, Memo: "m", Expiry: "6mo"}, "Expiry", "not used by kind http"},
		{"cloned_web on dns", CreateTokenRequest{Kind: KindDNS, Memo: "m", ClonedWeb: "a.example.com"}, "ClonedWeb", "not used by kind dns"},
		{"bad industry", CreateTokenRequest{Kind: KindMySQLDump, Memo: "m", Industry: "space"}, "Industry", "one of"},
		{"AD login without users", CreateTokenRequest{Kind: KindActiveDirectoryLogin, Memo: "m"}, "TokenedUsernames", "required"},
		{"AD login with comma", CreateTokenRequest{Kind: KindActiveDirectoryLogin, Memo: "m", TokenedUsernames: []string{"a,b"}}, "TokenedUsernames", "comma"},
		{"extra duplicates typed", CreateTokenRequest{Kind: KindHTTP, Memo: "m", Extra: url.Values{"memo": {"x"}}}, "Extra", "typed field"},
		{"extra smuggles auth", CreateTokenRequest{Kind: KindHTTP, Memo: "m", Extra: url.Values{"auth_token": {"x"}}}, "Extra", "header"},
		{"unknown kind upload without field", CreateTokenRequest{Kind: "new-file-kind", AllowUnknownKind: true, Memo: "m", Upload: &Upload{Filename: "x", Content: bytes.NewReader(pdfBytes)}}, "Upload", "Field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			_, err := f.c.Tokens.Create(context.Background(), tc.req)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, err.Error(), tc.says)
			assert.ErrorIs(t, err, ErrInvalidRequest)
			assert.Zero(t, f.mock.GetTotalCallCount(), "no request is sent")
		})
	}
}

func TestCreateServerRejection(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "POST", "/canarytoken/create", 200, `{"message": "Could not process the parameters. cloned_web is invalid, not enough domain labels", "result": "error"}`)
	_, err := f.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindClonedWeb, Memo: "m", ClonedWeb: "a.b"})
	assert.ErrorIs(t, err, ErrInvalidRequest)
	assert.Contains(t, err.Error(), "not enough domain labels")
}

// zeroReader yields n zero bytes without holding them.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	m := min(int64(len(p)), z.n)
	clear(p[:m])
	z.n -= m
	return int(m), nil
}

// countingTransport consumes request bodies without keeping them.
type countingTransport struct{ bytes atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n, err := io.CopyBuffer(io.Discard, r.Body, make([]byte, 32<<10))
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	c.bytes.Add(n)
	return httpmock.NewStringResponse(200, `{"result":"success","canarytoken":{"canarytoken":"t","kind":"signed-exe","memo":"m"}}`), nil
}

// TestFiftyMiBUploadStreams sends a 50 MiB signed-exe through the whole
// client and checks that the heap did not pay for it.
func TestFiftyMiBUploadStreams(t *testing.T) {
	const size = 50 << 20
	ct := &countingTransport{}
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken), WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(t, err)
	content := io.MultiReader(bytes.NewReader(exeBytes), &zeroReader{n: size - int64(len(exeBytes))})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindSignedExe, Memo: "big",
		Upload: &Upload{Filename: "big.exe", Content: content, Size: size}})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Greater(t, ct.bytes.Load(), int64(size))
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "a 50 MiB upload must not be buffered")
}

func BenchmarkUpload50MiB(b *testing.B) {
	const size = 50 << 20
	ct := &countingTransport{}
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken), WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(b, err)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		content := io.MultiReader(bytes.NewReader(exeBytes), &zeroReader{n: size - int64(len(exeBytes))})
		_, err := c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindSignedExe, Memo: "big",
			Upload: &Upload{Filename: "big.exe", Content: content, Size: size}})
		if err != nil {
			b.Fatal(err)
		}
	}
}
