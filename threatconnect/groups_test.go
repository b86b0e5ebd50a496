package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestGroupsCreate(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()

	g, err := c.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Event, Name: " Canary event ", EventDate: fixedTime, Status: "Needs Review"}, nil)
	require.NoError(t, err)
	assert.NotZero(t, g.ID)
	assert.Equal(t, "Canary event", g.Name)
	assert.Equal(t, threatconnect.GroupRef{Type: threatconnect.Event, ID: g.ID}, g.Ref())
	assert.True(t, fixedTime.Equal(g.EventDate))
	require.Len(t, srv.Groups(""), 1)

	for _, bad := range []threatconnect.Group{
		{Type: threatconnect.Adversary, Name: "x", EventDate: fixedTime},
		{Type: threatconnect.Incident, EventDate: fixedTime},
		{Type: threatconnect.Incident, Name: "x"},
	} {
		_, err := c.Groups.Create(ctx, bad, nil)
		var ve *threatconnect.ValidationError
		assert.ErrorAs(t, err, &ve)
	}
}
