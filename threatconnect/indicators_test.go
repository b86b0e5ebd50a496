package threatconnect_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func TestCreateValidationBeforeIO(t *testing.T) {
	t.Parallel()
	srv, c, cnt := newFake(t)
	addr := func(s string) threatconnect.Indicator {
		return threatconnect.Indicator{Type: threatconnect.Address, Summary: s}
	}
	with := func(f func(*threatconnect.Indicator)) threatconnect.Indicator {
		ind := addr("203.0.113.7")
		f(&ind)
		return ind
	}
	tests := []struct {
		name      string
		ind       threatconnect.Indicator
		wantField string
		wantText  string
	}{
		{"malformed IP", addr("203.0.113.300"), "Summary", "is not an IP address"},
		{"IP with a port", addr("203.0.113.7:443"), "Summary", "is not an IP address"},
		{"CIDR as an address", addr("203.0.113.0/24"), "Summary", "no port, prefix or zone"},
		{"host name as an address", addr("evil.example"), "Summary", "is not an IP address"},
		{"empty summary", addr(" "), "Summary", "must not be empty"},
		{"no type", threatconnect.Indicator{Summary: "203.0.113.7"}, "Type", "must be set"},
		{"unknown type", threatconnect.Indicator{Type: "Mutex", Summary: "x"}, "Type", "not supported"},
		{"rating above 5", with(func(i *threatconnect.Indicator) { i.Rating = 5.5 }), "Rating", "between 0 and 5"},
		{"negative rating", with(func(i *threatconnect.Indicator) { i.Rating = -1 }), "Rating", "between 0 and 5"},
		{"NaN rating", with(func(i *threatconnect.Indicator) { i.Rating = math.NaN() }), "Rating", "between 0 and 5"},
		{"confidence above 100", with(func(i *threatconnect.Indicator) { i.Confidence = 101 }), "Confidence", "between 0 and 100"},
		{"negative confidence", with(func(i *threatconnect.Indicator) { i.Confidence = -5 }), "Confidence", "between 0 and 100"},
		{"empty tag", with(func(i *threatconnect.Indicator) { i.Tags = []string{"ok", ""} }), "Tags", "must not be empty"},
		{"tag too long", with(func(i *threatconnect.Indicator) { i.Tags = []string{strings.Repeat("x", 129)} }), "Tags", "longer than 128"},
		{"attribute without type", with(func(i *threatconnect.Indicator) { i.Attributes = []threatconnect.Attribute{{Value: "v"}} }), "Attributes", "needs a Type"},
		{"host flags on an address", with(func(i *threatconnect.Indicator) { i.DNSActive = threatconnect.Ptr(true) }), "DNSActive", "Host indicators only"},
		{"non-ASCII host", threatconnect.Indicator{Type: threatconnect.Host, Summary: "bücher.example"}, "Summary", "punycode"},
		{"host with a space", threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil example"}, "Summary", "not a host name"},
		{"relative URL", threatconnect.Indicator{Type: threatconnect.URL, Summary: "/login"}, "Summary", "absolute URL"},
		{"e-mail with a display name", threatconnect.Indicator{Type: threatconnect.EmailAddress, Summary: "Bob <bob@example.com>"}, "Summary", "bare e-mail"},
		{"short hash", threatconnect.Indicator{Type: threatconnect.File, Summary: "abc123"}, "Summary", "32 (md5), 40 (sha1) or 64 (sha256)"},
		{"non-hex hash", threatconnect.Indicator{Type: threatconnect.File, Summary: strings.Repeat("z", 32)}, "Summary", "not a hex hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Indicators.Create(context.Background(), tt.ind, &threatconnect.WriteOptions{Owner: "Example Organization"})
			var ve *threatconnect.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field)
			assert.Contains(t, ve.Error(), tt.wantText)
			assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
		})
	}
	t.Cleanup(func() {
		assert.Zero(t, cnt.n.Load(), "no request may be sent for bad input")
		assert.Zero(t, srv.RequestCount())
	})
}

