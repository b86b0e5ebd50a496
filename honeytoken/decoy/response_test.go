package decoy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestResponseDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		slow := Unauthorized()
		slow.Delay = 1500 * time.Millisecond
		h := Handler(nil, WithResponse(slow))

		start := time.Now()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		assert.Equal(t, 1500*time.Millisecond, time.Since(start), "answered after the delay, like a slow real API")
		assert.Equal(t, http.StatusUnauthorized, w.Code)

		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start = time.Now()
		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
		assert.Equal(t, 200*time.Millisecond, time.Since(start), "a client that leaves ends the wait")
		assert.Empty(t, w.Body.String())
	})
}

func TestResponseHeadAndStatusDefault(t *testing.T) {
	t.Parallel()
	h := Handler(nil, WithResponse(Response{Body: []byte("{}")}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodHead, "/", nil))
	assert.Equal(t, http.StatusUnauthorized, w.Code, "status 0 means 401")
	assert.Equal(t, "2", w.Header().Get("Content-Length"))
	assert.Empty(t, w.Body.String(), "no body for HEAD")
}
