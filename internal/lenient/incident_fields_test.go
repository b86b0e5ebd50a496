package lenient

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSoftInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{`21`, 21}, {`"443"`, 443}, {`null`, 0}, {`""`, 0}, {`"N/A"`, 0}, {`{"a":1}`, 0}, {`[1]`, 0}, {`"12.5"`, 0}, {`"8.0"`, 8},
	}
	for _, tt := range tests {
		var n SoftInt
		require.NoError(t, json.Unmarshal([]byte(tt.in), &n), tt.in)
		assert.Equal(t, tt.want, int64(n), tt.in)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"Mozilla/5.0"`, "Mozilla/5.0"}, {`80`, "80"}, {`64487`, "64487"}, {`true`, "true"}, {`null`, ""},
		{`{"a": [1, 2]}`, `{"a":[1,2]}`}, {`[ "x" ]`, `["x"]`}, {`"caf\u00e9"`, "café"},
	}
	for _, tt := range tests {
		var s Text
		require.NoError(t, json.Unmarshal([]byte(tt.in), &s), tt.in)
		assert.Equal(t, tt.want, string(s), tt.in)
	}
}

func TestPair(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Pair
	}{
		{`["Username", "username"]`, Pair{"Username", "username", true}},
		{`["Dst Port", 80]`, Pair{"Dst Port", "80", true}},
		{`["Only a name"]`, Pair{Name: "Only a name"}},
		{`[]`, Pair{}},
		{`null`, Pair{}},
		{`["a", "b", "c"]`, Pair{"a", "b", true}},
		{`["geo", {"country": "ZA"}]`, Pair{"geo", `{"country":"ZA"}`, true}},
	}
	for _, tt := range tests {
		var p Pair
		require.NoError(t, json.Unmarshal([]byte(tt.in), &p), tt.in)
		assert.Equal(t, tt.want, p, tt.in)
	}
	var p Pair
	require.ErrorIs(t, p.UnmarshalJSON([]byte(`"Username"`)), ErrNotPair)
	require.ErrorIs(t, p.UnmarshalJSON([]byte(`{"a":1}`)), ErrNotPair)
}