func TestUpdateAndOtherValidation(t *testing.T) {
	t.Parallel()
	_, c, cnt := newFake(t)
	ctx := context.Background()
	r6, c101 := 6.0, 101
	tests := []struct {
		name      string
		call      func() error
		wantField string
	}{
		{"update rating 6", func() error {
			_, err := c.Indicators.Update(ctx, threatconnect.Address, "203.0.113.7", threatconnect.IndicatorUpdate{Rating: &r6}, nil)
			return err
		}, "Rating"},
		{"update confidence 101", func() error {
			_, err := c.Indicators.Update(ctx, threatconnect.Address, "203.0.113.7", threatconnect.IndicatorUpdate{Confidence: &c101}, nil)
			return err
		}, "Confidence"},
		{"empty update", func() error {
			_, err := c.Indicators.Update(ctx, threatconnect.Address, "203.0.113.7", threatconnect.IndicatorUpdate{}, nil)
			return err
		}, "IndicatorUpdate"},
		{"get malformed IP", func() error { _, err := c.Indicators.Get(ctx, threatconnect.Address, "1.2.3", nil); return err }, "Summary"},
		{"zero observations", func() error { return c.Indicators.AddObservations(ctx, threatconnect.Host, "a.example", 0, nil) }, "count"},
		{"group without ID", func() error {
			return c.Indicators.AssociateGroup(ctx, threatconnect.Host, "a.example", threatconnect.GroupRef{Type: threatconnect.Incident}, nil)
		}, "GroupRef.ID"},
		{"unknown group type", func() error {
			return c.Indicators.AssociateGroup(ctx, threatconnect.Host, "a.example", threatconnect.GroupRef{Type: "Nope", ID: 1}, nil)
		}, "GroupType"},
		{"page too large", func() error {
			_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{ResultLimit: threatconnect.MaxResultLimit + 1})
			return err
		}, "ResultLimit"},
		{"filter with a comma", func() error {
			_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterEq, Value: "a,b"}}})
			return err
		}, "Filters[0]"},
		{"filter with a bad operator", func() error {
			_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "rating", Op: "!=", Value: "1"}}})
			return err
		}, "Filters[0]"},
		{"group without a date", func() error {
			_, err := c.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Incident, Name: "x"}, nil)
			return err
		}, "EventDate"},
		{"owner with a newline", func() error {
			_, err := c.Indicators.Get(ctx, threatconnect.Host, "a.example", &threatconnect.ReadOptions{Owner: "a\nb"})
			return err
		}, "Owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ve *threatconnect.ValidationError
			require.ErrorAs(t, tt.call(), &ve)
			assert.Equal(t, tt.wantField, ve.Field)
		})
	}
	t.Cleanup(func() { assert.Zero(t, cnt.n.Load()) })
}

