package canarytest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

var (
	docx = append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 60)...)
	pdf  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	pngb = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
)

// The ten kinds of seed 000, created through the SDK end to end: create
// (with uploads), get, list, download, trigger, list incidents,
// acknowledge, delete.
func TestSDKEndToEndSeedKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		req      canary.CreateTokenRequest
		download string // expected file extension, "" when the kind has no file
	}{
		{canary.CreateTokenRequest{Kind: canary.KindHTTP, Memo: "Web server token"}, ""},
		{canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "DNS honeypot"}, ""},
		{canary.CreateTokenRequest{Kind: canary.KindMSWord, Memo: "board pack", Upload: &canary.Upload{Filename: "q3.docx", Content: bytes.NewReader(docx)}}, ".docx"},
		{canary.CreateTokenRequest{Kind: canary.KindPDF, Memo: "network diagram", Upload: &canary.Upload{Filename: "net.pdf", Content: bytes.NewReader(pdf)}}, ".pdf"},
		{canary.CreateTokenRequest{Kind: canary.KindAWSID, Memo: "build box keys"}, ""},
		{canary.CreateTokenRequest{Kind: canary.KindWebImage, Memo: "logo", Upload: &canary.Upload{Filename: "logo.png", Content: bytes.NewReader(pngb)}}, ".png"},
		{canary.CreateTokenRequest{Kind: canary.KindClonedWeb, Memo: "login page", ClonedWeb: "intranet.example.com"}, ""},
		{canary.CreateTokenRequest{Kind: canary.KindQRCode, Memo: "poster"}, ".png"},
		{canary.CreateTokenRequest{Kind: canary.KindSensitiveCmd, Memo: "klist", ProcessName: "klist.exe"}, ".reg"},
		{canary.CreateTokenRequest{Kind: canary.KindWindowsDir, Memo: "share"}, ".zip"},
	}
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	for _, tt := range tests {
		t.Run(string(tt.req.Kind), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tok, err := c.Tokens.Create(ctx, tt.req)
			require.NoError(t, err)
			assert.Equal(t, tt.req.Kind, tok.Kind)
			assert.Equal(t, tt.req.Memo, tok.Memo)
			assert.True(t, tok.Enabled)
			assert.Regexp(t, `^[a-z0-9]{25}$`, tok.ID)
			assert.WithinDuration(t, time.Now(), tok.Created, 10*time.Second)

			got, err := c.Tokens.Get(ctx, tok.ID)
			require.NoError(t, err)
			assert.Equal(t, tok.ID, got.ID)
			assert.NotEmpty(t, got.NodeID)

			switch tt.req.Kind {
			case canary.KindAWSID:
				assert.Regexp(t, `^AKIA[A-Z2-7]{16}$`, tok.AccessKeyID)
				assert.Contains(t, tok.Renders["aws-id"], tok.AccessKeyID)
			case canary.KindClonedWeb:
				assert.Equal(t, "intranet.example.com", tok.ClonedWeb)
				assert.Contains(t, tok.Renders["cloned-web"], "<script>")
			case canary.KindQRCode:
				assert.True(t, strings.HasPrefix(tok.QRCode, "data:image/png;base64,"))
			case canary.KindSensitiveCmd:
				assert.Equal(t, "klist.exe", tok.ProcessName)
			case canary.KindHTTP:
				require.NotNil(t, tok.BrowserScannerEnabled)
				assert.True(t, *tok.BrowserScannerEnabled)
			}

			dl, err := c.Tokens.Download(ctx, tok.ID)
			if tt.download == "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, canary.ErrUnsupported)
			} else {
				require.NoError(t, err)
				body, err := io.ReadAll(dl.Body)
				require.NoError(t, dl.Body.Close())
				require.NoError(t, err)
				assert.Equal(t, tok.ID+tt.download, dl.Filename)
				assert.NotEmpty(t, body)
				switch tt.req.Kind {
				case canary.KindMSWord:
					assert.Equal(t, docx, body, "the uploaded document comes back")
				case canary.KindWindowsDir:
					assert.True(t, bytes.HasPrefix(body, []byte("PK\x03\x04")))
				}
			}

			listed, err := c.Tokens.Search(ctx, &canary.SearchTokensOptions{Query: tok.ID})
			require.NoError(t, err)
			require.Len(t, listed.Items, 1)
			assert.Equal(t, tok.ID, listed.Items[0].ID)

			inc, err := srv.Trigger(tok.ID, "203.0.113.9")
			require.NoError(t, err)
			assert.Equal(t, got.NodeID, inc.NodeID, "the incident names the token's node_id")
			incs, err := c.Incidents.List(ctx, &canary.ListIncidentsOptions{NodeID: got.NodeID})
			require.NoError(t, err)
			require.Len(t, incs.Items, 1)
			assert.Equal(t, inc.Key, incs.Items[0].Key)
			assert.Equal(t, tt.req.Memo, incs.Items[0].Memo)
			assert.Equal(t, string(tt.req.Kind), incs.Items[0].Events[0].Type)
			require.NoError(t, c.Incidents.Acknowledge(ctx, inc.Key))
			acked, err := c.Incidents.Get(ctx, inc.Key)
			require.NoError(t, err)
			assert.True(t, acked.Acknowledged)
			err = c.Tokens.Delete(ctx, tok.ID, nil)
			require.Error(t, err, "a token with incidents cannot be deleted")
			require.NoError(t, c.Tokens.Delete(ctx, tok.ID, &canary.DeleteTokenOptions{ClearIncidents: true}))
			_, err = c.Tokens.Get(ctx, tok.ID)
			assert.ErrorIs(t, err, canary.ErrNotFound)
		})
	}
}

