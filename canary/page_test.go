package canary

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// streamTransport answers every request with a body written by serve through
// a pipe, so a test decides when each part of a body arrives.
type streamTransport struct {
	serve func(q url.Values, w *io.PipeWriter)
}

func (t streamTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	go t.serve(r.URL.Query(), pw)
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: pr, ContentLength: -1, Request: r}, nil
}

func streamClient(t *testing.T, serve func(q url.Values, w *io.PipeWriter)) *Client {
	t.Helper()
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken),
		WithHTTPClient(&http.Client{Transport: streamTransport{serve}}), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c
}

// TestAllRequestsTheNextPageWhileTheBodyStreams holds back the end of page
// 1 until page 2 has been requested: the pager must send that request as
// soon as page 1's cursor has arrived. Were it to wait for the whole body,
// every goroutine would block and synctest would fail the test.
func TestAllRequestsTheNextPageWhileTheBodyStreams(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		page1 := incidentFeedTemplate(4).render(0, 2)
		page2 := incidentFeedTemplate(4).render(1, 2)
		requested := make(chan struct{})
		var once sync.Once
		c := streamClient(t, func(q url.Values, w *io.PipeWriter) {
			switch q.Get("cursor") {
			case "":
				half := len(page1) / 2
				_, _ = w.Write(page1[:half])
				<-requested
				_, _ = w.Write(page1[half:])
			case pageCursor(1):
				once.Do(func() { close(requested) })
				_, _ = w.Write(page2)
			}
			_ = w.Close()
		})
		var keys []string
		for inc, err := range c.Incidents.All(context.Background(), &ListIncidentsOptions{Limit: 4}) {
			require.NoError(t, err)
			keys = append(keys, inc.HashID)
		}
		assert.Equal(t, []string{"h0000000000", "h0000000001", "h0000000002", "h0000000003",
			"h0000000004", "h0000000005", "h0000000006", "h0000000007"}, keys)
	})
}

// TestAllWithTheCursorLast: a page that puts its cursor after the items
// gives no head start, and the listing is the same.
func TestAllWithTheCursorLast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var order []string
		c := streamClient(t, func(q url.Values, w *io.PipeWriter) {
			k := 0
			if cur := q.Get("cursor"); cur != "" {
				k, _ = cursorPage(cur)
			}
			mu.Lock()
			order = append(order, q.Get("cursor"))
			mu.Unlock()
			body := cursorLast(t, incidentFeedTemplate(3).render(k, 3))
			_, _ = w.Write(body)
			_ = w.Close()
		})
		var keys []string
		for inc, err := range c.Incidents.All(context.Background(), nil) {
			require.NoError(t, err)
			keys = append(keys, inc.HashID)
		}
		require.Len(t, keys, 9)
		assert.Equal(t, "h0000000000", keys[0])
		assert.Equal(t, "h0000000008", keys[8])
		assert.Equal(t, []string{"", pageCursor(1), pageCursor(2)}, order)
	})
}

// cursorLast moves a page's "cursor" member to the end of the object.
func cursorLast(t *testing.T, body []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	cur := m["cursor"]
	delete(m, "cursor")
	var b bytes.Buffer
	b.WriteByte('{')
	for k, v := range m {
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
		b.WriteByte(',')
	}
	b.WriteString(`"cursor":`)
	b.Write(cur)
	b.WriteByte('}')
	return b.Bytes()
}

// TestAllWhenTheStreamedCursorIsOverruled: a page with two "cursor"
// members streams the first, but encoding/json (and so the page) keeps the
// second's next; the request sent ahead is dropped, its items are never
// yielded, and the listing follows the decoded cursor.
func TestAllWhenTheStreamedCursorIsOverruled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var asked []string
		c := streamClient(t, func(q url.Values, w *io.PipeWriter) {
			mu.Lock()
			asked = append(asked, q.Get("cursor"))
			mu.Unlock()
			switch q.Get("cursor") {
			case "":
				_, _ = io.WriteString(w, `{"cursor": {"next": "decoy"}, "incidents": [{"id": "a"}], "cursor": {"next": "real"}, "result": "success"}`)
			case "decoy":
				_, _ = io.WriteString(w, `{"cursor": null, "incidents": [{"id": "never"}], "result": "success"}`)
			case "real":
				_, _ = io.WriteString(w, `{"cursor": null, "incidents": [{"id": "b"}], "result": "success"}`)
			}
			_ = w.Close()
		})
		var keys []string
		for inc, err := range c.Incidents.All(context.Background(), nil) {
			require.NoError(t, err)
			keys = append(keys, inc.Key)
		}
		assert.Equal(t, []string{"a", "b"}, keys)
		assert.Contains(t, asked, "real")
	})
}