func TestIndicatorLifecycle(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	const owner = "Common Community"
	w := &threatconnect.WriteOptions{Owner: owner}
	r := &threatconnect.ReadOptions{Owner: owner}

	ind, err := c.Indicators.Create(ctx, threatconnect.Indicator{
		Type: threatconnect.Host, Summary: "Evil.Example.", Rating: 4.5, Confidence: 85, Active: threatconnect.Ptr(true),
		Tags:           []string{"canary", "TLP/amber memo"},
		Attributes:     []threatconnect.Attribute{{Type: "Description", Value: "DNS canarytoken fired", Displayed: true}},
		SecurityLabels: []string{"TLP:AMBER"},
	}, w)
	require.NoError(t, err)
	assert.Equal(t, threatconnect.Host, ind.Type)
	assert.Equal(t, "evil.example", ind.Summary, "host names are normalized")
	assert.Equal(t, 4.5, ind.Rating)
	assert.Equal(t, 85, ind.Confidence)
	assert.Equal(t, owner, ind.Owner)
	assert.NotZero(t, ind.ID)
	assert.Equal(t, []string{"canary", "TLP/amber memo"}, ind.Tags)
	require.Len(t, ind.Attributes, 1)
	assert.NotZero(t, ind.Attributes[0].ID)

	stored, ok := srv.Indicator(owner, "Host", "evil.example")
	require.True(t, ok)
	assert.Equal(t, []string{"canary", "TLP/amber memo"}, stored.Tags, "a tag with a slash arrives whole")
	assert.Equal(t, []string{"TLP:AMBER"}, stored.SecurityLabels)

	got, err := c.Indicators.Get(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, ind.ID, got.ID)
	assert.Equal(t, 4.5, got.Rating)

	tags, err := c.Indicators.Tags(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"canary", "TLP/amber memo"}, tags)
	require.NoError(t, c.Indicators.RemoveTag(ctx, threatconnect.Host, "evil.example", "TLP/amber memo", w))
	tags, err = c.Indicators.Tags(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"canary"}, tags)

	attrs, err := c.Indicators.Attributes(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	require.Len(t, attrs, 1)
	assert.Equal(t, "DNS canarytoken fired", attrs[0].Value)
	labels, err := c.Indicators.SecurityLabels(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"TLP:AMBER"}, labels)

	err = c.Indicators.AddSecurityLabel(ctx, threatconnect.Host, "evil.example", "TLP:PURPLE", w)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae, "a label that does not exist is refused, as on the platform")
	assert.ErrorIs(t, err, threatconnect.ErrNotFound)

	require.NoError(t, c.Indicators.AddObservations(ctx, threatconnect.Host, "evil.example", 3, w))
	g, err := c.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Incident, Name: "Canary incident 42", EventDate: fixedTime}, w)
	require.NoError(t, err)
	assert.NotZero(t, g.ID)
	require.NoError(t, c.Indicators.AssociateGroup(ctx, threatconnect.Host, "evil.example", g.Ref(), w))
	stored, _ = srv.Indicator(owner, "Host", "evil.example")
	assert.Equal(t, 3, stored.Observations)
	assert.Equal(t, []int64{g.ID}, stored.Groups)

	upd, err := c.Indicators.Update(ctx, threatconnect.Host, "evil.example", threatconnect.IndicatorUpdate{Rating: threatconnect.Ptr(1.0), Confidence: threatconnect.Ptr(20)}, w)
	require.NoError(t, err)
	assert.Equal(t, 1.0, upd.Rating)
	assert.Equal(t, 20, upd.Confidence)

	require.NoError(t, c.Indicators.Delete(ctx, threatconnect.Host, "evil.example", w))
	_, err = c.Indicators.Get(ctx, threatconnect.Host, "evil.example", r)
	assert.ErrorIs(t, err, threatconnect.ErrNotFound)
}

func TestCreateEveryType(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	md5 := strings.Repeat("a", 32)
	sha256 := strings.Repeat("b", 64)
	tests := []struct {
		typ       threatconnect.IndicatorType
		summary   string
		want      string
		fakeType  string
		getByHash string
	}{
		{threatconnect.Address, "2001:DB8::1", "2001:db8::1", "Address", ""},
		{threatconnect.Address, "::ffff:198.51.100.9", "198.51.100.9", "Address", ""},
		{threatconnect.Host, "login.evil.example", "login.evil.example", "Host", ""},
		{threatconnect.URL, "HTTPS://Evil.Example/a b%20c?q=1+2", "", "", ""},
		{threatconnect.URL, "https://Evil.Example/login?next=/x", "https://evil.example/login?next=/x", "URL", ""},
		{threatconnect.EmailAddress, "ceo@Evil.Example", "ceo@evil.example", "EmailAddress", ""},
		{threatconnect.File, strings.ToUpper(md5) + " : " + sha256, md5 + " : " + sha256, "File", sha256},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+" "+tt.summary, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ind, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: tt.typ, Summary: tt.summary, Rating: 2, Confidence: 50}, nil)
			if tt.want == "" {
				var ve *threatconnect.ValidationError
				require.ErrorAs(t, err, &ve)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ind.Summary)
			_, ok := srv.Indicator("", tt.fakeType, tt.want)
			assert.True(t, ok, "stored under its canonical summary")
			key := tt.want
			if tt.getByHash != "" {
				key = tt.getByHash
			}
			got, err := c.Indicators.Get(ctx, tt.typ, key, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Summary)
		})
	}
}

