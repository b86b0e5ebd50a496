package canary

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensKinds(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/canarytokens/list", 200, "@tokens/list_kinds.json")
	kinds, err := f.c.Tokens.Kinds(context.Background())
	require.NoError(t, err)
	assert.Len(t, kinds, 10)
	for _, k := range RecommendedKinds() {
		assert.Equal(t, k.Description(), kinds[k], k)
	}
}

func TestTokensCreateHTTP(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "POST", "/canarytoken/create", 200, "@tokens/create_http.json")
	tok, err := f.c.Tokens.Create(context.Background(), CreateTokenRequest{Kind: KindHTTP, Memo: "Example Memo", BrowserScannerEnabled: Ptr(false), FlockID: "flock:default"})
	require.NoError(t, err)
	require.Len(t, *calls, 1)
	c := (*calls)[0]
	assert.Empty(t, c.Query)
	assert.Equal(t, url.Values{"kind": {"http"}, "memo": {"Example Memo"}, "browser_scanner_enabled": {"false"}, "flock_id": {"flock:default"}}, c.Form)

	assert.Equal(t, "<token_code>", tok.ID)
	assert.Equal(t, KindHTTP, tok.Kind)
	assert.True(t, tok.Enabled)
	assert.Equal(t, time.Date(2020, 4, 6, 8, 21, 55, 87693000, time.UTC), tok.Created)
	require.NotNil(t, tok.BrowserScannerEnabled)
	assert.True(t, *tok.BrowserScannerEnabled)
	assert.Equal(t, int64(7), tok.UpdatedID)
	assert.Equal(t, "<token_url>", tok.URL)
	assert.Contains(t, string(tok.Raw), `"hostname": "<token_hostname>"`)
}

func TestTokensCreateKindSpecificFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		req  CreateTokenRequest
		want url.Values
	}{
		{CreateTokenRequest{Kind: KindClonedWeb, Memo: "m", ClonedWeb: "intranet.example.com"}, url.Values{"cloned_web": {"intranet.example.com"}}},
		{CreateTokenRequest{Kind: KindFastRedirect, Memo: "m", BrowserRedirectURL: "https://example.com/x"}, url.Values{"browser_redirect_url": {"https://example.com/x"}}},
		{CreateTokenRequest{Kind: KindSlowRedirect, Memo: "m", BrowserRedirectURL: "https://example.com/x"}, url.Values{"browser_redirect_url": {"https://example.com/x"}}},
		{CreateTokenRequest{Kind: KindQRCode, Memo: "m", BrowserRedirectURL: "https://example.com/q"}, url.Values{"browser_redirect_url": {"https://example.com/q"}}},
		{CreateTokenRequest{Kind: KindSensitiveCmd, Memo: "m", ProcessName: "klist.exe"}, url.Values{"process_name": {"klist.exe"}}},
		{CreateTokenRequest{Kind: KindClonedCSS, Memo: "m", ExpectedReferrer: "login.example.com"}, url.Values{"expected_referrer": {"login.example.com"}}},
		{CreateTokenRequest{Kind: KindAWSS3, Memo: "m", S3SourceBucket: "src", S3LogBucket: "logs", AWSRegion: "eu-west-1"}, url.Values{"s3_source_bucket": {"src"}, "s3_log_bucket": {"logs"}, "aws_region": {"eu-west-1"}}},
		{CreateTokenRequest{Kind: KindAWSID, Memo: "m", Expiry: "6mo"}, url.Values{"expiry": {"6mo"}}},
		{CreateTokenRequest{Kind: KindAzureID, Memo: "m", AzureIDCertFileName: "cert.pem"}, url.Values{"azure_id_cert_file_name": {"cert.pem"}}},
		{CreateTokenRequest{Kind: KindActiveDirectoryLogin, Memo: "m", TokenedUsernames: []string{"svc_backup", "adm_old"}}, url.Values{"tokened_usernames": {"svc_backup,adm_old"}}},
		{CreateTokenRequest{Kind: KindIDPApp, Memo: "m", IDPAppType: "github"}, url.Values{"idp_app_type": {"github"}}},
		{CreateTokenRequest{Kind: KindPWA, Memo: "m", PWAAppName: "Payroll", PWAIcon: "bank"}, url.Values{"pwa_app_name": {"Payroll"}, "pwa_icon": {"bank"}}},
		{CreateTokenRequest{Kind: KindMySQLDump, Memo: "m", Industry: "medical"}, url.Values{"industry": {"medical"}}},
		{CreateTokenRequest{Kind: KindDNS, Memo: "m", CustomDomain: "t.example.com"}, url.Values{"custom_domain": {"t.example.com"}}},
		{CreateTokenRequest{Kind: "future-kind", Memo: "m", AllowUnknownKind: true, Extra: url.Values{"future_param": {"x"}}}, url.Values{"future_param": {"x"}}},
		{CreateTokenRequest{Kind: KindWireGuard, Memo: "m", Extra: url.Values{"new_option": {"1"}}}, url.Values{"new_option": {"1"}}},
	}
	for _, tc := range cases {
		t.Run(string(tc.req.Kind), func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			calls := f.on(t, "POST", "/canarytoken/create", 200, "@tokens/create_http.json")
			_, err := f.c.Tokens.Create(context.Background(), tc.req)
			require.NoError(t, err)
			want := url.Values{"kind": {string(tc.req.Kind)}, "memo": {"m"}}
			for k, v := range tc.want {
				want[k] = v
			}
			assert.Equal(t, want, (*calls)[0].Form)
		})
	}
}

