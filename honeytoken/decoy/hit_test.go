package decoy

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

func TestSanitizeEscapesLikeTextsafe(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `a\x0d\x0alevel=ERROR \u202e\\`, Sanitize("a\r\nlevel=ERROR \u202e\\", 0))
	assert.Len(t, Sanitize(strings.Repeat("a", 600), 0), maxField+len("…"), "max <= 0 means 512")
}

func TestMask(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"", ""},
		{"abc", "…"},
		{"abcdefgh", "ab…"},
		{"ghp_0123456789012345678901234567890123", "ghp_0123…"},
		{"\n\n\n\n\n\n\n\n", `\x0a\x0a…`},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Mask(c.in), c.in)
	}
}

// TestLogInjection sends a honeytoken request whose user agent, path, query
// parameter name and cookie name try to forge log lines, Slack mentions and
// links, and checks every output stays one record per alert with the payload
// escaped.
func TestLogInjection(t *testing.T) {
	t.Parallel()
	g := newGen(t, "injection")
	tok := mint(t, g, honeytoken.GitHubClassic)
	tok2 := mint(t, g, honeytoken.SlackBot)
	evilUA := "curl/8\r\ntime=2026-01-01 level=ERROR msg=\"admin login ok\" <!channel> <https://evil.example|click>\u2028\x1b[2J" + strings.Repeat("A", 5000)

	var rec collector
	r := httptest.NewRequest(http.MethodGet, "/v1/%0aINFO%20fake%0d?x%0aforged="+tok.Value, nil)
	r.RemoteAddr = "203.0.113.5:999"
	r.Header.Set("User-Agent", evilUA)
	r.Header.Set("Cookie", "sess\nion="+tok2.Value)
	Handler(g, WithRecorder(&rec)).ServeHTTP(httptest.NewRecorder(), r)
	hits := rec.all()
	require.Len(t, hits, 2)

	for _, h := range hits {
		for _, s := range []string{h.UserAgent, h.Path, h.Found.Name, h.Token} {
			assert.NotContains(t, s, "\n")
			assert.NotContains(t, s, "\r")
			assert.NotContains(t, s, "\x1b")
			assert.NotContains(t, s, "\u2028")
		}
		assert.LessOrEqual(t, len(h.UserAgent), maxField+len("…"), "header values are capped")
		assert.True(t, strings.HasPrefix(h.UserAgent, `curl/8\x0d\x0atime=`))
		assert.Equal(t, `/v1/\x0aINFO fake\x0d`, h.Path)
	}
	byKind := map[PlaceKind]Hit{}
	for _, h := range hits {
		byKind[h.Found.Kind] = h
	}
	assert.Equal(t, "x%0aforged", byKind[InQuery].Found.Name, "raw parameter names stay escaped")
	assert.Equal(t, `sess\x0aion`, byKind[InCookie].Found.Name)

	alerts := []Alert{{ID: "a1", Hit: byKind[InQuery], Count: 1}, {ID: "a2", Hit: byKind[InCookie], Count: 2}}

	// slog text: one line per record.
	var logBuf bytes.Buffer
	ln := LogNotifier(newTextLogger(&logBuf))
	for _, a := range alerts {
		require.NoError(t, ln.Notify(context.Background(), a))
	}
	lines := strings.Split(strings.TrimSuffix(logBuf.String(), "\n"), "\n")
	require.Len(t, lines, 2, logBuf.String())
	for _, l := range lines {
		assert.Contains(t, l, "msg=\"honeytoken used\"")
		assert.NotContains(t, l, "\x1b")
	}
	assert.NotContains(t, logBuf.String(), tok.Value)

	// JSON Lines: one line per alert, each valid JSON.
	var jl bytes.Buffer
	jn := NewJSONLines(&jl)
	for _, a := range alerts {
		require.NoError(t, jn.Notify(context.Background(), a))
	}
	jlines := strings.Split(strings.TrimSuffix(jl.String(), "\n"), "\n")
	require.Len(t, jlines, 2)
	for _, l := range jlines {
		var back Alert
		require.NoError(t, json.Unmarshal([]byte(l), &back))
	}

	// Slack: no mention, no link, no code-span break-out.
	msg, err := json.Marshal(slackMessage(alerts[0]))
	require.NoError(t, err)
	var payload slackPayload
	require.NoError(t, json.Unmarshal(msg, &payload))
	all := payload.Text
	for _, b := range payload.Blocks {
		if b.Text != nil {
			all += b.Text.Text
		}
		for _, f := range b.Fields {
			all += f.Text
		}
	}
	assert.NotContains(t, all, "<!channel>")
	assert.NotContains(t, all, "<https://evil")
	assert.Contains(t, all, "&lt;!channel&gt;")
	assert.NotContains(t, all, tok.Value)
}

