package threatconnect_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/internal/pager"
	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func TestV3PaginationGolden(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, "testdata/v3/pagination_response.json")
	// The documented next link names another host
	// (myinstance.threatconnect.com): only its query is used, sent to the
	// client's own API root.
	p, err := c.V3.Indicators.List(context.Background(), &threatconnect.V3ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, "/api/v3/indicators?resultStart=0&resultLimit=2", (*got)[0].target)
	require.Len(t, p.Items, 2)
	assert.Equal(t, int64(18), p.Items[0].ID)
	assert.Equal(t, threatconnect.EmailAddress, p.Items[0].Type)
	assert.Equal(t, "verybadguy@bad.com", p.Items[0].Summary)
	assert.Equal(t, "Sample Email Address Indicator created via API", p.Items[0].Description)
	assert.Equal(t, "Documentation Team", p.Items[1].Owner)
	assert.Equal(t, "resultStart=2&resultLimit=2", p.NextCursor)
	_, err = c.V3.Indicators.List(context.Background(), &threatconnect.V3ListOptions{Cursor: p.NextCursor})
	require.NoError(t, err)
	assert.Equal(t, "/api/v3/indicators?resultStart=2&resultLimit=2", (*got)[1].target)
}

func TestV3NextLinkNeverLeavesTheAPIRoot(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{"status":"Success","data":[{"id":1,"type":"Host","summary":"a.example"}],"next":"https://evil.example/api/v3/indicators?resultStart=1"}`)
	p, err := c.V3.Indicators.List(context.Background(), nil)
	require.NoError(t, err)
	_, err = c.V3.Indicators.List(context.Background(), &threatconnect.V3ListOptions{Cursor: p.NextCursor})
	require.NoError(t, err)
	require.Len(t, *got, 2)
	assert.Equal(t, "tc.example", (*got)[1].host, "the query is sent to the client's own API root")
	assert.Equal(t, "/api/v3/indicators?resultStart=1", (*got)[1].target)
}

func TestV3NextLinkChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ next, cursor, err string }{
		{next: "https://tc.example/api/v3/indicators?resultStart=5&tql=a%20%3D%201", cursor: "resultStart=5&tql=a%20%3D%201"},
		{next: "https://tc.example/api/v3/indicators?resultStart=5&tql=a = \"x\"", cursor: "resultStart=5&tql=a%20=%20%22x%22"},
		{next: "https://tc.example/api/v2/indicators?resultStart=5", err: "is not /api/v3/indicators"},
		{next: "https://tc.example/api/v3/indicators?resultLimit=5", err: "no resultStart"},
		{next: "::", err: "not a URL"},
	} {
		c, _ := mockV3(t, http.StatusOK, fmt.Sprintf(`{"status":"Success","data":[{"id":1,"type":"Host","summary":"a.example"}],"next":%q}`, tc.next))
		p, err := c.V3.Indicators.List(context.Background(), nil)
		if tc.err != "" {
			require.ErrorIs(t, err, threatconnect.ErrMalformedResponse, tc.next)
			assert.ErrorContains(t, err, tc.err)
			continue
		}
		require.NoError(t, err, tc.next)
		assert.Equal(t, tc.cursor, p.NextCursor)
	}
}

func TestV3AllFollowsNextOver2500(t *testing.T) {
	t.Parallel()
	srv, c, cnt := newFake(t)
	var seed []tctest.Indicator
	for i := range 2600 {
		typ := "Address"
		if i%5 == 0 {
			typ = "Host"
		}
		s := fmt.Sprintf("198.51.%d.%d", i/250, i%250)
		if typ == "Host" {
			s = fmt.Sprintf("h%d.example", i)
		}
		seed = append(seed, tctest.Indicator{Type: typ, Summary: s, Rating: float64(i % 6), Active: true, Tags: []string{"seed"}})
	}
	srv.AddIndicators("", seed...)
	ctx := context.Background()
	seen := map[int64]bool{}
	for ind, err := range c.V3.Indicators.All(ctx, &threatconnect.V3ListOptions{Limit: 1000, TQL: threatconnect.TQLTag.Eq("seed")}) {
		require.NoError(t, err)
		require.False(t, seen[ind.ID], "indicator %d yielded twice", ind.ID)
		seen[ind.ID] = true
	}
	assert.Len(t, seen, 2600)
	assert.Equal(t, int64(3), cnt.n.Load(), "three pages of at most 1000")
	for _, r := range srv.Requests()[1:] {
		assert.Contains(t, r.Query, "tql=tag%20%3D%20%22seed%22", "the next link keeps the query as sent")
	}

	// With a TQL filter and count=true, through a page cap the platform
	// applies silently.
	srv2, c2, _ := newFake(t, tctest.WithPageCap(300))
	srv2.AddIndicators("", seed...)
	n := 0
	q := threatconnect.TQLTypeName.Eq(threatconnect.Host).And(threatconnect.TQLRating.Ge(3))
	p, err := c2.V3.Indicators.List(ctx, &threatconnect.V3ListOptions{TQL: q, Count: true})
	require.NoError(t, err)
	want := 0
	for i := range 2600 {
		if i%5 == 0 && i%6 >= 3 {
			want++
		}
	}
	assert.Equal(t, want, p.TotalResults)
	for ind, err := range c2.V3.Indicators.All(ctx, &threatconnect.V3ListOptions{TQL: q}) {
		require.NoError(t, err)
		require.Equal(t, threatconnect.Host, ind.Type)
		require.GreaterOrEqual(t, ind.Rating, 3.0)
		n++
	}
	assert.Equal(t, want, n)
}

func TestV3AllRefusesARepeatedNextLinkOrPage(t *testing.T) {
	t.Parallel()
	c, _ := mockV3(t, http.StatusOK, `{"status":"Success","data":[{"id":1,"type":"Host","summary":"a.example"}],"next":"https://tc.example/api/v3/indicators?resultStart=1"}`)
	var errs []error
	n := 0
	for _, err := range c.V3.Indicators.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], threatconnect.ErrPaginationLoop)
	assert.ErrorIs(t, errs[0], pager.ErrRepeatedCursor)
	assert.Equal(t, 1, n, "the same page again is a loop, not more items")
}

// TestV3SignsNextLinkAndTQLAsSent checks the signature of a TQL query and
// of a followed next link against the request target as it arrived, with
// an independent HMAC implementation; the fake checks them too (it would
// answer 401).
func TestV3SignsNextLinkAndTQLAsSent(t *testing.T) {
	t.Parallel()
	var targets []string
	var auths []string
	srv := tctest.NewServer(tctest.WithHMAC(testID, testSecret), tctest.WithPageCap(1))
	t.Cleanup(srv.Close)
	srv.AddIndicators("", tctest.Indicator{Type: "Host", Summary: `a"b.example`, Active: true, Tags: []string{`x "y" \z`}},
		tctest.Indicator{Type: "Host", Summary: "c.example", Active: true, Tags: []string{`x "y" \z`}})
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		targets = append(targets, r.URL.RequestURI())
		auths = append(auths, r.Header.Get("Authorization")+"|"+r.Header.Get("Timestamp"))
		return srv.HTTPClient().Transport.RoundTrip(r)
	})
	c := srv.Client(threatconnect.WithHTTPClient(&http.Client{Transport: rt}))
	n := 0
	for _, err := range c.V3.Indicators.All(context.Background(), &threatconnect.V3ListOptions{
		Owner: "Example Organization", TQL: threatconnect.TQLTag.Eq(`x "y" \z`)}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	require.Len(t, targets, 2)
	assert.Equal(t, "/api/v3/indicators?owner=Example%20Organization&tql=tag%20%3D%20%22x%20%5C%22y%5C%22%20%5C%5Cz%22&resultStart=0&resultLimit=1000", targets[0])
	assert.Equal(t, "/api/v3/indicators?owner=Example%20Organization&tql=tag%20%3D%20%22x%20%5C%22y%5C%22%20%5C%5Cz%22&resultStart=1&resultLimit=1000", targets[1])
	for i, target := range targets {
		auth, ts, _ := strings.Cut(auths[i], "|")
		m := hmac.New(sha256.New, []byte(testSecret))
		m.Write([]byte(target + ":GET:" + ts))
		assert.Equal(t, "TC "+testID+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)), auth, target)
	}
	for _, r := range srv.Requests() {
		assert.Equal(t, http.StatusOK, r.Status, "the fake accepted the signature of %s?%s", r.Path, r.Query)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestV3AllRefusesARepeatedNextLink(t *testing.T) {
	t.Parallel()
	// Two pages of different items whose next links go back and forth.
	body := func(id int, next string) string {
		return fmt.Sprintf(`{"status":"Success","data":[{"id":%d,"type":"Host","summary":"h%d.example"}],"next":"https://tc.example/api/v3/indicators?resultStart=%s"}`, id, id, next)
	}
	mt := httpmock.NewMockTransport()
	calls := 0
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		calls++
		if calls%2 == 1 {
			return httpmock.NewStringResponse(200, body(calls, "1")), nil
		}
		return httpmock.NewStringResponse(200, body(calls, "2")), nil
	})
	c, err := threatconnect.NewClient(threatconnect.WithBaseURL("https://tc.example/api"), threatconnect.WithAPIToken("APIV2:430:abc:123:xyz="),
		threatconnect.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	var last error
	n := 0
	for _, err := range c.V3.Indicators.All(context.Background(), nil) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	assert.ErrorIs(t, last, threatconnect.ErrPaginationLoop)
	assert.Equal(t, 3, n, "first page, then resultStart=1, resultStart=2, then resultStart=1 again")
}
