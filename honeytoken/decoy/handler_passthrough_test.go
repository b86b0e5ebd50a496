package decoy

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seen is what the real handler observed of a request.
type seen struct {
	Method, URL, Host, RemoteAddr string
	Header                        http.Header
	ContentLength                 int64
	Body                          []byte
	BodyErr                       string
}

func observe(out *seen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*out = seen{Method: r.Method, URL: r.URL.String(), Host: r.Host, RemoteAddr: r.RemoteAddr,
			Header: r.Header.Clone(), ContentLength: r.ContentLength}
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			out.Body = b
			if err != nil {
				out.BodyErr = err.Error()
			}
			_ = r.Body.Close()
		}
		w.Header().Set("X-Real", "yes")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":1}`))
	})
}

// failingBody yields data and then fails.
type failingBody struct {
	r   *bytes.Reader
	err error
}

func (f *failingBody) Read(p []byte) (int, error) {
	if f.r.Len() == 0 {
		return 0, f.err
	}
	return f.r.Read(p)
}
func (f *failingBody) Close() error { return nil }

func TestCleanRequestsPassThroughByteForByte(t *testing.T) {
	t.Parallel()
	g := newGen(t, "clean")
	rnd := rand.New(rand.NewPCG(1, 2))
	big := make([]byte, 200<<10) // larger than the scan cap below
	for i := range big {
		big[i] = byte(rnd.UintN(256))
	}
	small := []byte(`{"name":"widget","tags":["a","b"],"token":"not-a-honeytoken"}`)
	bodyErr := errors.New("client went away")
	cases := []struct {
		name string
		body func() io.ReadCloser
		n    int64
	}{
		{"no body", nil, 0},
		{"small body", func() io.ReadCloser { return io.NopCloser(bytes.NewReader(small)) }, int64(len(small))},
		{"body larger than the scan cap", func() io.ReadCloser { return io.NopCloser(bytes.NewReader(big)) }, int64(len(big))},
		{"chunked body of unknown length", func() io.ReadCloser { return io.NopCloser(bytes.NewReader(big)) }, -1},
		{"body failing inside the scanned head", func() io.ReadCloser {
			return &failingBody{r: bytes.NewReader(big[:1000]), err: bodyErr}
		}, int64(len(big))},
		{"body failing after the scanned head", func() io.ReadCloser {
			return &failingBody{r: bytes.NewReader(big[:100<<10]), err: bodyErr}
		}, int64(len(big))},
	}
	optsets := map[string][]Option{
		"default":           nil,
		"body scan":         {WithBodyScan(64 << 10)},
		"body and thorough": {WithBodyScan(64 << 10), WithThoroughScan(true)},
	}
	for _, c := range cases {
		for oname, opts := range optsets {
			t.Run(c.name+"/"+oname, func(t *testing.T) {
				t.Parallel()
				build := func() *http.Request {
					r := httptest.NewRequest(http.MethodPost, "https://api.example.test/v1/items?limit=5&q=a%20b&cursor=eyJwIjoyfQ", nil)
					r.RemoteAddr = "192.0.2.10:4000"
					r.Header.Set("Authorization", cleanBearer)
					r.Header.Set("Cookie", "session=abc123def456; theme=dark")
					r.Header.Set("X-Api-Key", "live_0123456789abcdef")
					r.Header.Add("X-Multi", "one")
					r.Header.Add("X-Multi", "two")
					if c.body != nil {
						r.Body = c.body()
						r.ContentLength = c.n
					} else {
						r.Body = http.NoBody
					}
					return r
				}
				var bare, wrapped seen
				wb := httptest.NewRecorder()
				observe(&bare).ServeHTTP(wb, build())
				var rec collector
				ww := httptest.NewRecorder()
				Middleware(g, observe(&wrapped), append([]Option{WithRecorder(&rec)}, opts...)...).ServeHTTP(ww, build())

				require.Empty(t, rec.all(), "a clean request is not a hit")
				assert.Equal(t, bare, wrapped, "the real handler sees exactly the same request")
				assert.Equal(t, wb.Code, ww.Code)
				assert.Equal(t, wb.Header(), ww.Header())
				assert.Equal(t, wb.Body.Bytes(), ww.Body.Bytes())
			})
		}
	}
}
