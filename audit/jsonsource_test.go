package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

const (
	tokenA = `{"canarytoken": "tok-a", "kind": "http", "memo": "A", "enabled": true, "created": "1763000000.5", "node_id": "n-a", "triggered_count": 0}`
	tokenB = `{"canarytoken": "tok-b", "kind": "dns", "memo": "B", "enabled": "False", "created": 1763000000, "node_id": "n-b"}`
	// feedInc is the feed shape (nested "description"), with string types.
	feedInc = `{"id": "incident:canarytoken:1", "hash_id": "h1", "summary": "Canarytoken triggered", "updated_id": 3,
		"description": {"acknowledged": "False", "created": "1763100000", "description": "Canarytoken triggered",
		"logtype": "17000", "node_id": "n-a", "src_host": "203.0.113.7", "events": [{"canarytoken": "tok-a", "type": "http"}]}}`
	// flatInc is the fetch shape, on a deleted token named in its events.
	flatInc = `{"id": "incident:canarytoken:2", "acknowledged": "True", "created": "1763200000", "description": "Canarytoken triggered",
		"logtype": "17012", "node_id": "n-gone", "src_host": "203.0.113.7", "events": [{"canarytoken": "tok-gone", "type": "aws-id"}]}`
)

func TestFromJSONFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tokens, incidents string
	}{
		{"arrays", "[" + tokenA + "," + tokenB + "]", "[" + feedInc + ",\n" + flatInc + "]"},
		{"JSON Lines", tokenA + "\n" + tokenB + "\n", feedInc + "\n" + flatInc},
		{"Console responses", `{"result": "success", "canarytokens": [` + tokenA + "," + tokenB + `], "cursor": {"next": null}}`,
			`{"feed": "All Incidents", "incidents": [` + feedInc + "," + flatInc + `], "max_updated_id": 3, "result": "success"}`},
		{"fetch response, BOM, null items", "\ufeff" + `{"tokens": [` + tokenA + `, null, ` + tokenB + `]}`, "[null, " + feedInc + "," + flatInc + "]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := FromJSON(strings.NewReader(tc.tokens), strings.NewReader(tc.incidents))
			r, err := Full(context.Background(), src, &Options{Now: fixedNow,
				RecommendedKinds: []canary.Kind{canary.KindHTTP, canary.KindDNS}})
			require.NoError(t, err)
			assert.Equal(t, 2, r.Coverage.Tokens)
			assert.Equal(t, 1, r.Coverage.Enabled) // tok-b is "False"
			assert.Equal(t, 50.0, r.Coverage.ScorePercent)
			s := r.Incidents
			assert.Equal(t, 2, s.Total)
			assert.Equal(t, 1, s.Unacknowledged)
			assert.Equal(t, 1, s.OnTokens)
			assert.Equal(t, 1, s.OnDeletedTokens)
			assert.Equal(t, "tok-a", s.ByToken[0].Token.ID)
			require.Len(t, s.DeletedTokens, 1)
			assert.Equal(t, DeletedTokenIncidents{NodeID: "n-gone", TokenID: "tok-gone", Kind: canary.KindAWSID, Incidents: 1,
				LastSeen: s.LastSeen}, s.DeletedTokens[0])
			require.Len(t, s.RepeatSources, 1) // tok-a and the deleted token, from one address
			assert.Equal(t, "203.0.113.7", s.RepeatSources[0].IP)
		})
	}
}

func TestFromJSONEmptyAndNil(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "  \n", "[]", `{"canarytokens": null}`} {
		r, err := Full(context.Background(), FromJSON(strings.NewReader(in), nil), &Options{Now: fixedNow})
		require.NoError(t, err, "%q", in)
		assert.Equal(t, 0, r.Coverage.Tokens, "%q", in)
		assert.Equal(t, 0, r.Incidents.Total, "%q", in)
	}
	_, err := Coverage(context.Background(), FromJSON(nil, nil), nil)
	var ve *canary.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "FromJSON", ve.Field)
}

func TestFromJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tokens, incidents, want string
	}{
		{"bad item", "[" + tokenA + `, {"canarytoken": 12, "enabled": "maybe"}]`, "", "audit: reading tokens: audit: tokens: item 2:"},
		{"truncated array", "[" + tokenA + ",", "", "audit: tokens: item 2:"},
		{"scalar", `"tokens"`, "", `want a JSON array, JSON Lines of objects or a Console response object, got '"'`},
		{"trailing data", "[" + tokenA + "] [", "", "data after the closing ]"},
		{"bad JSON line", tokenA + "\n{oops}\n", "", "audit: tokens: item 2:"},
		{"bad incident", "[]", "[" + feedInc + `, {"created": "yesterday"}]`, "audit: reading incidents: audit: incidents: item 2:"},
		{"envelope not an object list", `{"canarytokens": [1]}`, "", "audit: tokens: item 1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Full(context.Background(), FromJSON(strings.NewReader(tc.tokens), strings.NewReader(tc.incidents)),
				&Options{Now: fixedNow})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestFromJSONReadOnce(t *testing.T) {
	t.Parallel()
	src := FromJSON(strings.NewReader("["+tokenA+"]"), strings.NewReader("["+feedInc+"]"))
	_, err := Full(context.Background(), src, &Options{Now: fixedNow})
	require.NoError(t, err)
	_, err = Coverage(context.Background(), src, nil)
	require.ErrorIs(t, err, errReused)
}

func TestFromFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tp, ip := filepath.Join(dir, "tokens.json"), filepath.Join(dir, "incidents.jsonl")
	require.NoError(t, os.WriteFile(tp, []byte("["+tokenA+","+tokenB+"]"), 0o600))
	require.NoError(t, os.WriteFile(ip, []byte(feedInc+"\n"+flatInc+"\n"), 0o600))
	src := FromFiles(tp, ip)
	for range 2 { // re-readable
		r, err := Full(context.Background(), src, &Options{Now: fixedNow})
		require.NoError(t, err)
		assert.Equal(t, 2, r.Coverage.Tokens)
		assert.Equal(t, 2, r.Incidents.Total)
	}
	r, err := Full(context.Background(), FromFiles(tp, ""), &Options{Now: fixedNow})
	require.NoError(t, err)
	assert.Equal(t, 0, r.Incidents.Total)

	_, err = Coverage(context.Background(), FromFiles(filepath.Join(dir, "missing.json"), ""), nil)
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = Coverage(context.Background(), FromFiles("", ""), nil)
	var ve *canary.ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestFromJSONStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Coverage(ctx, FromJSON(strings.NewReader("["+tokenA+"]"), nil), nil)
	require.ErrorIs(t, err, context.Canceled)
}
