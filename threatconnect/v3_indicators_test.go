package threatconnect_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

// captured is what a mocked v3 call received.
type captured struct {
	method, target, body string
	host                 string
	header               http.Header
}

// mockV3 returns a client on https://tc.example/api whose every request
// gets status and the golden file's body (or body itself when it is not a
// file name), and the captured requests.
func mockV3(t *testing.T, status int, body string) (*threatconnect.Client, *[]captured) {
	t.Helper()
	if b, err := os.ReadFile(body); err == nil {
		body = string(b)
	}
	var got []captured
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		got = append(got, captured{r.Method, r.URL.RequestURI(), string(b), r.URL.Host, r.Header.Clone()})
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"),
		threatconnect.WithHMAC(testID, testSecret), threatconnect.WithHTTPClient(&http.Client{Transport: mt}),
		threatconnect.WithClock(func() time.Time { return time.Unix(1513703787, 0) }),
		threatconnect.WithRetry(threatconnect.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c, &got
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/v3/" + name)
	require.NoError(t, err)
	return string(b)
}

func TestV3CreateGolden(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusCreated, "testdata/v3/indicator_create_response.json")
	yes := true
	ind, err := c.V3.Indicators.Create(context.Background(), threatconnect.Indicator{
		Type: threatconnect.Host, Summary: "ultrabadguy.com", DNSActive: &yes, WhoisActive: &yes, Active: &yes,
		AssociatedGroups: []threatconnect.GroupRef{{ID: 12}, {Name: "Bad Guy", Type: threatconnect.Adversary}},
		Attributes:       []threatconnect.Attribute{{Type: "Additional Analysis and Context", Value: "This host is very dangerous", Source: "Phase of Intrusion"}},
		Confidence:       85, Rating: 5,
		SecurityLabels: []string{"TLP:AMBER"},
		Tags:           []string{"Targeted Attack", "Malicious Host"},
	}, nil)
	require.NoError(t, err)
	require.Len(t, *got, 1)
	req := (*got)[0]
	assert.Equal(t, "POST", req.method)
	assert.Equal(t, "/api/v3/indicators", req.target)
	// The documented request, minus the two platform defaults the SDK does
	// not send (activeLocked and privateFlag are false unless set).
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(golden(t, "indicator_create_request.json")), &doc))
	assert.Equal(t, false, doc["activeLocked"])
	assert.Equal(t, false, doc["privateFlag"])
	delete(doc, "activeLocked")
	delete(doc, "privateFlag")
	want, _ := json.Marshal(doc)
	assert.JSONEq(t, string(want), req.body)

	assert.Equal(t, int64(4), ind.ID)
	assert.Equal(t, threatconnect.Host, ind.Type)
	assert.Equal(t, "ultrabadguy.com", ind.Summary)
	assert.Equal(t, "Demo Organization", ind.Owner)
	assert.InDelta(t, 5.0, ind.Rating, 0)
	assert.Equal(t, 85, ind.Confidence)
	assert.Equal(t, time.Date(2021, 11, 5, 16, 43, 17, 0, time.UTC), ind.DateAdded)
	assert.Equal(t, []string{"Malicious Host", "Targeted Attack"}, ind.Tags)
	assert.Equal(t, []string{"TLP:AMBER"}, ind.SecurityLabels)
	require.Len(t, ind.Attributes, 1)
	assert.Equal(t, threatconnect.Attribute{ID: 24, Type: "Additional Analysis and Context", Value: "This host is very dangerous",
		Source: "Phase of Intrusion", DateAdded: time.Date(2021, 11, 5, 16, 43, 17, 0, time.UTC),
		LastModified: time.Date(2021, 11, 5, 16, 43, 17, 0, time.UTC)}, ind.Attributes[0])
	assert.Equal(t, []threatconnect.GroupRef{
		{ID: 15, Type: threatconnect.Adversary, Name: "Bad Guy", Owner: "Demo Organization"},
		{ID: 12, Type: threatconnect.Incident, Name: "Dangerous Incident", Owner: "Demo Organization"},
	}, ind.AssociatedGroups)
	require.NotNil(t, ind.DNSActive)
	assert.True(t, *ind.DNSActive)
}

