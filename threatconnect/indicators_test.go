package threatconnect_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
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
			_, err := c.Indicators.List(ctx, &threatconnect.ListOptions{Limit: threatconnect.MaxPageSize + 1})
			return err
		}, "Limit"},
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

func TestIndicatorTypes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []threatconnect.IndicatorType{threatconnect.Address, threatconnect.Host, threatconnect.URL, threatconnect.EmailAddress, threatconnect.File},
		threatconnect.IndicatorTypes())
}
