package threatconnect_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestV3GroupCreateGolden(t *testing.T) {
	t.Parallel()
	c, got := mockV3(t, http.StatusCreated, "testdata/v3/group_create_response.json")
	g, err := c.V3.Groups.Create(context.Background(), threatconnect.Group{Type: threatconnect.Incident, Name: "Bad Incident",
		EventDate: time.Date(2021, 11, 3, 0, 0, 0, 0, time.UTC), Status: "New", Tags: []string{"Targeted Attack", "Robbery"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/v3/groups", (*got)[0].target)
	assert.JSONEq(t, golden(t, "group_create_request.json"), (*got)[0].body)
	assert.Equal(t, &threatconnect.Group{ID: 3, Type: threatconnect.Incident, Name: "Bad Incident", Status: "New",
		EventDate: time.Date(2021, 11, 3, 0, 0, 0, 0, time.UTC), Owner: "Demo Organization",
		WebLink: "https://app.threatconnect.com/auth/incident/incident.xhtml?incident=3",
		Tags:    []string{"Targeted Attack", "Robbery"}}, g)
}

func TestV3GroupsAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	g, err := c.V3.Groups.Create(ctx, threatconnect.Group{Type: threatconnect.Event, Name: "Canary alert",
		EventDate: time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)}, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC), g.EventDate)
	_, err = c.V3.Indicators.Create(ctx, threatconnect.Indicator{Type: threatconnect.URL, Summary: "https://evil.example/x"}, nil)
	require.NoError(t, err)
	g2, err := c.V3.Groups.AssociateIndicators(ctx, g.ID, []threatconnect.IndicatorRef{{Type: threatconnect.URL, Summary: "https://evil.example/x"}}, nil)
	require.NoError(t, err)
	require.Len(t, g2.AssociatedIndicators, 1)
	assert.Equal(t, "https://evil.example/x", g2.AssociatedIndicators[0].Summary)
	ind, ok := srv.Indicator("", "URL", "https://evil.example/x")
	require.True(t, ok)
	assert.Equal(t, []int64{g.ID}, ind.Groups)
	got, err := c.V3.Groups.Get(ctx, g.ID, &threatconnect.V3Options{Fields: []threatconnect.Field{threatconnect.FieldAssociatedIndicators}})
	require.NoError(t, err)
	assert.Equal(t, g2.AssociatedIndicators, got.AssociatedIndicators)
	_, err = c.V3.Groups.Get(ctx, 999999, nil)
	assert.ErrorIs(t, err, threatconnect.ErrNotFound)
}
