package decoy_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/decoykit/decoykit/honeytoken"
	"github.com/decoykit/decoykit/honeytoken/decoy"
)

// exampleGenerator uses a fixed key so the example is reproducible; use 32
// random bytes from crypto/rand, kept secret, in production.
func exampleGenerator() *honeytoken.Generator {
	key := sha256.Sum256([]byte("decoy example key"))
	g, err := honeytoken.NewGenerator(key[:])
	if err != nil {
		panic(err)
	}
	return g
}

// A decoy API endpoint: every request gets the same 401, and a honeytoken in
// it becomes a hit.
func ExampleHandler() {
	g := exampleGenerator()
	tok, _ := g.Generate(honeytoken.GitHubClassic, honeytoken.Meta{Location: "ci/.env"})

	h := decoy.Handler(g, decoy.WithRecorder(decoy.RecorderFunc(func(hit decoy.Hit) {
		fmt.Println("hit:", hit.Format, "in", hit.Found.Kind, hit.Found.Name, "from", hit.RemoteIP)
		fmt.Println("same token:", hit.TokenID == tok.ID, "masked:", len(hit.Token) < len(tok.Value))
	})))

	for _, auth := range []string{"Bearer not-a-honeytoken-1234567890", "Bearer " + tok.Value} {
		r := httptest.NewRequest(http.MethodGet, "/api", nil)
		r.RemoteAddr = "203.0.113.7:50000"
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println("status:", w.Code)
	}
	// Output:
	// status: 401
	// hit: github-classic in authorization Authorization from 203.0.113.7
	// same token: true masked: true
	// status: 401
}

// Middleware in front of a real API: clean requests reach it, a request with a
// honeytoken is answered by the decoy.
func ExampleMiddleware() {
	g := exampleGenerator()
	tok, _ := g.Generate(honeytoken.StripeSecret, honeytoken.Meta{})

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("real API served", r.URL.Path)
		w.WriteHeader(http.StatusOK)
	})
	h := decoy.Middleware(g, api,
		decoy.WithRecorder(decoy.RecorderFunc(func(hit decoy.Hit) {
			fmt.Println("hit:", hit.Format, "in", hit.Found.Kind, "("+hit.Found.Encoding+")")
		})),
		decoy.WithResponse(decoy.JSON(http.StatusPaymentRequired, `{"error":{"type":"card_error"}}`)))

	for _, user := range []string{"acme-real-user", tok.Value} {
		r := httptest.NewRequest(http.MethodGet, "/v1/charges", nil)
		r.SetBasicAuth(user, "") // Stripe-style: the key as the Basic user name
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println("status:", w.Code)
	}
	// Output:
	// real API served /v1/charges
	// status: 200
	// hit: stripe-secret in authorization (base64)
	// status: 402
}

// A custom Notifier behind the Dispatcher: three hits of one token from one
// address inside the window become one alert with a count.
func ExampleNotifier() {
	g := exampleGenerator()
	tok, _ := g.Generate(honeytoken.OpenAI, honeytoken.Meta{})

	pager := decoy.NotifierFunc(func(ctx context.Context, a decoy.Alert) error {
		if a.FollowUpOf == "" { // the first hit: delivered at once
			fmt.Printf("page on-call: %s honeytoken used from %s\n", a.Hit.Format, a.Hit.RemoteIP)
		} else { // the rest of the window, folded
			fmt.Printf("follow-up: %d more uses from %s\n", a.Count, a.Hit.RemoteIP)
		}
		return nil // an error here is retried with backoff
	})
	// One worker keeps the output in order; the default is 4.
	d, err := decoy.NewDispatcher(decoy.DispatcherConfig{Workers: 1}, pager)
	if err != nil {
		panic(err)
	}
	h := decoy.Handler(g, decoy.WithRecorder(d))
	for range 3 {
		r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", nil)
		r.RemoteAddr = "198.51.100.4:1234"
		r.Header.Set("Authorization", "Bearer "+tok.Value)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	_ = d.Shutdown(context.Background()) // ends the window now and delivers its follow-up
	st := d.Stats()
	fmt.Println("hits:", st.Hits, "alerts:", st.Alerts, "delivered:", st.Delivered)
	// Output:
	// page on-call: openai honeytoken used from 198.51.100.4
	// follow-up: 2 more uses from 198.51.100.4
	// hits: 3 alerts: 2 delivered: 2
}
