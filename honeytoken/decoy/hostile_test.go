package decoy

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostilePrivateKeyBody is the regression test for a panic any client could
// trigger: a PEM body of 96 base64 characters, POSTed raw or form-encoded, to
// Handler or Middleware (issue #13, finding 1).
func TestHostilePrivateKeyBody(t *testing.T) {
	t.Parallel()
	g := newGen(t, "hostile-pem")
	pem := "-----BEGIN PRIVATE KEY-----" + strings.Repeat("A", 96) + "-----END PRIVATE KEY-----"
	bodies := map[string]string{
		"raw":          pem,
		"form":         "key=" + url.QueryEscape(pem),
		"form plus":    "key=" + strings.ReplaceAll(pem, " ", "+"),
		"json":         `{"key":"` + pem + `"}`,
		"with newline": "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("A", 64) + "\n" + strings.Repeat("A", 64) + "\n-----END PRIVATE KEY-----",
	}
	for name, body := range bodies {
		for hname, h := range map[string]func(*collector) http.Handler{
			"handler": func(c *collector) http.Handler { return Handler(g, WithRecorder(c)) },
			"middleware": func(c *collector) http.Handler {
				return Middleware(g, okHandler{}, WithRecorder(c), WithBodyScan(1<<10), WithThoroughScan(true))
			},
		} {
			t.Run(name+"/"+hname, func(t *testing.T) {
				t.Parallel()
				var rec collector
				r := newReq(http.MethodPost, "/login", body)
				if strings.HasPrefix(name, "form") {
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				w := httptest.NewRecorder()
				require.NotPanics(t, func() { h(&rec).ServeHTTP(w, r) })
				assert.Empty(t, rec.all())
			})
		}
	}
}