func TestCreateRejectsBadRequests(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	tests := []struct {
		name      string
		fields    map[string]string
		fileField string
		file      []byte
		wantMsg   string
	}{
		{"unknown kind", map[string]string{"kind": "web-bug", "memo": "m"}, "", nil, "Supplied kind is not valid."},
		{"flow kind", map[string]string{"kind": "gmail", "memo": "m"}, "", nil, "Supplied kind is not valid."},
		{"no kind", map[string]string{"memo": "m"}, "", nil, "Supplied kind is not valid."},
		{"empty memo", map[string]string{"kind": "http", "memo": "  "}, "", nil, "Empty memo"},
		{"long memo", map[string]string{"kind": "http", "memo": strings.Repeat("m", 10001)}, "", nil, "Could not process the parameters. memo is longer than 10000 characters"},
		{"cloned_web one label", map[string]string{"kind": "cloned-web", "memo": "m", "cloned_web": "intranet"}, "", nil, "Could not process the parameters. cloned_web is invalid, not enough domain labels"},
		{"missing process_name", map[string]string{"kind": "sensitive-cmd", "memo": "m"}, "", nil, "Could not process the parameters. process_name is required for kind sensitive-cmd"},
		{"web-image without file", map[string]string{"kind": "web-image", "memo": "m"}, "", nil, "Could not process the parameters. web_image file is required for kind web-image"},
		{"docx in the wrong field", map[string]string{"kind": "doc-msword", "memo": "m"}, "file", docx, "Could not process the parameters. file is not a file parameter of kind doc-msword"},
		{"file for a kind without one", map[string]string{"kind": "http", "memo": "m"}, "doc", docx, "Could not process the parameters. doc is not a file parameter of kind http"},
		{"pdf that is not a PDF", map[string]string{"kind": "pdf-acrobat-reader", "memo": "m"}, "pdf", docx, "Could not process the parameters. pdf is not a PDF document"},
		{"redirect without scheme", map[string]string{"kind": "fast-redirect", "memo": "m", "browser_redirect_url": "example.com"}, "", nil, "Could not process the parameters. browser_redirect_url is invalid"},
		{"bad flock", map[string]string{"kind": "http", "memo": "m", "flock_id": "default"}, "", nil, "Flock does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := multipartCreate(t, srv, tt.fields, tt.fileField, "x.bin", tt.file)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, map[string]any{"result": "error", "message": tt.wantMsg}, body)
		})
	}
	assert.Empty(t, srv.Tokens(), "no rejected request stored a token")
}

