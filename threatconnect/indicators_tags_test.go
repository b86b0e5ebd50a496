package threatconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/threatconnect"
)

func TestTags(t *testing.T) {
	t.Parallel()
	srv, c, _ := newFake(t)
	ctx := context.Background()
	w, r := newHost(t, c, threatconnect.Indicator{Tags: []string{"canary", "TLP/amber memo"}})

	stored, ok := srv.Indicator("Common Community", "Host", "evil.example")
	require.True(t, ok)
	assert.Equal(t, []string{"canary", "TLP/amber memo"}, stored.Tags, "a tag with a slash arrives whole")
	tags, err := c.Indicators.Tags(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"canary", "TLP/amber memo"}, tags)

	require.NoError(t, c.Indicators.AddTag(ctx, threatconnect.Host, "evil.example", "deception", w))
	require.NoError(t, c.Indicators.RemoveTag(ctx, threatconnect.Host, "evil.example", "TLP/amber memo", w))
	tags, err = c.Indicators.Tags(ctx, threatconnect.Host, "evil.example", r)
	require.NoError(t, err)
	assert.Equal(t, []string{"canary", "deception"}, tags)
}