// TestPaginationOver2500 lists 2,500 indicators and counts the requests.
func TestPaginationOver2500(t *testing.T) {
	t.Parallel()
	srv, c, cnt := newFake(t)
	seed := make([]tctest.Indicator, 2500)
	for i := range seed {
		seed[i] = tctest.Indicator{Type: "Address", Summary: fmt.Sprintf("10.0.%d.%d", i/250, i%250), Rating: 3, Confidence: 70, Active: true}
	}
	srv.AddIndicators("Common Community", seed...)
	ctx := context.Background()

	tests := []struct {
		name      string
		limit     int
		typ       threatconnect.IndicatorType
		wantPages int64
	}{
		{"default page size (1000)", 0, "", 3},
		{"pages of 500, typed", 500, threatconnect.Address, 5},
		{"pages of 100", 100, "", 25},
		{"exact multiple: 2500 in one page", 2500, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: each subtest measures the shared counter.
			before := cnt.n.Load()
			seen := map[string]bool{}
			for ind, err := range c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community", Type: tt.typ, ResultLimit: tt.limit}) {
				require.NoError(t, err)
				require.False(t, seen[ind.Summary], "duplicate %s", ind.Summary)
				seen[ind.Summary] = true
				assert.Equal(t, threatconnect.Address, ind.Type)
			}
			assert.Len(t, seen, 2500)
			t.Logf("2,500 indicators: %d HTTP requests", cnt.n.Load()-before)
			assert.Equal(t, tt.wantPages, cnt.n.Load()-before, "requests")
		})
	}

	t.Run("an instance that caps pages at 500 without saying so", func(t *testing.T) {
		capped, cc, ccnt := newFake(t, tctest.WithPageCap(500))
		capped.AddIndicators("", seed...)
		n := 0
		for _, err := range cc.Indicators.All(ctx, &threatconnect.ListOptions{ResultLimit: 1000}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 2500, n, "short pages are not the end while the total is not reached")
		assert.Equal(t, int64(5), ccnt.n.Load())
	})

	t.Run("List pages by hand", func(t *testing.T) {
		p, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Owner: "Common Community", ResultLimit: 1000})
		require.NoError(t, err)
		assert.Equal(t, 2500, p.ResultCount)
		assert.Equal(t, 1000, p.NextStart)
		p, err = c.Indicators.List(ctx, &threatconnect.ListOptions{Owner: "Common Community", ResultLimit: 1000, ResultStart: 2000})
		require.NoError(t, err)
		assert.Len(t, p.Items, 500)
		assert.Equal(t, -1, p.ResultCount, "the platform omits resultCount after the first page")
		assert.Equal(t, -1, p.NextStart)
	})

	t.Run("break stops fetching; re-ranging starts over", func(t *testing.T) {
		seq := c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community", ResultLimit: 100})
		before := cnt.n.Load()
		n := 0
		for _, err := range seq {
			require.NoError(t, err)
			if n++; n == 150 {
				break
			}
		}
		assert.Equal(t, int64(2), cnt.n.Load()-before)
		var first string
		for ind, err := range seq {
			require.NoError(t, err)
			first = ind.Summary
			break
		}
		assert.Equal(t, "10.0.0.0", first)
	})

	t.Run("filters", func(t *testing.T) {
		n := 0
		for ind, err := range c.Indicators.All(ctx, &threatconnect.ListOptions{Owner: "Common Community",
			Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterPrefix, Value: "10.0.3."}}}) {
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(ind.Summary, "10.0.3."))
			n++
		}
		assert.Equal(t, 250, n)
	})
}

func TestAllYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	seed := make([]tctest.Indicator, 30)
	for i := range seed {
		seed[i] = tctest.Indicator{Type: "Host", Summary: fmt.Sprintf("h%d.example", i), Active: true}
	}
	srv.AddIndicators("", seed...)
	ctx := context.Background()
	seq := c.Indicators.All(ctx, &threatconnect.ListOptions{ResultLimit: 10})
	var items, errs int
	first := true
	for _, err := range seq {
		if first {
			srv.FailNext(http.StatusInternalServerError, "text/plain", "Could not find resource for relative : /v2/indicators")
			first = false
		}
		if err != nil {
			errs++
			assert.ErrorIs(t, err, threatconnect.ErrServer)
			assert.Contains(t, err.Error(), "page 2")
			continue
		}
		items++
	}
	assert.Equal(t, 10, items)
	assert.Equal(t, 1, errs)
}