func TestTokensGet(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/canarytoken/fetch", 200, "@tokens/fetch.json")
	tok, err := f.c.Tokens.Get(context.Background(), "<token_code>")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"canarytoken": {"<token_code>"}}, (*calls)[0].Query)
	assert.Equal(t, "<node_id>", tok.NodeID)
	assert.Equal(t, 2, tok.TriggeredCount)
	assert.Contains(t, string(tok.Raw), "some_future_field", "unknown fields stay reachable")
}

func TestTokensGetNotFound(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/canarytoken/fetch", 200, `{"message": "Could not find the Canarytoken", "result": "error"}`)
	_, err := f.c.Tokens.Get(context.Background(), "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, err, ErrUnauthorized)
}

func TestTokensListAndPageFields(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "GET", "/canarytokens/paginate", 200, "@tokens/paginate_first.json")
	p, err := f.c.Tokens.List(context.Background(), &ListTokensOptions{Limit: 1, FlockID: "flock:default"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"limit": {"1"}, "flock_id": {"flock:default"}}, (*calls)[0].Query)
	require.Len(t, p.Items, 1)
	tok := p.Items[0]
	assert.Equal(t, KindAWSID, tok.Kind)
	assert.Equal(t, "<aws_access_key_id>", tok.AccessKeyID)
	assert.Equal(t, "<aws_secret_access_key>", tok.SecretAccessKey.Reveal())
	assert.Equal(t, "<user_name>", tok.Username)
	assert.Contains(t, tok.Renders["aws-id"], "aws_access_key_id")
	assert.Equal(t, "<factory_auth_token>", tok.FactoryAuth.Reveal())
	assert.Equal(t, "MToxMjozOjQ6Mjo0", p.NextCursor)
	assert.True(t, p.HasNext())
	assert.Equal(t, 1, p.PageNumber)
	assert.Equal(t, 2, p.TotalPages)
}

// pagedTokens registers /canarytokens/paginate answering the first call (no
// cursor) with first and any cursor call with last.
// queryLog records the queries a fake server saw. It is safe for
// concurrent use: httpmock runs a responder in its own goroutine, which may
// still be running when a cancelled request has returned.
type queryLog struct {
	mu sync.Mutex
	qs []url.Values
}

func (l *queryLog) add(q url.Values) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.qs = append(l.qs, q)
}

func (l *queryLog) snapshot() []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.qs)
}

func pagedTokens(t *testing.T, f *fixture) *queryLog {
	queries := &queryLog{}
	first, last := golden(t, "tokens/paginate_first.json"), golden(t, "tokens/paginate_last.json")
	f.mock.RegisterResponder("GET", testBase+"/canarytokens/paginate", func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		queries.add(q)
		if q.Get("cursor") == "" {
			return httpmock.NewStringResponse(200, first), nil
		}
		return httpmock.NewStringResponse(200, last), nil
	})
	return queries
}

func TestTokensAllFollowsCursorOnly(t *testing.T) {
	t.Parallel()
	f := setup(t)
	queries := pagedTokens(t, f)
	var ids []string
	for tok, err := range f.c.Tokens.All(context.Background(), &ListTokensOptions{Limit: 1, FlockID: "flock:default"}) {
		require.NoError(t, err)
		ids = append(ids, tok.ID)
	}
	assert.Equal(t, []string{"<token_code>", "<token_code_2>"}, ids, "the factory endpoints entry is skipped")
	qs := queries.snapshot()
	require.Len(t, qs, 2)
	assert.Equal(t, url.Values{"limit": {"1"}, "flock_id": {"flock:default"}}, qs[0])
	assert.Equal(t, url.Values{"cursor": {"MToxMjozOjQ6Mjo0"}}, qs[1], "follow-ups carry only the cursor")
}

