package threatconnect_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestTQLBuilder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    threatconnect.TQL
		want string
	}{
		{"zero", threatconnect.TQL{}, ""},
		{"in", threatconnect.TQLTypeName.In("Address", threatconnect.Host), `typeName in ("Address", "Host")`},
		{"and", threatconnect.TQLTag.Eq("canary").And(threatconnect.TQLRating.Ge(3), threatconnect.TQLActive.Eq(true)),
			`tag = "canary" and rating >= 3 and active = true`},
		{"or inside and", threatconnect.TQLAnd(threatconnect.TQLOr(threatconnect.TQLTag.Eq("a"), threatconnect.TQLTag.Eq("b")), threatconnect.TQLConfidence.Lt(50)),
			`(tag = "a" or tag = "b") and confidence < 50`},
		{"zero parts skipped", threatconnect.TQLAnd(threatconnect.TQL{}, threatconnect.TQLID.Eq(int64(7)), threatconnect.TQL{}), `id = 7`},
		{"float", threatconnect.TQLRating.Gt(2.5), `rating > 2.5`},
		{"time", threatconnect.TQLDateAdded.Ge(time.Date(2021, 4, 1, 2, 0, 0, 0, time.FixedZone("x", 2*3600))), `dateAdded >= "2021-04-01T00:00:00Z"`},
		{"double quote", threatconnect.TQLSummary.Eq(`a"b`), `summary = "a\"b"`},
		{"backslash", threatconnect.TQLSummary.Eq(`C:\temp\`), `summary = "C:\\temp\\"`},
		{"single quote kept", threatconnect.TQLSummary.Eq(`it's`), `summary = "it's"`},
		{"injection stays a string", threatconnect.TQLSummary.Eq(`x" or typeName != "y`), `summary = "x\" or typeName != \"y"`},
		{"escaped backslash then quote", threatconnect.TQLTag.Contains(`\" or 1=1 or tag = "`), `tag contains "\\\" or 1=1 or tag = \""`},
		{"not in", threatconnect.TQLTag.NotIn("a", "b"), `tag not in ("a", "b")`},
		{"startswith", threatconnect.TQLSummary.StartsWith("10."), `summary startswith "10."`},
		{"endswith", threatconnect.TQLSummary.EndsWith(".example"), `summary endswith ".example"`},
		{"ne", threatconnect.TQLOwnerName.Ne("Acme"), `ownerName != "Acme"`},
		{"le", threatconnect.TQLConfidence.Le(100), `confidence <= 100`},
		{"nested field", threatconnect.TQLField("hasTag.summary").Eq("x"), `hasTag.summary = "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, tc.q.Err())
			assert.Equal(t, tc.want, tc.q.String())
		})
	}
}

func TestTQLRefusesWhatCannotBeWrittenSafely(t *testing.T) {
	t.Parallel()
	for name, q := range map[string]threatconnect.TQL{
		"field with space":     threatconnect.TQLField("summary = 1 or x").Eq(1),
		"field with quote":     threatconnect.TQLField(`a"`).Eq(1),
		"empty field":          threatconnect.TQLField("").Eq(1),
		"digit first":          threatconnect.TQLField("1a").Eq(1),
		"newline in value":     threatconnect.TQLSummary.Eq("a\nb"),
		"NUL in value":         threatconnect.TQLSummary.Eq("a\x00b"),
		"invalid UTF-8":        threatconnect.TQLSummary.Eq("a\xffb"),
		"NaN":                  threatconnect.TQLRating.Eq(math.NaN()),
		"Inf":                  threatconnect.TQLRating.Eq(math.Inf(1)),
		"unsupported type":     threatconnect.TQLRating.Eq([]int{1}),
		"empty in":             threatconnect.TQLTag.In(),
		"error survives And":   threatconnect.TQLTag.Eq("ok").And(threatconnect.TQLSummary.Eq("\r")),
		"error survives TQLOr": threatconnect.TQLOr(threatconnect.TQLSummary.Eq("\r"), threatconnect.TQLTag.Eq("ok")),
	} {
		require.Error(t, q.Err(), name)
		assert.ErrorIs(t, q.Err(), threatconnect.ErrInvalidRequest, name)
		assert.Empty(t, q.String(), name)
	}
}

func TestTQLZeroAndOr(t *testing.T) {
	t.Parallel()
	assert.True(t, threatconnect.TQL{}.IsZero())
	assert.False(t, threatconnect.TQLTag.Eq("a").IsZero())
	assert.False(t, threatconnect.TQLTag.Eq("\n").IsZero(), "an error is not no filter")
	q := threatconnect.TQLTag.Eq("a").Or(threatconnect.TQLTag.Eq("b").And(threatconnect.TQLRating.Gt(1)))
	assert.Equal(t, `tag = "a" or (tag = "b" and rating > 1)`, q.String())
	assert.Equal(t, `tag = "a"`, threatconnect.TQLTag.Eq("a").Or().String())
	assert.True(t, threatconnect.TQLAnd().IsZero())
}