// TestErrorEnvelopes checks how bodies map to errors at the wire level.
func TestErrorEnvelopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantStatus int
		wantEnv    string
		wantMsg    string
		wantIs     error
	}{
		{"Failure envelope on 404", 404, "application/json", `{"status":"Failure","message":"The requested resource was not found"}`, 404, "Failure", "The requested resource was not found", threatconnect.ErrNotFound},
		{"Failure envelope on 200", 200, "application/json", `{"status":"Failure","message":"The requested owner was not found"}`, 200, "Failure", "The requested owner was not found", threatconnect.ErrNotFound},
		{"v3-style Error envelope", 400, "application/json", `{"status":"Error","errCode":"0x1001","message":"Invalid indicator"}`, 400, "Error", "Invalid indicator", threatconnect.ErrInvalidRequest},
		{"plain-text 500", 500, "text/plain", "Could not find resource for relative : /v2/owners of full path: https://x/api/v2/owners", 500, "", "Could not find resource for relative : /v2/owners of full path: https://x/api/v2/owners", threatconnect.ErrServer},
		{"plain-text 401 from the batch API", 401, "text/plain", "You do not have permission to create Indicators", 401, "", "You do not have permission to create Indicators", threatconnect.ErrUnauthorized},
		{"HTML from a proxy", 502, "text/html", "<html><body>Bad gateway</body></html>", 502, "", "Bad Gateway (HTML error page)", threatconnect.ErrServer},
		{"empty 403", 403, "", "", 403, "", "Forbidden", threatconnect.ErrUnauthorized},
		{"timestamp skew", 401, "application/json", `{"status":"Failure","message":"Timestamp out of acceptable time range"}`, 401, "Failure", "Timestamp out of acceptable time range", threatconnect.ErrClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tt.status, tt.body)
				if tt.ctype != "" {
					resp.Header.Set("Content-Type", tt.ctype)
				}
				return resp, nil
			})
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("test-token-123456"),
				threatconnect.WithHTTPClient(&http.Client{Transport: mt}), threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = c.Owners.List(context.Background())
			var ae *threatconnect.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantStatus, ae.StatusCode)
			assert.Equal(t, tt.wantEnv, ae.Status)
			assert.Equal(t, tt.wantMsg, ae.Message)
			assert.Equal(t, "GET", ae.Method)
			assert.Equal(t, "/v2/owners", ae.Path)
			assert.ErrorIs(t, err, tt.wantIs)
			assert.True(t, strings.HasPrefix(err.Error(), "threatconnect: GET /v2/owners: "), err.Error())
		})
	}
}

func TestMalformedSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"not JSON", "OK", "malformed response"},
		{"HTML", "<html>login</html>", "got HTML instead of JSON"},
		{"no data", `{"status":"Success"}`, `no "data"`},
		{"wrong key", `{"status":"Success","data":{"owners":[]}}`, `no "data.owner"`},
		{"wrong shape", `{"status":"Success","data":{"owner":{"id":"x"}}}`, "data.owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, tt.body))
			c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("test-token-123456"),
				threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)
			_, err = c.Owners.List(context.Background())
			require.Error(t, err)
			assert.True(t, errors.Is(err, threatconnect.ErrMalformedResponse), err.Error())
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestDecodesDocumentedShapes feeds the documented v2 responses (string
// IDs, decimal ratings, string booleans, times with and without a zone).
func TestDecodesDocumentedShapes(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", "https://tc.example/api/v2/indicators/addresses", httpmock.NewStringResponder(201,
		`{"status": "Success", "data": {"address": {"id": "54321",
  "owner": {"id": 5, "name": "Example Organization", "type": "Organization"},
  "dateAdded": "2017-07-13T17:50:17", "lastModified": "2017-08-03T16:00:37Z", "rating": 5.0, "confidence": 100,
  "webLink": "https://app.threatconnect.com/auth/indicators/details/address.xhtml?address=192.168.0.1&owner=Example+Organization",
  "ip": "192.168.0.1"}}}`))
	mt.RegisterResponder("GET", "https://tc.example/api/v2/indicators/hosts/www.google.com", httpmock.NewStringResponder(200,
		`{"status":"Success","data":{"host":{"id":646978,"owner":{"id":1,"name":"System","type":"Organization"},"dateAdded":"2015-07-13T15:04:54-04:00","lastModified":"2015-07-17T10:30:34-04:00","rating":"2.00","confidence":74,"webLink":"...","description":"foobar","hostName":"www.google.com","dnsActive":"false","whoisActive":"true"}}}`))
	c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("test-token-123456"),
		threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	ctx := context.Background()
	a, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "192.168.0.1", Rating: 5, Confidence: 100}, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(54321), a.ID)
	assert.Equal(t, "Example Organization", a.Owner)
	assert.Equal(t, "2017-07-13T17:50:17Z", a.DateAdded.Format("2006-01-02T15:04:05Z07:00"))
	h, err := c.Indicators.Get(ctx, threatconnect.Host, "www.google.com", nil)
	require.NoError(t, err)
	assert.Equal(t, 2.0, h.Rating)
	require.NotNil(t, h.DNSActive)
	assert.False(t, *h.DNSActive)
	assert.True(t, *h.WhoisActive)
	assert.Equal(t, "2015-07-13T19:04:54Z", h.DateAdded.Format("2006-01-02T15:04:05Z07:00"))
	assert.Equal(t, "foobar", h.Description)
}