func TestCursorWatch(t *testing.T) {
	t.Parallel()
	big := `"canarytokens": [` + strings.Repeat(`{"canarytoken": "x"},`, cursorWindow/20) + `{}], `
	cases := []struct {
		name, body string
		want       string // "" means no notice
	}{
		{"cursor first", `{"cursor": {"next": "abc", "prev": null}, "feed": "All", "incidents": []}`, "abc"},
		{"after small members", `{"a": [1, {"b": "c"}], "feed": "x", "cursor": {"next": "n1"}, "incidents": []}`, "n1"},
		{"escaped name", `{"\u0063ursor": {"next": "esc"}}`, "esc"},
		{"folded name", `{"Cursor": {"NEXT": "fold"}}`, "fold"},
		{"escaped value", `{"cursor": {"next": "a\/b\u00e9"}}`, "a/bé"},
		{"null cursor", `{"cursor": null, "incidents": []}`, ""},
		{"null next", `{"cursor": {"next": null}, "incidents": []}`, ""},
		{"no cursor", `{"incidents": [], "result": "success"}`, ""},
		{"past the window", `{` + big + `"cursor": {"next": "late"}}`, ""},
		{"not an object", `[{"cursor": {"next": "no"}}]`, ""},
		{"bad syntax", `{"a": tru, "cursor": {"next": "no"}}`, ""},
		{"empty", ``, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, chunk := range []int{1, 7, 64, 1 << 20} {
				var got []string
				w := &cursorWatch{notify: func(n string) { got = append(got, n) }}
				// The watch rescans an incomplete member once the unscanned
				// bytes have doubled: a page's items follow its cursor, so
				// give every body a tail, as a page has.
				data := []byte(tc.body)
				if b, ok := strings.CutSuffix(tc.body, "}"); ok {
					data = []byte(b + `, "tail": "` + strings.Repeat("t", 2048) + `"}`)
				}
				for end := min(chunk, len(data)); ; end = min(end+chunk, len(data)) {
					w.feed(data[:end])
					if end == len(data) {
						break
					}
				}
				if tc.want == "" {
					assert.Empty(t, got, "chunk %d", chunk)
				} else {
					assert.Equal(t, []string{tc.want}, got, "chunk %d", chunk)
				}
			}
		})
	}
}

// TestCursorWatchAgreesWithTheDecoder: on every documented page, the
// streamed cursor is the one the decoded page reports.
func TestCursorWatchAgreesWithTheDecoder(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
	require.NoError(t, err)
	bodies := [][]byte{
		incidentFeedTemplate(5).render(0, 2), incidentFeedTemplate(5).render(1, 2),
		[]byte(golden(t, "incidents/feed_all_limit1.json")), []byte(golden(t, "incidents/search_node_limit1.json")),
		[]byte(golden(t, "incidents/feed_acknowledged_limit1.json")),
	}
	for i, body := range bodies {
		var got []string
		w := &cursorWatch{notify: func(n string) { got = append(got, n) }}
		for end := 1; end <= len(body); end += 13 {
			w.feed(body[:end])
		}
		p, err := decodeIncidentsPage(c, getReq("/incidents/all"), 200, body)
		require.NoError(t, err, i)
		if p.NextCursor == "" {
			assert.Empty(t, got, i)
		} else {
			assert.Equal(t, []string{p.NextCursor}, got, i)
		}
	}
}

// TestDecodedPagesDoNotAliasTheBody: page bodies are recycled once decoded,
// so nothing decoded may point into them.
func TestDecodedPagesDoNotAliasTheBody(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithBaseURL(testBase), WithAuthToken(testToken))
	require.NoError(t, err)
	scribble := func(b []byte) {
		for i := range b {
			b[i] = 'x'
		}
	}
	for _, body := range [][]byte{
		incidentFeedTemplate(6).render(0, 2), []byte(golden(t, "incidents/feed_all_limit1.json")),
		[]byte(golden(t, "incidents/search_node_limit1.json")),
	} {
		want, err := decodeIncidentsPage(c, getReq("/incidents/all"), 200, bytes.Clone(body))
		require.NoError(t, err)
		got, err := decodeIncidentsPage(c, getReq("/incidents/all"), 200, body)
		require.NoError(t, err)
		scribble(body)
		assert.Equal(t, want, got)
	}
	for _, body := range [][]byte{
		tokenListTemplate(9).render(0, 2), []byte(golden(t, "tokens/paginate_first.json")), []byte(golden(t, "tokens/search.json")),
	} {
		want, err := decodeTokensPage(c, getReq("/canarytokens/paginate"), 200, bytes.Clone(body))
		require.NoError(t, err)
		got, err := decodeTokensPage(c, getReq("/canarytokens/paginate"), 200, body)
		require.NoError(t, err)
		scribble(body)
		assert.Equal(t, want, got)
	}
}
