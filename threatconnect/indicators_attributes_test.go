package threatconnect_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
	"github.com/decoykit/decoykit/threatconnect/tctest"
)

func TestDescriptionBecomesAttribute(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	_, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.Address, Summary: "198.51.100.1", Description: "seen by canary"}, nil)
	require.NoError(t, err)
	_, err = c.Batch.Upload(ctx, []threatconnect.Indicator{{Type: threatconnect.Address, Summary: "198.51.100.2", Description: "seen in batch"}},
		&threatconnect.BatchOptions{Owner: tctest.DefaultOwner})
	require.NoError(t, err)
	for ip, want := range map[string]string{"198.51.100.1": "seen by canary", "198.51.100.2": "seen in batch"} {
		ind, ok := srv.Indicator("", "Address", ip)
		require.True(t, ok)
		require.Len(t, ind.Attributes, 1)
		assert.Equal(t, tctest.Attribute{ID: ind.Attributes[0].ID, Type: "Description", Value: want}, ind.Attributes[0])
	}
}

func TestAddAttribute(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	_, err := c.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.URL, Summary: "https://Evil.Example:8443/a/b"}, nil)
	require.NoError(t, err)
	a, err := c.Indicators.AddAttribute(ctx, threatconnect.URL, "https://evil.example:8443/a/b", threatconnect.Attribute{Type: "Source", Value: "canary"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Source", a.Type)
	assert.NotZero(t, a.ID)
	assert.False(t, a.DateAdded.IsZero())
	ind, ok := srv.Indicator("", "URL", "https://evil.example:8443/a/b")
	require.True(t, ok)
	assert.Len(t, ind.Attributes, 1)

	_, err = c.Indicators.AddAttribute(ctx, threatconnect.URL, "https://evil.example:8443/a/b", threatconnect.Attribute{Type: "No Such Type", Value: "x"}, nil)
	var ae *threatconnect.APIError
	require.ErrorAs(t, err, &ae, "the attribute type must exist on the instance")
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	assert.ErrorIs(t, err, threatconnect.ErrInvalidRequest)
}
