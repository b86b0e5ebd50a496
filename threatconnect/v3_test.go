package threatconnect

import (
	"fmt"
	"strings"
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

// BenchmarkV3DecodePage decodes the worst realistic v3 page: 10,000 items
// (MaxPageSize) with their tags, attributes, security labels and
// associated groups expanded, as All with every field asks for.
func BenchmarkV3DecodePage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"next":"https://app.threatconnect.com/api/v3/indicators?fields=tags&fields=attributes&resultStart=10000&resultLimit=10000","data":[`)
	for i := range MaxPageSize {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"ownerId":1,"ownerName":"Demo Organization","dateAdded":"2021-11-05T16:43:17Z","webLink":"https://app.threatconnect.com/#/details/indicators/%d/overview","type":"Address","lastModified":"2021-11-05T16:43:17Z","rating":5.00,"confidence":85,"description":"Seen by decoys 3 time(s) between 2021-11-05T16:43:17Z and 2021-11-06T16:43:17Z","summary":"198.51.%d.%d","privateFlag":false,"active":true,"activeLocked":false,"ip":"198.51.%d.%d","tags":{"data":[{"id":10,"name":"canary"},{"id":11,"name":"aws-id"},{"id":12,"name":"infra/.env on build server"}]},"attributes":{"data":[{"id":24,"type":"Description","value":"Canary token used from 198.51.0.1 at 2021-11-05T16:43:17Z (incident incident:canarytoken:abc:1636130597)","source":"decoykit","dateAdded":"2021-11-05T16:43:17Z","lastModified":"2021-11-05T16:43:17Z","default":true}]},"securityLabels":{"data":[{"id":3,"name":"TLP:AMBER"}]},"associatedGroups":{"data":[{"id":15,"type":"Event","ownerName":"Demo Organization","name":"Canary: http token used"}]}}`,
			i, i, i/250, i%250, i/250, i%250)
	}
	sb.WriteString(`],"count":25000,"status":"Success"}`)
	body := []byte(sb.String())
	c, err := NewClient(WithAPIToken("bench-token-0123456789"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := c.decode("GET", "/v3/indicators", 200, body)
		if err != nil {
			b.Fatal(err)
		}
		var items []wireIndicatorV3
		if err := c.v3Data("GET", "/v3/indicators", env, &items); err != nil {
			b.Fatal(err)
		}
		for _, w := range items {
			_ = w.indicator()
		}
		if _, err := c.nextCursor("GET", "/v3/indicators", env.Next, "v3", "indicators"); err != nil {
			b.Fatal(err)
		}
	}
}