func TestV3UpdateDocumentedModes(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{"data":{"id":4,"type":"Host","summary":"ultrabadguy.com","confidence":92},"message":"Updated","status":"Success"}`)
	no, conf := false, 92
	ind, err := c.V3.Indicators.Update(context.Background(), "ultrabadguy.com", threatconnect.V3IndicatorUpdate{
		DNSActive:            &no,
		AssociatedGroups:     []threatconnect.GroupRef{{ID: 15}},
		AssociatedGroupsMode: threatconnect.ModeDelete,
		Attributes:           []threatconnect.Attribute{{Type: "Additional Analysis and Context", Value: "This host is very dangerous", Source: "Phase of Intrusion"}},
		Confidence:           &conf,
		SecurityLabels:       []string{"TLP:RED"}, SecurityLabelsMode: threatconnect.ModeReplace,
		Tags: []string{"Russia"}, TagsMode: threatconnect.ModeAppend,
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, 92, ind.Confidence)
	req := (*got)[0]
	assert.Equal(t, "PUT", req.method)
	assert.Equal(t, "/api/v3/indicators/ultrabadguy.com", req.target)
	// update.rst's example body, whose associatedGroups is not valid JSON
	// there ({"id": 15}], "mode": "delete"}), written as intended.
	assert.JSONEq(t, `{
		"dnsActive": false,
		"associatedGroups": {"data": [{"id": 15}], "mode": "delete"},
		"attributes": {"data": [{"type": "Additional Analysis and Context", "value": "This host is very dangerous", "source": "Phase of Intrusion"}]},
		"confidence": 92,
		"securityLabels": {"data": [{"name": "TLP:RED"}], "mode": "replace"},
		"tags": {"data": [{"name": "Russia"}], "mode": "append"}
	}`, req.body)
}

func TestV3AddressingAndFields(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{"data":{"id":7,"type":"URL","summary":"http://evil.example/a b"},"status":"Success"}`)
	ctx := context.Background()
	opts := &threatconnect.V3Options{Owner: "Common Community", Fields: []threatconnect.Field{threatconnect.FieldTags, threatconnect.FieldAttributes}}
	_, err := c.V3.Indicators.Get(ctx, "http://evil.example/a b", opts)
	require.NoError(t, err)
	_, err = c.V3.Indicators.Get(ctx, "7", nil)
	require.NoError(t, err)
	require.NoError(t, c.V3.Indicators.Delete(ctx, "7", &threatconnect.V3Options{Owner: "Common Community"}))
	assert.Equal(t, "/api/v3/indicators/http:%2F%2Fevil.example%2Fa%20b?owner=Common%20Community&fields=tags&fields=attributes", (*got)[0].target)
	assert.Equal(t, "/api/v3/indicators/7", (*got)[1].target)
	assert.Equal(t, "DELETE", (*got)[2].method)
	assert.Equal(t, "/api/v3/indicators/7?owner=Common%20Community", (*got)[2].target)
}

