package lenient

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`true`: true, `false`: false, `"True"`: true, `"False"`: false, `"1"`: true, `0`: false,
		`1`: true, `null`: false, `""`: false, `"yes"`: true,
	} {
		var b Bool
		require.NoError(t, json.Unmarshal([]byte(in), &b), in)
		assert.Equal(t, want, bool(b), in)
	}
	var b Bool
	assert.ErrorContains(t, json.Unmarshal([]byte(`"maybe"`), &b), `"maybe" is not a boolean`)
	assert.Error(t, json.Unmarshal([]byte(`{}`), &b))
}

func TestInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		`80`: 80, `"80"`: 80, `"0"`: 0, `null`: 0, `""`: 0, `"12.0"`: 12, `-3`: -3, `1e3`: 1000,
	} {
		var n Int
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		assert.Equal(t, want, int64(n), in)
	}
	for _, in := range []string{`"12.5"`, `"abc"`, `[1]`, `"1e300"`} {
		var n Int
		assert.Error(t, json.Unmarshal([]byte(in), &n), in)
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	cases := map[string]time.Time{
		`"1586249623"`:                    time.Unix(1586249623, 0).UTC(),
		`1586249623`:                      time.Unix(1586249623, 0).UTC(),
		`"1586249510.069870"`:             time.Unix(1586249510, 69870000).UTC(),
		`1589021675123`:                   time.UnixMilli(1589021675123).UTC(),
		`null`:                            {},
		`""`:                              {},
		`"2020-04-07 08:53:43 (UTC)"`:     time.Date(2020, 4, 7, 8, 53, 43, 0, time.UTC),
		`"Tue, 07 Apr 2020 08:53:43 GMT"`: time.Date(2020, 4, 7, 8, 53, 43, 0, time.UTC),
		`"2026-02-02T14:19:02Z"`:          time.Date(2026, 2, 2, 14, 19, 2, 0, time.UTC),
		`"2020-04-07 08:53:43 UTC+0000"`:  time.Date(2020, 4, 7, 8, 53, 43, 0, time.UTC),
		`"2020-04-07 17:53:43 UTC+0900"`:  time.Date(2020, 4, 7, 8, 53, 43, 0, time.UTC), // tz=Asia/Tokyo
		`"2020-04-07 03:53:43 UTC-0500"`:  time.Date(2020, 4, 7, 8, 53, 43, 0, time.UTC),
	}
	for in, want := range cases {
		var v Time
		require.NoError(t, json.Unmarshal([]byte(in), &v), in)
		assert.True(t, want.Equal(time.Time(v)), "%s: got %v want %v", in, time.Time(v), want)
	}
	var v Time
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &v))
	assert.Error(t, json.Unmarshal([]byte(`"12.x"`), &v))
}

func TestString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"a"`: "a", `17000`: "17000", `null`: "", `true`: "true", `"a\"b"`: `a"b`} {
		var s String
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, string(s), in)
	}
}
