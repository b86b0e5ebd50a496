package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestSecurityLabels(t *testing.T) {
	t.Parallel()
	_, c, _ := newFake(t)
	ctx := context.Background()
	w, r := newHost(t, c, threatconnect.Indicator{SecurityLabels: []string{"TLP:AMBER"}})

	labels, err := c.Indicators.SecurityLabels(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"TLP:AMBER"}, labels)

	require.NoError(t, c.Indicators.AddSecurityLabel(ctx, threatconnect.Host, "evil.example", "TLP:RED", w))
	labels, err = c.Indicators.SecurityLabels(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"TLP:AMBER", "TLP:RED"}, labels)

	err = c.Indicators.AddSecurityLabel(ctx, threatconnect.Host, "evil.example", "TLP:PURPLE", w)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae, "a label that does not exist is refused, as on the platform")
	assert.ErrorIs(t, err, threatconnect.ErrNotFound)
}