func TestTokenShapesMatchTheDocumentedExamples(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)

	status, created := call(t, srv, http.MethodPost, "/canarytoken/create", url.Values{"kind": {"http"}, "memo": {"Example Memo"}})
	require.Equal(t, http.StatusOK, status)
	sameShape(t, readJSON(t, "../testdata/tokens/create_http.json"), created, "create")
	assert.NotContains(t, created["canarytoken"], "node_id", "the documented create answer has no node_id")

	id := created["canarytoken"].(map[string]any)["canarytoken"].(string)
	_, fetched := call(t, srv, http.MethodGet, "/canarytoken/fetch", url.Values{"canarytoken": {id}})
	want := readJSON(t, "../testdata/tokens/fetch.json")
	delete(want["token"].(map[string]any), "some_future_field")
	sameShape(t, want, fetched, "fetch")

	_, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: "Example Memo"})
	require.NoError(t, err)
	_, page := call(t, srv, http.MethodGet, "/canarytokens/paginate", url.Values{"limit": {"1"}})
	want = readJSON(t, "../testdata/tokens/paginate_first.json")
	delete(want["canarytokens"].([]any)[0].(map[string]any), "factory_auth") // factory-made tokens only
	// The documented page holds an aws-id token; compare against ours.
	_, awsPage := call(t, srv, http.MethodGet, "/canarytokens/search", url.Values{"kind": {"aws-id"}, "limit": {"1"}})
	page["canarytokens"] = awsPage["canarytokens"]
	sameShape(t, want, page, "paginate")

	_, kinds := call(t, srv, http.MethodGet, "/canarytokens/list", nil)
	assert.Equal(t, "Web Bug", kinds["canarytokens"].(map[string]any)["http"])
	assert.Equal(t, "Acrobat PDF", kinds["canarytokens"].(map[string]any)["pdf-acrobat-reader"])
}

var cursorRE = regexp.MustCompile(`^[0-9]+(:[0-9]+)+$`)

func TestPaginateCursorsAreOpaqueAndCarryTheQuery(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 25, Kinds: []string{"http", "dns"}})
	require.NoError(t, err)

	var ids []string
	params := url.Values{"limit": {"10"}, "flock_id": {"flock:default"}}
	var prev any
	for page := 1; ; page++ {
		status, body := call(t, srv, http.MethodGet, "/canarytokens/paginate", params)
		require.Equal(t, http.StatusOK, status, "%v", body)
		assert.EqualValues(t, page, body["page_num"])
		assert.EqualValues(t, 3, body["page_total"])
		for _, tk := range body["canarytokens"].([]any) {
			ids = append(ids, tk.(map[string]any)["canarytoken"].(string))
		}
		cur := body["cursor"].(map[string]any)
		if page == 1 {
			assert.Nil(t, cur["prev"])
		} else {
			assert.NotNil(t, cur["prev"])
			assert.NotEqual(t, prev, cur["prev"])
		}
		next, _ := cur["next"].(string)
		if next == "" {
			assert.Nil(t, cur["next_link"])
			break
		}
		raw, err := base64.StdEncoding.DecodeString(next)
		require.NoError(t, err)
		assert.Regexp(t, cursorRE, string(raw))
		assert.Contains(t, cur["next_link"], "cursor="+url.QueryEscape(next))
		assert.Contains(t, cur["next_link"], "auth_token=", "the Console puts the auth token in next_link")
		prev = cur["prev"]
		params = url.Values{"cursor": {next}} // follow-up pages send only the cursor
	}
	assert.Len(t, ids, 25)

	// prev leads back to the page before.
	_, p1 := call(t, srv, http.MethodGet, "/canarytokens/paginate", url.Values{"limit": {"10"}})
	next := p1["cursor"].(map[string]any)["next"].(string)
	_, p2 := call(t, srv, http.MethodGet, "/canarytokens/paginate", url.Values{"cursor": {next}})
	_, back := call(t, srv, http.MethodGet, "/canarytokens/paginate", url.Values{"cursor": {p2["cursor"].(map[string]any)["prev"].(string)}})
	assert.Equal(t, p1["canarytokens"], back["canarytokens"])
	assert.EqualValues(t, 1, back["page_num"])

	want := make([]string, 0, 25)
	for _, tk := range srv.Tokens() {
		want = append(want, tk.ID)
	}
	assert.Equal(t, want, ids, "oldest first, each once")

	status, body := call(t, srv, http.MethodGet, "/canarytokens/paginate", url.Values{"cursor": {"bm9wZQ=="}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Parameter cursor was invalid.", body["message"])
}

func TestTokensAllPaginates2500(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 2500})
	require.NoError(t, err)
	seen := map[string]int{}
	for tok, err := range srv.Client().Tokens.All(context.Background(), &canary.ListTokensOptions{Limit: 100}) {
		require.NoError(t, err)
		seen[tok.ID]++
	}
	require.Len(t, seen, 2500)
	for _, tk := range srv.Tokens() {
		assert.Equal(t, 1, seen[tk.ID], tk.ID)
	}
}