func TestV3ValidationBeforeSending(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{}`)
	ctx := context.Background()
	bad := []struct {
		name string
		call func() error
	}{
		{"empty key", func() error { _, err := c.V3.Indicators.Get(ctx, " ", nil); return err }},
		{"dot-dot key", func() error { _, err := c.V3.Indicators.Get(ctx, "..", nil); return err }},
		{"bad summary", func() error {
			_, err := c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "not-an-ip"}, nil)
			return err
		}},
		{"bad mode", func() error {
			_, err := c.V3.Indicators.Update(ctx, "1", threatconnect.V3IndicatorUpdate{Tags: []string{"x"}, TagsMode: "merge"}, nil)
			return err
		}},
		{"empty update", func() error {
			_, err := c.V3.Indicators.Update(ctx, "1", threatconnect.V3IndicatorUpdate{}, nil)
			return err
		}},
		{"group ref without id or name", func() error {
			_, err := c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "a.example",
				AssociatedGroups: []threatconnect.GroupRef{{Type: threatconnect.Incident}}}, nil)
			return err
		}},
		{"bad field", func() error {
			_, err := c.V3.Indicators.Get(ctx, "1", &threatconnect.V3Options{Fields: []threatconnect.Field{"tags&x=1"}})
			return err
		}},
		{"bad TQL", func() error {
			_, err := c.V3.Indicators.List(ctx, &threatconnect.V3ListOptions{TQL: threatconnect.TQLField("a b").Eq(1)})
			return err
		}},
		{"bad cursor", func() error {
			_, err := c.V3.Indicators.List(ctx, &threatconnect.V3ListOptions{Cursor: "x y"})
			return err
		}},
		{"limit", func() error {
			_, err := c.V3.Indicators.List(ctx, &threatconnect.V3ListOptions{Limit: threatconnect.MaxPageSize + 1})
			return err
		}},
		{"group without date", func() error {
			_, err := c.V3.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Incident, Name: "x"}, nil)
			return err
		}},
		{"associate nothing", func() error { _, err := c.V3.Groups.AssociateIndicators(ctx, 1, nil, nil); return err }},
	}
	for _, tc := range bad {
		err := tc.call()
		var ve *threatconnect.ValidationError
		assert.True(t, errors.As(err, &ve), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest, tc.name)
	}
	assert.Empty(t, *got, "nothing is sent")
}

func TestV3ErrorEnvelope(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadRequest, http.StatusOK} {
		c, _ := mockV3(t, status, "testdata/v3/error_response.json")
		_, err := c.V3.Indicators.Update(context.Background(), "4", threatconnect.V3IndicatorUpdate{
			AssociatedGroups: []threatconnect.GroupRef{{ID: 12}}}, nil)
		var ae *threatconnect.APIError
		require.ErrorAs(t, err, &ae, "HTTP %d", status)
		assert.Equal(t, "0x1001", ae.ErrCode)
		assert.Equal(t, "Error", ae.Status)
		assert.Equal(t, "Association cannot be applied to the indicator types.", ae.Message)
		assert.Equal(t, status, ae.StatusCode)
		assert.Contains(t, err.Error(), "[errCode 0x1001]")
		assert.NotContains(t, fmt.Sprintf("%#v", ae), testSecret)
		if status == http.StatusBadRequest {
			assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
		}
	}
}

func TestV3UpsertOneIndicatorPerOwner(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	first, err := c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "Evil.Example", Rating: 2, Tags: []string{"a"}}, nil)
	require.NoError(t, err)
	second, err := c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example", Rating: 4, Tags: []string{"b"}},
		&threatconnect.V3Options{Fields: []threatconnect.Field{threatconnect.FieldTags}})
	require.NoError(t, err)
	assert.Equal(t, first.ID, second.ID, "the same summary twice in one owner is one indicator")
	assert.InDelta(t, 4.0, second.Rating, 0)
	assert.Equal(t, []string{"a", "b"}, second.Tags, "tags append by default")
	assert.Len(t, srv.Indicators(""), 1)
	// Another owner holds its own copy.
	other, err := c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Host, Summary: "evil.example"}, &threatconnect.V3Options{Owner: "Common Community"})
	require.NoError(t, err)
	assert.NotEqual(t, first.ID, other.ID)
	assert.Len(t, srv.Indicators("Common Community"), 1)
	// Replace, then delete by ID.
	got, err := c.V3.Indicators.Update(ctx, "evil.example", threatconnect.V3IndicatorUpdate{Tags: []string{"c"}, TagsMode: threatconnect.ModeReplace},
		&threatconnect.V3Options{Fields: []threatconnect.Field{threatconnect.FieldTags}})
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, got.Tags)
	require.NoError(t, c.V3.Indicators.Delete(ctx, got.IndicatorKey(), nil))
	_, err = c.V3.Indicators.Get(ctx, got.IndicatorKey(), nil)
	assert.ErrorIs(t, err, threatconnect.ErrNotFound)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "0x1001", ae.ErrCode)
}

func TestV3FakeRefusesUnknownLabelAndLeavesNothing(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t, tctest.WithSecurityLabels("TLP:AMBER"))
	_, err := c.V3.Indicators.Create(context.Background(), threatconnect.Indicator{Type: threatconnect.Address, Summary: "203.0.113.7",
		SecurityLabels: []string{"TLP:PURPLE"}}, nil)
	require.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
	assert.Empty(t, srv.Indicators(""))
}

func TestV3SecretsStayOutOfErrors(t *testing.T) {
	t.Parallel()
	// A hostile server echoes what it can: the error values must not hold
	// the secret anywhere down their chain.
	c, _ := mockV3(t, http.StatusUnauthorized, `{"status":"Error","errCode":"0x1002","message":"Signature data did not match: `+testSecret+`"}`)
	_, err := c.V3.Indicators.List(context.Background(), &threatconnect.V3ListOptions{TQL: threatconnect.TQLTag.Eq("x")})
	require.Error(t, err)
	assert.ErrorIs(t, err, threatconnect.ErrUnauthorized)
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(verb, e), testSecret)
		}
	}
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "0x1002", ae.ErrCode)
	assert.NotContains(t, string(ae.Body), testSecret)
}

func TestV3EveryTypeRoundTripsThroughTheFake(t *testing.T) {
	t.Parallel()
	_, c, _ := newFake(t)
	ctx := context.Background()
	const md5, sha256 = "d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		in       threatconnect.Indicator
		want     string
		wantBody map[string]any
	}{
		{threatconnect.Indicator{Type: threatconnect.Address, Summary: "::ffff:203.0.113.7"}, "203.0.113.7", nil},
		{threatconnect.Indicator{Type: threatconnect.Host, Summary: "Evil.Example."}, "evil.example", nil},
		{threatconnect.Indicator{Type: threatconnect.URL, Summary: "https://evil.example/a?b=c"}, "https://evil.example/a?b=c", nil},
		{threatconnect.Indicator{Type: threatconnect.EmailAddress, Summary: "Bad@Evil.Example"}, "Bad@evil.example", nil},
		{threatconnect.Indicator{Type: threatconnect.File, Summary: md5 + " : " + sha256, Size: 0}, md5 + " : " + sha256, nil},
	}
	for _, tc := range tests {
		got, err := c.V3.Indicators.Create(ctx, tc.in, nil)
		require.NoError(t, err, tc.in.Summary)
		assert.Equal(t, tc.in.Type, got.Type)
		assert.Equal(t, tc.want, got.Summary)
		again, err := c.V3.Indicators.Get(ctx, got.Summary, nil)
		require.NoError(t, err, got.Summary)
		assert.Equal(t, got.ID, again.ID)
		byID, err := c.V3.Indicators.Get(ctx, got.IndicatorKey(), nil)
		require.NoError(t, err)
		assert.Equal(t, got.Summary, byID.Summary)
	}
}

func TestV3UpdateScalarsAndBodies(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{"data":{"id":9,"type":"File","summary":"x"},"status":"Success","message":"Updated"}`)
	r, conf, no := 2.5, 10, false
	_, err := c.V3.Indicators.Update(context.Background(), "9", threatconnect.V3IndicatorUpdate{Rating: &r, Confidence: &conf, Active: &no, WhoisActive: &no,
		AttributesMode: threatconnect.ModeReplace}, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rating":2.5,"confidence":10,"active":false,"whoisActive":false,"attributes":{"data":[],"mode":"replace"}}`, (*got)[0].body)

	c2, got2 := mockV3(t, http.StatusCreated, `{"data":{"id":9,"type":"File","summary":"x"},"status":"Success","message":"Created"}`)
	const md5, sha1 = "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	_, err = c2.V3.Indicators.Create(context.Background(), threatconnect.Indicator{Type: threatconnect.File, Summary: md5 + " : " + sha1, Size: 42,
		Description: "dropped by the decoy"}, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"File","md5":"`+md5+`","sha1":"`+sha1+`","size":42,
		"attributes":{"data":[{"type":"Description","value":"dropped by the decoy","default":true}]}}`, (*got2)[0].body)
}
