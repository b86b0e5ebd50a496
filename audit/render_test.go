package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

// hostile is an estate whose Console-supplied text tries to break the
// renderers: table pipes, HTML, newlines, terminal escapes, bidi overrides.
func hostile() *memSource {
	memo := "pay|roll <script>alert(1)</script>\n# heading \x1b[31mred\x1b[0m \u202eevil `code` *b* [l](x)"
	t1 := tok("t|1", "kind|<b>", false, 400)
	t1.Memo = memo
	t1.SecretAccessKey = canary.Sensitive("do-not-print-this-secret")
	t1.AccessKeyID = "ACCESS-KEY-ID-NOT-IN-REPORTS"
	t1.URL = "https://example.invalid/secret-token-url"
	i := inc("t|1", "203.0.113.7\x1b[2J", false, 1)
	return &memSource{tokens: []*canary.Token{t1}, incidents: []*canary.Incident{i}}
}

func TestRenderersEscapeConsoleText(t *testing.T) {
	t.Parallel()
	r, err := Full(context.Background(), hostile(), &Options{Now: fixedNow})
	require.NoError(t, err)

	var md, txt bytes.Buffer
	require.NoError(t, r.WriteMarkdown(&md))
	require.NoError(t, r.WriteText(&txt))
	j, err := json.Marshal(r)
	require.NoError(t, err)

	for name, out := range map[string]string{"markdown": md.String(), "text": txt.String()} {
		assert.NotContains(t, out, "\x1b", name)
		assert.NotContains(t, out, "\u202e", name)
		for _, r := range out {
			if r != '\n' {
				assert.False(t, unicode.IsControl(r), "%s has control character %q", name, r)
			}
		}
	}
	for name, out := range map[string]string{"markdown": md.String(), "text": txt.String(), "json": string(j)} {
		for _, secret := range []string{"do-not-print-this-secret", "ACCESS-KEY-ID-NOT-IN-REPORTS", "secret-token-url"} {
			assert.NotContains(t, out, secret, name)
		}
	}
	// Every Markdown table row keeps its column count: escaped pipes do
	// not split cells.
	for line := range strings.SplitSeq(md.String(), "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "t\\|1") {
			cells := len(strings.Split(strings.ReplaceAll(line, `\|`, ""), "|")) - 2
			assert.Contains(t, []int{4, 5, 8}, cells, line)
		}
	}
	assert.NotContains(t, md.String(), "<script>")
	assert.Contains(t, md.String(), `pay\|roll &lt;script&gt;`)
	assert.Contains(t, txt.String(), "pay|roll <script>alert(1)</script> # heading ?[31mred?[0m ?evil")
}

func TestRenderCoverageOnly(t *testing.T) {
	t.Parallel()
	r, err := Coverage(context.Background(), &memSource{tokens: recommendedEstate()}, &Options{Now: fixedNow})
	require.NoError(t, err)
	var md, txt bytes.Buffer
	require.NoError(t, r.WriteMarkdown(&md))
	require.NoError(t, r.WriteText(&txt))
	assert.Contains(t, md.String(), "# Deception audit (coverage)")
	assert.Contains(t, md.String(), "**Coverage score: 100%**")
	assert.Contains(t, md.String(), "No findings.")
	assert.NotContains(t, md.String(), "## Incidents")
	assert.Contains(t, txt.String(), "Coverage score  100%")
	assert.NotContains(t, txt.String(), "INCIDENTS")
}

// failWriter fails once more than n bytes have been written.
type failWriter struct{ n int }

var errWrite = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errWrite
	}
	f.n -= len(p)
	return len(p), nil
}

func TestRenderersReportWriteErrors(t *testing.T) {
	t.Parallel()
	r, err := Full(context.Background(), mixedEstate(), &Options{Now: fixedNow})
	require.NoError(t, err)
	for _, n := range []int{0, 10, 500, 3000} {
		require.ErrorIs(t, r.WriteMarkdown(&failWriter{n: n}), errWrite, n)
		require.ErrorIs(t, r.WriteText(&failWriter{n: n}), errWrite, n)
		require.ErrorIs(t, r.WriteJSON(&failWriter{n: n}), errWrite, n)
	}
}

func TestJSONSchemaKeys(t *testing.T) {
	t.Parallel()
	r, err := Full(context.Background(), mixedEstate(), &Options{Now: fixedNow})
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &top))
	keys := func(m map[string]json.RawMessage) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	assert.Equal(t, []string{"coverage", "findings", "generated_at", "hygiene", "incidents", "schema_version", "scope", "settings"}, keys(top))
	assert.JSONEq(t, "1", string(top["schema_version"]))
	var sec map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(top["incidents"], &sec))
	assert.Equal(t, []string{"acknowledged", "by_kind", "by_token", "deleted_tokens", "disabled_with_incidents",
		"disabled_with_incidents_count", "first_seen", "last_seen", "on_deleted_tokens", "on_devices", "on_tokens",
		"repeat_sources", "sources", "tokens_with_incidents", "top_sources", "total", "unacknowledged"}, keys(sec))
	sec = nil
	require.NoError(t, json.Unmarshal(top["coverage"], &sec))
	assert.Equal(t, []string{"by_kind", "deployed", "disabled", "disabled_only", "enabled", "missing", "never_triggered",
		"score_basis", "score_percent", "tokens", "triggered", "unknown_kinds"}, keys(sec))

	// A coverage report leaves out the full-only sections.
	c, err := Coverage(context.Background(), mixedEstate(), &Options{Now: fixedNow})
	require.NoError(t, err)
	b, err = json.Marshal(c)
	require.NoError(t, err)
	top = nil
	require.NoError(t, json.Unmarshal(b, &top))
	assert.Equal(t, []string{"coverage", "findings", "generated_at", "schema_version", "scope", "settings"}, keys(top))
}
