package canary_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/decoykit/decoykit/canary"
)

// Parse a body the Console POSTed to a generic webhook.
func ExampleParseWebhook() {
	body := `{"Description": "Web Bug Canarytoken triggered", "Timestamp": "2026-02-02 14:12:38 (UTC)",
	 "Reminder": "Link in my inbox", "Token": "xxxxxxxxxxxxxxxxxxxxxxxxx", "SourceIP": "1.1.1.1",
	 "IncidentHash": "6e03471c0ab5905579e8dbd170a7ebb0",
	 "AdditionalDetails": [["Dst Port", 80], ["User-Agent", "Mozilla/5.0 ..."]],
	 "AlertType": "CanarytokenIncident", "Triggered": "1", "LogType": "17000"}`

	alert, err := canary.ParseWebhook(strings.NewReader(body))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	port, _ := alert.Detail("Dst Port")
	fmt.Println(alert.Kind, alert.Timestamp.Format("2006-01-02 15:04"), alert.SourceIP)
	fmt.Println("memo:", alert.Canarytoken.Reminder, "| triggered:", alert.Canarytoken.Triggered, "| port:", port)
	fmt.Println("fetch with:", alert.IncidentHash)
	// Output:
	// CanarytokenIncident 2026-02-02 14:12 1.1.1.1
	// memo: Link in my inbox | triggered: 1 | port: 80
	// fetch with: 6e03471c0ab5905579e8dbd170a7ebb0
}

// Serve the Console's webhooks: configure the same custom header and value
// on the Console's generic webhook.
func ExampleNewWebhookHandler() {
	h, err := canary.NewWebhookHandler(func(ctx context.Context, a *canary.WebhookAlert) error {
		if a.IsTest() {
			fmt.Println("the Console's test event arrived")
			return nil
		}
		fmt.Println("alert:", a.Description, "from", a.SourceIP)
		return nil
	}, canary.WebhookHandlerOptions{AuthHeader: "X-Canary-Webhook-Auth", AuthValue: "use-a-long-random-value-here"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// http.Handle("/hooks/canary", h) in a real server; here, two requests.
	for _, auth := range []string{"use-a-long-random-value-here", "wrong"} {
		req := httptest.NewRequest("POST", "/hooks/canary", strings.NewReader(
			`{"AlertType": "CanaryIncident", "Description": "FTP Login Attempt", "SourceIP": "192.168.1.1", "CanaryID": "000123456789abcd", "CanaryPort": 21}`))
		req.Header.Set("X-Canary-Webhook-Auth", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println("HTTP", rec.Code)
	}
	// Output:
	// alert: FTP Login Attempt from 192.168.1.1
	// HTTP 200
	// HTTP 401
}
