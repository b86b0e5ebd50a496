package threatconnect_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestV3OwnersList(t *testing.T) {
	t.Parallel()
	_, c, _ := newFake(t)
	owners, err := c.V3.Owners.List(context.Background())
	require.NoError(t, err)
	var names []string
	for _, o := range owners {
		names = append(names, o.Name)
	}
	assert.Equal(t, []string{"Example Organization", "Common Community"}, names)
}

func TestV3OwnersFollowsNextAndStopsALoop(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusOK, `{"status":"Success","data":[{"id":1,"name":"Acme","type":"Organization"}],"next":"https://tc.example/api/v3/security/owners?resultStart=1&resultLimit=1"}`)
	_, err := c.V3.Owners.List(context.Background())
	require.ErrorIs(t, err, threatconnect.ErrPaginationLoop)
	require.Len(t, *got, 2)
	assert.Equal(t, "/api/v3/security/owners", (*got)[0].target)
	assert.Equal(t, "/api/v3/security/owners?resultStart=1&resultLimit=1", (*got)[1].target)
}
