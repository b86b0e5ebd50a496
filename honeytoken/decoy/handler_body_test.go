package decoy

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

const fiftyMiB = 50 << 20

// pseudoBody is a reproducible stream: head, then filler bytes up to size.
type pseudoBody struct {
	head string
	size int64
	off  int64
	rnd  *rand.ChaCha8
	read *int64
}

func newPseudoBody(head string, size int64, read *int64) *pseudoBody {
	return &pseudoBody{head: head, size: size, rnd: rand.NewChaCha8([32]byte{7}), read: read}
}

func (p *pseudoBody) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	if int64(len(b)) > p.size-p.off {
		b = b[:p.size-p.off]
	}
	n := 0
	if p.off < int64(len(p.head)) {
		n = copy(b, p.head[p.off:])
	}
	_, _ = p.rnd.Read(b[n:])
	for i := n; i < len(b); i++ {
		b[i] = 'a' + b[i]%26 // text, so a scanner has work to do
	}
	p.off += int64(len(b))
	if p.read != nil {
		*p.read += int64(len(b))
	}
	return len(b), nil
}

func (p *pseudoBody) Close() error { return nil }

func digest(r io.Reader) ([32]byte, int64) {
	h := sha256.New()
	n, _ := io.Copy(h, r)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, n
}

func TestFiftyMiBBody(t *testing.T) {
	t.Parallel()
	g := newGen(t, "big")
	tok := mint(t, g, honeytoken.GitHubClassic)
	head := `{"token":"` + tok.Value + `","data":"`

	t.Run("handler reads only the cap", func(t *testing.T) {
		t.Parallel()
		var read int64
		var rec collector
		r := httptest.NewRequest(http.MethodPost, "/upload", nil)
		r.Body = newPseudoBody(head, fiftyMiB, &read)
		r.ContentLength = fiftyMiB
		w := httptest.NewRecorder()
		Handler(g, WithRecorder(&rec)).ServeHTTP(w, r)
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		require.Len(t, rec.all(), 1)
		assert.Equal(t, InBody, rec.all()[0].Found.Kind)
		assert.Equal(t, len(`{"token":"`), rec.all()[0].Found.Offset)
		assert.LessOrEqual(t, read, int64(DefaultBodyScan), "never more than the scan cap is read")
	})

	t.Run("a token beyond the cap is not seen", func(t *testing.T) {
		t.Parallel()
		var rec collector
		r := httptest.NewRequest(http.MethodPost, "/upload", strings.NewReader(strings.Repeat(" ", 1024)+tok.Value))
		Handler(g, WithRecorder(&rec), WithBodyScan(1024)).ServeHTTP(httptest.NewRecorder(), r)
		assert.Empty(t, rec.all())
	})

	for _, c := range []struct {
		name string
		head string
		hits int
	}{{"middleware passes a clean 50 MiB body on intact", `{"data":"`, 0}, {"middleware passes a 50 MiB body with a token on intact", head, 1}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want, _ := digest(newPseudoBody(c.head, fiftyMiB, nil))
			var got [32]byte
			var n int64
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, n = digest(r.Body)
				w.WriteHeader(http.StatusAccepted)
			})
			var rec collector
			r := httptest.NewRequest(http.MethodPost, "/upload", nil)
			r.Body = newPseudoBody(c.head, fiftyMiB, nil)
			r.ContentLength = fiftyMiB
			w := httptest.NewRecorder()
			Middleware(g, next, WithRecorder(&rec), WithBodyScan(64<<10), WithPassThrough()).ServeHTTP(w, r)
			assert.Equal(t, http.StatusAccepted, w.Code)
			assert.Equal(t, int64(fiftyMiB), n)
			assert.Equal(t, want, got, "byte for byte")
			assert.Len(t, rec.all(), c.hits)
		})
	}
}
