package canary

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlocksQueries(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.on(t, "GET", "/flocks/list", 200, "@flocks/list.json")
	f.on(t, "GET", "/flocks/summary", 200, "@flocks/summaries.json")
	fs := f.on(t, "GET", "/flock/summary", 200, "@flocks/flock_summary.json")
	f.on(t, "GET", "/flocks/filter", 200, "@flocks/filter.json")
	f.on(t, "GET", "/flock/list", 200, "@flocks/members.json")
	f.on(t, "GET", "/flock/settings", 200, "@flocks/settings.json")
	ctx := context.Background()

	list, err := f.c.Flocks.List(ctx, "")
	require.NoError(t, err)
	require.Len(t, list, 1, "the docs example repeats one key; JSON keeps the last")
	assert.Equal(t, &Flock{ID: "<flock_id>", Name: "Another Example Flock Name"}, list[0])

	sums, err := f.c.Flocks.Summaries(ctx)
	require.NoError(t, err)
	require.Len(t, sums, 1)
	s := sums[0]
	assert.Equal(t, "flock:default", s.ID)
	assert.Equal(t, "Default Flock", s.Name)
	assert.Equal(t, []string{"<node_id>", "<canarytoken>", "<canarytoken>"}, s.Members)
	assert.Equal(t, 1, s.OnlineDevices)
	assert.Equal(t, 7, s.EnabledTokens)
	assert.Equal(t, 3, s.DisabledTokens)
	assert.Equal(t, 10, s.TotalTokens)
	assert.Contains(t, s.Settings, "whitelisting")

	ts, err := f.c.Flocks.Summary(ctx, "flock:default", 3)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"flock_id": {"flock:default"}, "num_top_tokens": {"3"}}, (*fs)[0].Query)
	assert.Equal(t, 8, ts.TotalTokens)
	assert.Equal(t, 6, ts.DifferentKinds)
	assert.Equal(t, KindCount{Kind: KindAWSID, Count: 2}, ts.TopKinds[0])

	filtered, err := f.c.Flocks.Filter(ctx, "Example")
	require.NoError(t, err)
	assert.Equal(t, []*Flock{{ID: "<flock_id>", Name: "Example Flock Name"}}, filtered)

	members, err := f.c.Flocks.Members(ctx, "flock:default")
	require.NoError(t, err)
	assert.Len(t, members, 4)

	settings, err := f.c.Flocks.Settings(ctx, "flock:default")
	require.NoError(t, err)
	assert.Len(t, settings, 4)
}

func TestFlocksActions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	cr := f.on(t, "POST", "/flock/create", 200, "@flocks/create.json")
	rn := f.on(t, "POST", "/flock/rename", 200, "@flocks/rename.json")
	mv := f.on(t, "POST", "/flock/move", 200, "@flocks/move.json")
	dl := f.on(t, "POST", "/flock/delete", 200, "@flocks/delete.json")
	ctx := context.Background()

	id, err := f.c.Flocks.Create(ctx, "Cape Town", &CreateFlockOptions{Managers: []string{"a@example.com", "b@example.com"}})
	require.NoError(t, err)
	assert.Equal(t, "<flock_id>", id)
	assert.Equal(t, url.Values{"name": {"Cape Town"}, "managers": {"a@example.com,b@example.com"}}, (*cr)[0].Form)

	require.NoError(t, f.c.Flocks.Rename(ctx, "flock:x", "Durban"))
	assert.Equal(t, url.Values{"flock_id": {"flock:x"}, "name": {"Durban"}}, (*rn)[0].Form)
	require.NoError(t, f.c.Flocks.Move(ctx, "flock:x", "00000000f9495cec", true))
	assert.Equal(t, url.Values{"dest_flock_id": {"flock:x"}, "node_id": {"00000000f9495cec"}, "clear_incidents": {"true"}}, (*mv)[0].Form)
	require.NoError(t, f.c.Flocks.Delete(ctx, "flock:x"))
	assert.Equal(t, url.Values{"flock_id": {"flock:x"}}, (*dl)[0].Form)
}

func TestFlocksValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"summary id":  func() error { _, err := f.c.Flocks.Summary(ctx, "", 0); return err },
		"summary top": func() error { _, err := f.c.Flocks.Summary(ctx, "flock:x", -1); return err },
		"filter":      func() error { _, err := f.c.Flocks.Filter(ctx, ""); return err },
		"members":     func() error { _, err := f.c.Flocks.Members(ctx, ""); return err },
		"settings":    func() error { _, err := f.c.Flocks.Settings(ctx, ""); return err },
		"create name": func() error { _, err := f.c.Flocks.Create(ctx, "", nil); return err },
		"create email": func() error {
			_, err := f.c.Flocks.Create(ctx, "x", &CreateFlockOptions{Watchers: []string{"a,b@x"}})
			return err
		},
		"rename":      func() error { return f.c.Flocks.Rename(ctx, "flock:x", "") },
		"move dest":   func() error { return f.c.Flocks.Move(ctx, "", "n", false) },
		"move node":   func() error { return f.c.Flocks.Move(ctx, "flock:x", "", false) },
		"delete":      func() error { return f.c.Flocks.Delete(ctx, "") },
		"delete dflt": func() error { return f.c.Flocks.Delete(ctx, DefaultFlockID) },
	} {
		t.Run(name, func(t *testing.T) {
			var ve *ValidationError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}

func TestIsNodeID(t *testing.T) {
	t.Parallel()
	assert.True(t, IsNodeID("00000000f9495cec"))
	assert.False(t, IsNodeID("00000000f9495ce"))
	assert.False(t, IsNodeID("abcdefghijklmnop"))
	assert.False(t, IsNodeID("<canarytoken>"))
}

func TestFlockAPIKeysGolden(t *testing.T) {
	t.Parallel()
	f := setup(t)
	add := f.on(t, "POST", "/flock/auth_token/add", 200, "@flocks/auth_token_add.json")
	lst := f.on(t, "GET", "/flock/auth_token/list", 200, "@flocks/auth_token_list.json")
	rm := f.on(t, "POST", "/flock/auth_token/remove", 200, "@flocks/auth_token_remove.json")
	ctx := context.Background()

	k, err := f.c.Flocks.CreateAPIKey(ctx, "flock:x", "EC2 boot", "")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"flock_id": {"flock:x"}, "note": {"EC2 boot"}, "auth_token_type": {"canarytoken-deploy"}}, (*add)[0].Form)
	assert.Equal(t, Sensitive("<flock_auth_token>"), k.AuthToken)
	assert.Equal(t, APIKeyAdmin, k.Type, "as the docs' example answers")
	assert.Equal(t, []string{"flock:<flock_id>"}, k.ManagedFlocks)
	assert.Equal(t, "2023-04-14 09:23:22 +0000 UTC", k.Created.String())
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", k, *k, k), "<flock_auth_token>")

	keys, err := f.c.Flocks.APIKeys(ctx, "flock:x")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"flock_id": {"flock:x"}}, (*lst)[0].Query)
	require.Len(t, keys, 2)
	assert.False(t, keys[0].LastUsed.IsZero())
	assert.True(t, keys[1].LastUsed.IsZero(), `"last_used": null`)

	require.NoError(t, f.c.Flocks.RemoveAPIKey(ctx, "<flock_auth_token>"))
	assert.Equal(t, url.Values{"remove_auth_token": {"<flock_auth_token>"}}, (*rm)[0].Form)
	assert.NotContains(t, f.logs.String(), "<flock_auth_token>")
}

func TestFlockAPIKeysValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"flock":  func() error { _, err := f.c.Flocks.CreateAPIKey(ctx, "", "n", ""); return err },
		"note":   func() error { _, err := f.c.Flocks.CreateAPIKey(ctx, "flock:x", " ", ""); return err },
		"type":   func() error { _, err := f.c.Flocks.CreateAPIKey(ctx, "flock:x", "n", "root"); return err },
		"list":   func() error { _, err := f.c.Flocks.APIKeys(ctx, ""); return err },
		"remove": func() error { return f.c.Flocks.RemoveAPIKey(ctx, "") },
	} {
		t.Run(name, func(t *testing.T) {
			var ve *ValidationError
			assert.ErrorAs(t, call(), &ve)
		})
	}
	assert.Zero(t, f.mock.GetTotalCallCount())
}
