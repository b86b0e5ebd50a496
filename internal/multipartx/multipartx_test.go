package multipartx

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBodyParsesWithMimeMultipart(t *testing.T) {
	t.Parallel()
	content := []byte("\x89PNG\r\n\x1a\nfake image bytes")
	b, err := New(url.Values{"memo": {"a memo"}, "kind": {"web-image"}}, File{
		Field: "web_image", Name: `we"ird.png`, ContentType: "image/png",
		Content: bytes.NewReader(content), Size: int64(len(content)),
	})
	require.NoError(t, err)
	raw, err := io.ReadAll(b.Reader())
	require.NoError(t, err)
	assert.Equal(t, b.Length, int64(len(raw)))

	_, params, err := mime.ParseMediaType(b.ContentType)
	require.NoError(t, err)
	form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(1 << 20)
	require.NoError(t, err)
	assert.Equal(t, []string{"a memo"}, form.Value["memo"])
	assert.Equal(t, []string{"web-image"}, form.Value["kind"])
	fh := form.File["web_image"][0]
	assert.Equal(t, `we"ird.png`, fh.Filename)
	assert.Equal(t, "image/png", fh.Header.Get("Content-Type"))
	f, err := fh.Open()
	require.NoError(t, err)
	got, _ := io.ReadAll(f)
	assert.Equal(t, content, got)

	require.True(t, b.Rewindable())
	require.NoError(t, b.Rewind())
	again, _ := io.ReadAll(b.Reader())
	assert.Equal(t, raw, again)
}

func TestUnknownSizeAndNoRewind(t *testing.T) {
	t.Parallel()
	b, err := New(nil, File{Field: "exe", Name: "a.exe", Content: io.LimitReader(zeros{}, 10), Size: -1})
	require.NoError(t, err)
	assert.Equal(t, int64(-1), b.Length)
	assert.False(t, b.Rewindable())
	assert.Error(t, b.Rewind())
	assert.Contains(t, b.ContentType, "multipart/form-data; boundary=")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestFiftyMiBStreams reads a 50 MiB body and checks that the heap did not
// grow by anything near the file size: the file is never buffered.
func TestFiftyMiBStreams(t *testing.T) {
	const size = 50 << 20
	b, err := New(url.Values{"memo": {"big"}}, File{Field: "exe", Name: "big.exe", Content: io.LimitReader(zeros{}, size), Size: size})
	require.NoError(t, err)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := io.CopyBuffer(io.Discard, b.Reader(), make([]byte, 32<<10))
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Equal(t, b.Length, n)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "a streamed upload must not allocate its size")
}
