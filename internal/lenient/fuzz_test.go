package lenient

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzIncidentFields checks that the webhook and incident helpers never
// panic and that SoftInt agrees with Int wherever Int succeeds.
func FuzzIncidentFields(f *testing.F) {
	for _, s := range []string{`21`, `"443"`, `["Dst Port", 80]`, `["Username"]`, `[["a","b"]]`, `{"a":1}`, `null`, `"\u00e9"`, `[`, `"1e300"`, `["x", {"y": [1, null]}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var soft SoftInt
		require.NoError(t, soft.UnmarshalJSON(data))
		var strict Int
		if strict.UnmarshalJSON(data) == nil {
			require.Equal(t, int64(strict), int64(soft))
		}
		var text Text
		_ = text.UnmarshalJSON(data)
		var p Pair
		if p.UnmarshalJSON(data) == nil && !p.HasValue {
			require.Empty(t, p.Value)
		}
	})
}

// FuzzScalars checks that no input panics any decoder, and that accepted
// integers round-trip through their canonical text.
func FuzzScalars(f *testing.F) {
	for _, s := range []string{`"True"`, `"1586249623"`, `"1586249510.069870"`, `80`, `"80"`, `null`, `"False"`, `1e3`, `"9999999999999999999"`, `{"a":1}`, `"\u0031"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Bool
		var n Int
		var tm Time
		var s String
		_ = b.UnmarshalJSON(data)
		if err := n.UnmarshalJSON(data); err == nil && n != 0 {
			var back Int
			require.NoError(t, back.UnmarshalJSON([]byte(json.Number(itoa(int64(n))))))
			require.Equal(t, n, back)
		}
		_ = tm.UnmarshalJSON(data)
		_ = s.UnmarshalJSON(data)
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