func TestTokenSearch(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	a, err := srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: "AWS keys on build-01"})
	require.NoError(t, err)
	_, err = srv.AddToken(canarytest.TokenSpec{Kind: "aws-id", Memo: "rebuild notes", Disabled: true})
	require.NoError(t, err)
	h, err := srv.AddToken(canarytest.TokenSpec{Kind: "http", Memo: "Wiki page build status"})
	require.NoError(t, err)
	_, err = srv.Trigger(h.ID, "198.51.100.1")
	require.NoError(t, err)

	c := srv.Client()
	yes, no := true, false
	tests := []struct {
		name string
		opts canary.SearchTokensOptions
		want []string
	}{
		{"word prefix in memo", canary.SearchTokensOptions{Query: "build"}, []string{a.ID, h.ID}},
		{"kind", canary.SearchTokensOptions{Kind: canary.KindHTTP}, []string{h.ID}},
		{"active", canary.SearchTokensOptions{Kind: canary.KindAWSID, Active: &yes}, []string{a.ID}},
		{"inactive", canary.SearchTokensOptions{Active: &no, Query: "build"}, nil},
		{"id prefix", canary.SearchTokensOptions{Query: h.ID[:6]}, []string{h.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := c.Tokens.Search(context.Background(), &tt.opts)
			require.NoError(t, err)
			var got []string
			for _, tk := range page.Items {
				got = append(got, tk.ID)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want), page.TotalResults)
		})
	}
	page, err := c.Tokens.Search(context.Background(), &canary.SearchTokensOptions{Kind: canary.KindHTTP})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, 1, page.Items[0].UnackedAlertCount)
}

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	tok, err := c.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "first"})
	require.NoError(t, err)

	require.NoError(t, c.Tokens.Disable(ctx, tok.ID))
	got, err := c.Tokens.Get(ctx, tok.ID)
	require.NoError(t, err)
	assert.False(t, got.Enabled)
	_, err = srv.Trigger(tok.ID, "192.0.2.1")
	assert.ErrorContains(t, err, "disabled", "a disabled token raises no alert")

	require.NoError(t, c.Tokens.Enable(ctx, tok.ID))
	upd, err := c.Tokens.UpdateMemo(ctx, tok.ID, "second")
	require.NoError(t, err)
	assert.Equal(t, "second", upd.Memo)
	assert.Greater(t, upd.UpdatedID, tok.UpdatedID)

	_, err = srv.Trigger(tok.ID, "192.0.2.1")
	require.NoError(t, err)
	got, err = c.Tokens.Get(ctx, tok.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.TriggeredCount)

	err = c.Tokens.Delete(ctx, tok.ID, nil)
	var apiErr *canary.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Contains(t, apiErr.Message, "clear_incidents")
	require.Len(t, srv.Incidents(), 1, "a refused delete keeps the incidents")

	require.NoError(t, c.Tokens.Delete(ctx, tok.ID, &canary.DeleteTokenOptions{ClearIncidents: true}))
	assert.Empty(t, srv.Incidents())
	assert.Empty(t, srv.Tokens())

	for _, f := range []func() error{
		func() error { return c.Tokens.Enable(ctx, tok.ID) },
		func() error { _, err := c.Tokens.Get(ctx, tok.ID); return err },
		func() error { return c.Tokens.Delete(ctx, tok.ID, nil) },
	} {
		err := f()
		assert.ErrorIs(t, err, canary.ErrNotFound)
		assert.ErrorContains(t, err, "Could not find the Canarytoken")
	}
}

func TestFetchAllTokensIncludeEndpoints(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.Estate{Tokens: 3})
	require.NoError(t, err)
	_, body := call(t, srv, http.MethodGet, "/canarytokens/fetch", nil)
	assert.Len(t, body["tokens"], 3)
	_, body = call(t, srv, http.MethodGet, "/canarytokens/fetch", url.Values{"include_endpoints": {"true"}})
	list := body["tokens"].([]any)
	require.Len(t, list, 4)
	assert.NotContains(t, list[3], "canarytoken", "the factory endpoints entry is not a token")
}
