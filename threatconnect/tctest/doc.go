// Package tctest is an in-process fake of the ThreatConnect v2 and v3 APIs
// for tests, in the spirit of net/http/httptest. It verifies HMAC signatures
// (over the request target exactly as received) and the timestamp window
// like the platform, accepts API tokens, stores indicators with their tags,
// attributes, security labels, observations and group associations, creates
// incident and event groups, runs batch jobs, and paginates lists with
// resultStart/resultLimit.
//
// The v3 API shares the same store: /v3/indicators (create as an upsert per
// owner with nested tags, attributes, security labels and group
// associations; get, update and delete by ID or summary; metadata modes
// with append as the default; fields=; lists with resultStart/resultLimit,
// count=true, TQL on the fields the fake keeps (id, typeName, summary,
// ownerName, tag, rating, confidence, active, dateAdded, lastModified) and
// next links that carry the API root and the request's own query),
// /v3/groups (create, get, associate indicators) and /v3/security/owners.
// v3 errors use the v3 envelope {"errCode":"0x1001","message":...,
// "status":"Error"}; the platform documents no table of v3 codes, so the
// fake sends 0x1001, the code of its documented example, for every error.
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
