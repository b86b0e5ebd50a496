package threatconnect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestV3QueryEncoding(t *testing.T) {
	t.Parallel()
	var q query
	q.add("owner", "Common Community")
	q.add("tql", `summary = "a+b&c=d" and tag in ("x", "y")`)
	q.add("fields", "tags")
	assert.Equal(t, "owner=Common%20Community&tql=summary%20%3D%20%22a%2Bb%26c%3Dd%22%20and%20tag%20in%20%28%22x%22%2C%20%22y%22%29&fields=tags", q.encode())
	assert.Empty(t, query(nil).encode())
}

func TestEscapeQueryBytesKeepsWhatIsValid(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"resultStart=2&resultLimit=2":             "resultStart=2&resultLimit=2",
		"tql=typeName%20in%20(%22Address%22)":     "tql=typeName%20in%20(%22Address%22)",
		`tql=summary = "a b"&resultStart=5`:       "tql=summary%20=%20%22a%20b%22&resultStart=5",
		"a=%zz&resultStart=1":                     "a=%25zz&resultStart=1",
		"a=\u00e9&resultStart=1":                  "a=%C3%A9&resultStart=1",
		"owner=Common+Community&resultStart=1000": "owner=Common+Community&resultStart=1000",
	} {
		got := escapeQueryBytes(in)
		assert.Equal(t, want, got, in)
		assert.True(t, validQuery(got), got)
	}
}

func TestErrCodeKeepsOnlyACode(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0x1001", errCode(" 0x1001 "))
	assert.Empty(t, errCode("0x1001 and a long story about it"))
	assert.Empty(t, errCode("a\nb"))
	assert.Equal(t, "0x2003", errCodeOf([]byte(`{"errCode":"0x2003","status":"Error","message":"m"}`)))
	assert.Empty(t, errCodeOf([]byte(`Access Denied`)))
}
