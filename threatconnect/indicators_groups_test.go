package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestAssociateGroup(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	w, _ := newHost(t, c, threatconnect.Indicator{})

	g, err := c.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Incident, Name: "Canary incident 42", EventDate: fixedTime}, w)
	require.NoError(t, err)
	require.NoError(t, c.Indicators.AssociateGroup(ctx, threatconnect.Host, "evil.example", g.Ref(), w))
	stored, ok := srv.Indicator("Common Community", "Host", "evil.example")
	require.True(t, ok)
	assert.Equal(t, []int64{g.ID}, stored.Groups)

	err = c.Indicators.AssociateGroup(ctx, threatconnect.Host, "evil.example", threatconnect.GroupRef{Type: threatconnect.Incident}, w)
	var ve *threatconnect.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "GroupRef.ID", ve.Field)
}