func TestDescriptionBecomesAttribute(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	_, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "198.51.100.1", Description: "seen by canary"}, nil)
	require.NoError(t, err)
	_, err = c.Batch.Upload(ctx, []threatconnect.Indicator{{Type: threatconnect.Address, Summary: "198.51.100.2", Description: "seen in batch"}},
		&threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
	require.NoError(t, err)
	for ip, want := range map[string]string{"198.51.100.1": "seen by canary", "198.51.100.2": "seen in batch"} {
		ind, ok := srv.Indicator("", "Address", ip)
		require.True(t, ok)
		require.Len(t, ind.Attributes, 1)
		assert.Equal(t, tctest.Attribute{ID: ind.Attributes[0].ID, Type: "Description", Value: want}, ind.Attributes[0])
	}
}

func TestAddAttribute(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	_, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.URL, Summary: "https://Evil.Example:8443/a/b"}, nil)
	require.NoError(t, err)
	a, err := c.Indicators.AddAttribute(ctx, threatconnect.URL, "https://evil.example:8443/a/b", threatconnect.Attribute{Type: "Source", Value: "canary"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Source", a.Type)
	assert.NotZero(t, a.ID)
	assert.False(t, a.DateAdded.IsZero())
	ind, ok := srv.Indicator("", "URL", "https://evil.example:8443/a/b")
	require.True(t, ok)
	assert.Len(t, ind.Attributes, 1)

	_, err = c.Indicators.AddAttribute(ctx, threatconnect.URL, "https://evil.example:8443/a/b", threatconnect.Attribute{Type: "No Such Type", Value: "x"}, nil)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae, "the attribute type must exist on the instance")
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	srv.AddIndicators("",
		tctest.Indicator{Type: "Host", Summary: "a.example", Rating: 1, Confidence: 10, Active: true},
		tctest.Indicator{Type: "Host", Summary: "b.example", Rating: 4, Confidence: 90, Active: true},
		tctest.Indicator{Type: "Address", Summary: "192.0.2.1", Rating: 5, Confidence: 20, Active: true},
		tctest.Indicator{Type: "Address", Summary: "192.0.2.2", Rating: 5, Confidence: 20, Active: false},
	)
	ctx := context.Background()
	tests := []struct {
		name string
		opts threatconnect.ListOptions
		want []string
	}{
		{"rating > 3", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "rating", Op: threatconnect.FilterGt, Value: "3"}}}, []string{"b.example", "192.0.2.1"}},
		{"rating > 3 AND confidence > 50", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "rating", Op: threatconnect.FilterGt, Value: "3"}, {Field: "confidence", Op: threatconnect.FilterGt, Value: "50"}}}, []string{"b.example"}},
		{"summary = a OR rating = 5", threatconnect.ListOptions{OrFilters: true, Filters: []threatconnect.Filter{{Field: "summary", Op: threatconnect.FilterEq, Value: "a.example"}, {Field: "rating", Op: threatconnect.FilterEq, Value: "5"}}}, []string{"a.example", "192.0.2.1"}},
		{"inactive on request", threatconnect.ListOptions{Filters: []threatconnect.Filter{{Field: "active", Op: threatconnect.FilterEq, Value: "false"}}}, []string{"192.0.2.2"}},
		{"one type", threatconnect.ListOptions{Type: threatconnect.Host}, []string{"a.example", "b.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for ind, err := range c.Indicators.All(ctx, &tt.opts) {
				require.NoError(t, err)
				got = append(got, ind.Summary)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestIndicatorTypes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []threatconnect.IndicatorType{threatconnect.Address, threatconnect.Host, threatconnect.URL, threatconnect.EmailAddress, threatconnect.File},
		threatconnect.IndicatorTypes())
}
