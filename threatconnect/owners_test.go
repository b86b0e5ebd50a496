package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwners(t *testing.T) {
	t.Parallel()
	_, c, _ := newFake(t)
	ctx := context.Background()

	owners, err := c.Owners.List(ctx)
	require.NoError(t, err)
	require.Len(t, owners, 2)
	assert.Equal(t, "Example Organization", owners[0].Name)
	assert.Equal(t, "Organization", owners[0].Type)
	assert.Equal(t, "Common Community", owners[1].Name)

	mine, err := c.Owners.Mine(ctx)
	require.NoError(t, err)
	assert.Equal(t, owners[0].Name, mine.Name)
}