func TestRegistryFillsLocationAndMemo(t *testing.T) {
	t.Parallel()
	g := newGen(t, "registry")
	tok, err := g.Generate(honeytoken.OpenAI, honeytoken.Meta{Location: "infra/.env", Memo: "CI runner", Labels: map[string]string{"team": "sre"}})
	require.NoError(t, err)
	store := honeytoken.NewMemoryStore()
	require.NoError(t, store.Put(t.Context(), honeytoken.Record{Token: tok, Status: honeytoken.StatusActive}))
	unknown := mint(t, g, honeytoken.OpenAI) // issued but never registered

	var rec collector
	h := Handler(g, WithRecorder(&rec), WithRegistry(store))
	for _, v := range []string{tok.Value, unknown.Value} {
		r := newReq(http.MethodGet, "/v1/models", "")
		r.Header.Set("Authorization", "Bearer "+v)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	hits := rec.all()
	require.Len(t, hits, 2)
	assert.Equal(t, "infra/.env", hits[0].Location)
	assert.Equal(t, "CI runner", hits[0].Memo)
	assert.Equal(t, map[string]string{"team": "sre"}, hits[0].Labels)
	assert.Equal(t, honeytoken.StatusActive, hits[0].TokenStatus)
	assert.Equal(t, unknown.ID, hits[1].TokenID, "an unregistered token is still a hit")
	assert.Empty(t, hits[1].Location)
}

func TestCredentialHeadersMaskedInHit(t *testing.T) {
	t.Parallel()
	g := newGen(t, "masking")
	tok := mint(t, g, honeytoken.GitHubClassic)
	var rec collector
	h := Handler(g, WithRecorder(&rec), WithCredentialHeaders("X-Acme-Key"), WithRecordHeaders("X-Trace"))
	r := newReq(http.MethodGet, "/v1/repos", "")
	r.Header.Set("Authorization", "token "+tok.Value)
	r.Header.Set("X-Acme-Key", "real-production-key-0123456789")
	r.Header.Set("Cookie", "session=real-session-abcdef; theme=dark")
	r.Header.Set("X-Trace", "t-1")
	r.Header.Set("Referer", "https://app.example.test/settings?gh="+tok.Value)
	h.ServeHTTP(httptest.NewRecorder(), r)
	hits := rec.all()
	require.Len(t, hits, 1)
	hd := hits[0].Headers
	assert.Equal(t, "token "+Mask(tok.Value), hd["Authorization"])
	assert.Equal(t, redacted, hd["X-Acme-Key"], "a real credential next to a honeytoken is never recorded")
	assert.Equal(t, "session=[REDACTED]; theme=[REDACTED]", hd["Cookie"])
	assert.Equal(t, "t-1", hd["X-Trace"])
	assert.Equal(t, "https://app.example.test/settings?gh="+Mask(tok.Value), hd["Referer"], "the token is masked wherever else it appears")
	assert.Equal(t, "curl/8.5.0", hits[0].UserAgent)
}
