// Package tctest is an in-process fake of the ThreatConnect v2 API for
// tests, in the spirit of net/http/httptest. It verifies HMAC signatures
// (over the request target exactly as received) and the timestamp window
// like the platform, accepts API tokens, stores indicators with their tags,
// attributes, security labels, observations and group associations, creates
// incident and event groups, runs batch jobs, and paginates lists with
// resultStart/resultLimit.
//
//	srv := tctest.NewServer(tctest.WithHMAC("id", "secret-key-for-tests"))
//	defer srv.Close()
//	tc := srv.Client() // a *threatconnect.Client, signed with the fake's credentials
//
// As with httptest, Server.URL is the server root; the API root is
// Server.BaseURL(), URL+"/api", as on a real instance, so the signed path
// includes /api. To build a client by hand:
//
//	tc, err := threatconnect.NewClient(threatconnect.WithBaseURL(srv.BaseURL()),
//		threatconnect.WithHMAC("id", "secret-key-for-tests"), threatconnect.WithHTTPClient(srv.HTTPClient()))
//
// The fake is safe for concurrent use.
package tctest
