package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestAddObservations(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	w, _ := newHost(t, c, threatconnect.Indicator{})

	require.NoError(t, c.Indicators.AddObservations(ctx, threatconnect.Host, "evil.example", 3, w))
	require.NoError(t, c.Indicators.AddObservations(ctx, threatconnect.Host, "evil.example", 1, w))
	stored, ok := srv.Indicator("Common Community", "Host", "evil.example")
	require.True(t, ok)
	assert.Equal(t, 4, stored.Observations)

	err := c.Indicators.AddObservations(ctx, threatconnect.Host, "evil.example", 0, w)
	var ve *threatconnect.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "count", ve.Field)
}