func TestTokensAllLenientSecondPage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pagedTokens(t, f)
	p, err := f.c.Tokens.List(context.Background(), &ListTokensOptions{Cursor: "MToxMjozOjQ6Mjo0"})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, 3, p.Items[0].TriggeredCount, `"3" decodes as 3`)
	assert.Equal(t, int64(18), p.Items[0].UpdatedID)
	assert.False(t, p.Items[0].Enabled)
	assert.False(t, p.HasNext())
	assert.Equal(t, "MToxMjozOjQ6Mjo0", p.PrevCursor)
}

func TestTokensAllBreakAndRerange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	queries := pagedTokens(t, f)
	seq := f.c.Tokens.All(context.Background(), nil)
	for range seq {
		break
	}
	// The next page is requested as soon as its cursor is known, before the
	// first item is yielded: a break cancels that read-ahead and fetches
	// nothing more.
	assert.LessOrEqual(t, len(queries.snapshot()), 2, "break after the first item fetches at most the page read ahead")
	n := 0
	for _, err := range seq {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	starts := 0
	for _, q := range queries.snapshot() {
		if q.Get("cursor") == "" {
			starts++
			assert.Equal(t, "500", q.Get("limit"), "each range starts over with the default limit")
		}
	}
	assert.Equal(t, 2, starts, "the second range starts from the first page")
}

func TestTokensAllErrorMidStream(t *testing.T) {
	t.Parallel()
	f := setup(t)
	first := golden(t, "tokens/paginate_first.json")
	f.mock.RegisterResponder("GET", testBase+"/canarytokens/paginate", func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("cursor") == "" {
			return httpmock.NewStringResponse(200, first), nil
		}
		return httpmock.NewStringResponse(500, "<html>oops</html>"), nil
	})
	var errs []error
	n := 0
	for _, err := range f.c.Tokens.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 1, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrServer)
}

func TestTokensListRejectsBadLimit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, l := range []int{-1, MaxPageSize + 1} {
		_, err := f.c.Tokens.List(context.Background(), &ListTokensOptions{Limit: l})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Limit", ve.Field)
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}

func TestTokensEnableDisableDelete(t *testing.T) {
	t.Parallel()
	f := setup(t)
	en := f.on(t, "POST", "/canarytoken/enable", 200, `{"result": "success"}`)
	dis := f.on(t, "POST", "/canarytoken/disable", 200, `{"result": "success"}`)
	del := f.on(t, "POST", "/canarytoken/delete", 200, `{"result": "success"}`)
	ctx := context.Background()
	require.NoError(t, f.c.Tokens.Enable(ctx, "tok1"))
	require.NoError(t, f.c.Tokens.Disable(ctx, "tok1"))
	require.NoError(t, f.c.Tokens.Delete(ctx, "tok1", nil))
	require.NoError(t, f.c.Tokens.Delete(ctx, "tok1", &DeleteTokenOptions{ClearIncidents: true}))
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}}, (*en)[0].Form)
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}}, (*dis)[0].Form)
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}}, (*del)[0].Form)
	assert.Equal(t, url.Values{"canarytoken": {"tok1"}, "clear_incidents": {"true"}}, (*del)[1].Form)
}

func TestTokensDeleteWithIncidentsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "POST", "/canarytoken/delete", 200, `{"message": "Could not delete Canarydrop", "result": "error"}`)
	err := f.c.Tokens.Delete(context.Background(), "tok1", nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "Could not delete Canarydrop", ae.Message)
	assert.Equal(t, "/canarytoken/delete", ae.Path)
}

func TestTokensUpdateMemo(t *testing.T) {
	t.Parallel()
	f := setup(t)
	calls := f.on(t, "POST", "/canarytoken/update", 200, "@tokens/update.json")
	tok, err := f.c.Tokens.UpdateMemo(context.Background(), "<token_code>", "new memo")
	require.NoError(t, err)
	assert.Equal(t, "new memo", tok.Memo)
	assert.Equal(t, url.Values{"canarytoken": {"<token_code>"}, "memo": {"new memo"}}, (*calls)[0].Form)
}

func TestEmptyIDsAreRejectedBeforeIO(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	calls := []func() error{
		func() error { _, err := f.c.Tokens.Get(ctx, ""); return err },
		func() error { return f.c.Tokens.Enable(ctx, " ") },
		func() error { return f.c.Tokens.Disable(ctx, "") },
		func() error { return f.c.Tokens.Delete(ctx, "", nil) },
		func() error { _, err := f.c.Tokens.UpdateMemo(ctx, "", "m"); return err },
		func() error { _, err := f.c.Tokens.UpdateMemo(ctx, "x", ""); return err },
		func() error { _, err := f.c.Tokens.Download(ctx, ""); return err },
		func() error { _, err := f.c.Tokens.Get(ctx, "a\nb"); return err },
	}
	for i, call := range calls {
		err := call()
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "call %d", i)
		assert.True(t, errors.Is(err, ErrInvalidRequest))
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
