package tctest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestTQLParserMatchesWhatTheBuilderWrites(t *testing.T) {
	t.Parallel()
	ind := &Indicator{ID: 7, Type: "Host", Summary: `evil"host\.example`, Owner: "Acme", Tags: []string{"canary", `x "y"`},
		Rating: 4, Confidence: 80, Active: true, DateAdded: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	tests := []struct {
		q    threatconnect.TQL
		want bool
	}{
		{threatconnect.TQLSummary.Eq(`evil"host\.example`), true},
		{threatconnect.TQLSummary.Eq(`evil`), false},
		{threatconnect.TQLSummary.Eq(`x" or typeName != "y`), false}, // an injection attempt stays one value
		{threatconnect.TQLTag.Eq(`x "y"`), true},
		{threatconnect.TQLTag.In("a", "canary"), true},
		{threatconnect.TQLTag.NotIn("canary"), false},
		{threatconnect.TQLTypeName.Eq(threatconnect.Host).And(threatconnect.TQLRating.Ge(4), threatconnect.TQLConfidence.Lt(81)), true},
		{threatconnect.TQLOr(threatconnect.TQLRating.Gt(4), threatconnect.TQLID.Eq(7)), true},
		{threatconnect.TQLAnd(threatconnect.TQLOr(threatconnect.TQLRating.Gt(4), threatconnect.TQLID.Eq(8)), threatconnect.TQLActive.Eq(true)), false},
		{threatconnect.TQLSummary.Contains(`HOST\`), true},
		{threatconnect.TQLSummary.StartsWith("evil"), true},
		{threatconnect.TQLSummary.EndsWith(".example"), true},
		{threatconnect.TQLOwnerName.Ne("Acme"), false},
		{threatconnect.TQLDateAdded.Ge(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), true},
	}
	for _, tc := range tests {
		require.NoError(t, tc.q.Err())
		e, err := parseTQL(tc.q.String())
		require.NoError(t, err, tc.q.String())
		require.NoError(t, e.check())
		assert.Equal(t, tc.want, e.match(ind), tc.q.String())
	}
}

func TestTQLParserRefusesBadQueries(t *testing.T) {
	t.Parallel()
	for _, q := range []string{`summary = "open`, `summary =`, `= 1`, `summary ~ 1`, `(summary = 1`, `summary = 1)`, `tag in ("a"`, `a ! b`, `summary = "x" and`} {
		_, err := parseTQL(q)
		assert.Error(t, err, q)
	}
	e, err := parseTQL(`color = "red"`)
	require.NoError(t, err)
	assert.ErrorContains(t, e.check(), `unknown TQL field "color"`)
}
