package canarytest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
	"github.com/decoykit/decoykit/canary/canarytest"
)

var demoAsOf = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func demoServer(t *testing.T) *canarytest.Server {
	t.Helper()
	srv := canarytest.NewServer(canarytest.WithClock(func() time.Time { return demoAsOf }))
	t.Cleanup(srv.Close)
	_, err := srv.Seed(canarytest.DemoEstate())
	require.NoError(t, err)
	return srv
}

func TestDemoEstateBirdsAndFlocks(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	c := srv.Client()
	ctx := context.Background()

	all, err := c.Devices.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, all, 9)
	dead, err := c.Devices.List(ctx, &canary.ListDevicesOptions{Status: canary.DeviceDead})
	require.NoError(t, err)
	require.Len(t, dead, 2)
	names := []string{dead[0].Name, dead[1].Name}
	assert.ElementsMatch(t, []string{"LON-SQL", "EU-JUMPHOST"}, names)
	for _, d := range dead {
		assert.False(t, d.Live)
		assert.True(t, d.LastSeen.Before(demoAsOf.Add(-29*time.Hour)), "%s last seen %s", d.Name, d.LastSeen)
	}
	live, err := c.Devices.List(ctx, &canary.ListDevicesOptions{Status: canary.DeviceLive})
	require.NoError(t, err)
	assert.Len(t, live, 7)

	ups, err := c.Devices.Updates(ctx)
	require.NoError(t, err)
	require.Len(t, ups, 1)
	behind := 0
	for _, d := range all {
		if canary.CompareVersions(d.Version, ups[0].Version) < 0 {
			behind++
		}
	}
	assert.Equal(t, 3, behind, "NAS-BACKUP, LON-SQL (also dead) and EU-SWITCH")

	flocks, err := c.Flocks.List(ctx, "")
	require.NoError(t, err)
	byName := map[string]string{}
	for _, f := range flocks {
		byName[f.Name] = f.ID
	}
	assert.Len(t, flocks, 5)
	assert.Equal(t, canary.DefaultFlockID, byName["Default Flock"])

	sums, err := c.Flocks.Summaries(ctx)
	require.NoError(t, err)
	tokens := 0
	for _, s := range sums {
		tokens += s.TotalTokens
		assert.Equal(t, s.OnlineDevices+s.OfflineDevices, len(s.Devices), s.Name)
		assert.Equal(t, s.TotalTokens, len(s.Tokens), s.Name)
		switch s.Name {
		case "Staging":
			assert.Empty(t, s.Devices, "Staging has no birds")
			assert.NotZero(t, s.TotalTokens)
		case "Branch Offices":
			assert.Zero(t, s.TotalTokens, "Branch Offices has no tokens")
			assert.Len(t, s.Devices, 1)
		}
	}
	assert.Equal(t, 42, tokens)

	// The info shape names the flock; the IPs listing groups by flock.
	info, err := c.Devices.Get(ctx, dead[0].ID, &canary.GetDeviceOptions{Settings: true})
	require.NoError(t, err)
	assert.Equal(t, dead[0].Name, info.Name)
	assert.False(t, info.Live)
	assert.NotEmpty(t, info.FlockID)
	assert.Contains(t, info.Settings, "device.personality")
	ips, err := c.Devices.IPs(ctx, "")
	require.NoError(t, err)
	n := 0
	for _, f := range ips {
		n += len(f.Devices)
	}
	assert.Equal(t, 9, n)
	filtered, err := c.Devices.Filter(ctx, "eu-")
	require.NoError(t, err)
	assert.Len(t, filtered, 3)

	// Incidents name their flock.
	page, err := c.Incidents.List(ctx, &canary.ListIncidentsOptions{Limit: 50})
	require.NoError(t, err)
	for _, inc := range page.Items {
		for name, id := range byName {
			if inc.FlockID == id {
				assert.Equal(t, name, inc.FlockName)
			}
		}
	}
}

func TestFlockLifecycleAndAuditTrail(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	c := srv.Client()
	ctx := context.Background()

	id, err := c.Flocks.Create(ctx, "Cape Town", &canary.CreateFlockOptions{Managers: []string{"soc@example.com"}})
	require.NoError(t, err)
	require.NoError(t, c.Flocks.Rename(ctx, id, "Durban"))
	got, err := c.Flocks.Filter(ctx, "durb")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, id, got[0].ID)

	// Move a token with incidents: refused, then allowed with clearIncidents.
	var tok canarytest.Token
	for _, tk := range srv.Tokens() {
		if tk.Incidents > 0 {
			tok = tk
			break
		}
	}
	require.NotEmpty(t, tok.ID)
	err = c.Flocks.Move(ctx, id, tok.NodeID, false)
	require.ErrorIs(t, err, canary.ErrInvalidRequest)
	require.NoError(t, c.Flocks.Move(ctx, id, tok.NodeID, true))
	members, err := c.Flocks.Members(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []string{tok.ID}, members)
	sum, err := c.Flocks.Summary(ctx, id, 0)
	require.NoError(t, err)
	assert.Equal(t, 1, sum.TotalTokens)
	assert.Zero(t, sum.IncidentCount, "the move cleared them")

	assert.ErrorIs(t, c.Flocks.Delete(ctx, id), canary.ErrInvalidRequest, "not empty")
	require.NoError(t, c.Flocks.Move(ctx, canary.DefaultFlockID, tok.NodeID, false))
	require.NoError(t, c.Flocks.Delete(ctx, id))
	_, err = c.Flocks.Settings(ctx, id)
	assert.ErrorIs(t, err, canary.ErrNotFound)

	devs, err := c.Devices.List(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, c.Devices.Reboot(ctx, devs[0].ID))
	assert.ErrorIs(t, c.Devices.Reboot(ctx, "0000000000000000"), canary.ErrNotFound)

	// The audit trail has every action, newest first, pages by cursor and
	// polls by after_id.
	var actions []string
	var ids []int64
	for e, err := range c.AuditTrail.All(ctx, &canary.AuditTrailOptions{Limit: 2}) {
		require.NoError(t, err)
		actions = append(actions, e.ActionType)
		ids = append(ids, e.ID)
	}
	require.GreaterOrEqual(t, len(actions), 6)
	assert.Equal(t, []string{"device_schedule_reboot", "flock_delete", "flock_move", "flock_move", "flock_rename", "flock_create"}, actions[:6])
	for i := 1; i < len(ids); i++ {
		assert.Greater(t, ids[i-1], ids[i])
	}
	var moves int
	for e, err := range c.AuditTrail.All(ctx, &canary.AuditTrailOptions{ActionFilter: "flock_move", Limit: 1}) {
		require.NoError(t, err)
		assert.Equal(t, "flock_move", e.ActionType, "the filter is resent with every cursor")
		moves++
	}
	assert.Equal(t, 2, moves)
	p, err := c.AuditTrail.List(ctx, &canary.AuditTrailOptions{AfterID: ids[1]})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, ids[0], p.Items[0].ID)
}

func TestFactoryClientCreatesAndDownloadsOnly(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	admin := srv.Client()
	ctx := context.Background()

	fac, err := admin.Factories.Create(ctx, "", "EC2 boot tokens")
	require.NoError(t, err)
	secret := fac.Auth.Reveal()
	require.NotEmpty(t, secret)
	list, err := admin.Factories.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, secret, list[0].Auth.Reveal())

	var logs bytes.Buffer
	fc, err := canary.NewFactoryClient(secret, canary.WithBaseURL(srv.BaseURL()), canary.WithHTTPClient(srv.HTTPClient()),
		canary.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	tok, err := fc.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindMSWord, Memo: "boot doc"})
	require.NoError(t, err)
	assert.Equal(t, canary.DefaultFlockID, tok.FlockID)
	assert.Equal(t, secret, tok.FactoryAuth.Reveal())
	dl, err := fc.Download(ctx, tok.ID)
	require.NoError(t, err)
	body, err := io.ReadAll(dl.Body)
	require.NoError(t, dl.Body.Close())
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(body, []byte("PK")), "a .docx")

	// Kinds outside the factory's list are refused before any request.
	_, err = fc.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindAWSS3, Memo: "x", S3SourceBucket: "a", S3LogBucket: "b"})
	var ve *canary.ValidationError
	require.ErrorAs(t, err, &ve)

	// The factory string is not an API key: it cannot list incidents or
	// tokens, and a wrong factory string cannot create.
	asKey := srv.Client(canary.WithAuthToken(secret))
	_, err = asKey.Incidents.List(ctx, nil)
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	_, err = asKey.Tokens.List(ctx, nil)
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	wrong, err := canary.NewFactoryClient("not-the-factory-1234", canary.WithBaseURL(srv.BaseURL()), canary.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	_, err = wrong.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "x"})
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	// Another factory's token cannot be downloaded.
	other, err := admin.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindMSWord, Memo: "admin doc"})
	require.NoError(t, err)
	_, err = fc.Download(ctx, other.ID)
	require.ErrorIs(t, err, canary.ErrNotFound)

	// The factory string never shows: not in errors, logs, fmt or slog.
	for _, s := range []string{err.Error(), logs.String(), fmtAll(fc), fmtAll(fac), fmtAll(*fac), fmtAll(tok.FactoryAuth)} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, logs.String(), "factory_auth=", "the query key is logged, its value masked")

	require.NoError(t, admin.Factories.Delete(ctx, fac.Auth))
	_, err = fc.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "x"})
	require.ErrorIs(t, err, canary.ErrUnauthorized, "a deleted factory string stops working")
	err = admin.Factories.Delete(ctx, fac.Auth)
	require.ErrorIs(t, err, canary.ErrNotFound)
	assert.NotContains(t, err.Error(), secret)
}

func TestIgnoreListAndSettings(t *testing.T) {
	t.Parallel()
	srv := canarytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()
	chk, err := c.Settings.IsIPIgnored(ctx, "192.0.2.9", 22)
	require.NoError(t, err)
	assert.Equal(t, &canary.IgnoreCheck{}, chk)
	require.NoError(t, c.Settings.IgnoreIP(ctx, "192.0.2.0/24", 22))
	chk, err = c.Settings.IsIPIgnored(ctx, "192.0.2.9", 22)
	require.NoError(t, err)
	assert.Equal(t, &canary.IgnoreCheck{Ignored: true, ListEnabled: true}, chk)
	chk, err = c.Settings.IsIPIgnored(ctx, "192.0.2.9", 80)
	require.NoError(t, err)
	assert.False(t, chk.Ignored, "another port")
	h, err := c.Settings.IsHostnameIgnored(ctx, "scanner.example.com", 0)
	require.NoError(t, err)
	assert.False(t, h.Ignored)

	st, err := c.Settings.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.AuthToken(), st.AuthToken.Reveal())
	assert.NotContains(t, st.Values, "auth_token")
	assert.NotContains(t, fmtAll(st), srv.AuthToken())
	assert.NotContains(t, fmtAll(*st), srv.AuthToken())
}

// TestPythonClientPaths calls the paths and parameters Thinkst's Python
// client (canarytools-python 1.2.0) sends for its device, flock, settings
// and update methods, and checks the documented answers.
func TestPythonClientPaths(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	devs, err := srv.Client().Devices.List(context.Background(), nil)
	require.NoError(t, err)
	node := devs[0].ID
	var flockID string
	for _, step := range []struct {
		method, path string
		params       url.Values
		key          string
	}{
		{"GET", "/devices/all", url.Values{"tz": {"UTC"}}, "devices"},
		{"GET", "/devices/live", url.Values{"tz": {"UTC"}}, "devices"},
		{"GET", "/devices/dead", url.Values{"tz": {"UTC"}}, "devices"},
		{"GET", "/device/getinfo", url.Values{"node_id": {node}, "settings": {"True"}}, "device"},
		{"POST", "/device/reboot", url.Values{"node_id": {node}}, "result"},
		{"GET", "/bundles/list", url.Values{"node_id": {node}}, "bundles"},
		{"GET", "/updates/list", nil, "updates"},
		{"POST", "/device/update", url.Values{"node_id": {node}, "update_tag": {"4ae023bdf75f14c8f08548bf5130e861"}}, "result"},
		{"POST", "/flock/create", url.Values{"name": {"Cape Town"}}, "flock_id"},
		{"GET", "/flocks/list", nil, "flocks"},
		{"POST", "/flock/rename", url.Values{"name": {"Cape Town"}, "flock_id": {"<new>"}}, "flock_id"},
		{"GET", "/flock/list", url.Values{"flock_id": {"<new>"}}, "sensors"},
		{"POST", "/flock/delete", url.Values{"flock_id": {"<new>"}}, "result"},
		{"GET", "/settings/is_ip_whitelisted", url.Values{"src_ip": {"10.0.0.2"}}, "is_ip_whitelisted"},
		{"POST", "/settings/whitelist_ip_port", url.Values{"src_ip": {"10.0.0.2"}, "dst_port": {"5000"}}, "message"},
	} {
		if id := step.params.Get("flock_id"); id == "<new>" {
			step.params.Set("flock_id", flockID)
		}
		status, body := call(t, srv, step.method, step.path, step.params)
		require.Equal(t, http.StatusOK, status, "%s %s: %v", step.method, step.path, body)
		require.Contains(t, body, step.key, "%s %s", step.method, step.path)
		if step.path == "/flock/create" {
			flockID = body["flock_id"].(string)
		}
	}
}

// fmtAll prints v with every verb a log line might use.
func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) + slogText(v)
}

func slogText(v any) string {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "v", v)
	return b.String()
}

func TestCanarytokenDeployKey(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	admin := srv.Client()
	ctx := context.Background()
	id, err := admin.Flocks.Create(ctx, "Fleet", nil)
	require.NoError(t, err)
	key, err := admin.Flocks.CreateAPIKey(ctx, id, "EC2 boot tokens", canary.APIKeyCanarytokenDeploy)
	require.NoError(t, err)
	assert.Equal(t, []string{id}, key.ManagedFlocks)

	deploy := srv.Client(canary.WithAuthToken(key.AuthToken.Reveal()))
	tok, err := deploy.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindMSWord, Memo: "boot doc"})
	require.NoError(t, err)
	assert.Equal(t, id, tok.FlockID, "a deploy key creates in its own flock")
	dl, err := deploy.Tokens.Download(ctx, tok.ID)
	require.NoError(t, err)
	require.NoError(t, dl.Body.Close())

	_, err = deploy.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "x", FlockID: canary.DefaultFlockID})
	require.ErrorIs(t, err, canary.ErrUnauthorized, "not in another flock")
	_, err = deploy.Incidents.List(ctx, nil)
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	_, err = deploy.Devices.List(ctx, nil)
	require.ErrorIs(t, err, canary.ErrUnauthorized)
	var other string
	for _, tk := range srv.Tokens() {
		if tk.Kind == "doc-msword" && tk.ID != tok.ID {
			other = tk.ID
		}
	}
	_, err = deploy.Tokens.Download(ctx, other)
	require.ErrorIs(t, err, canary.ErrUnauthorized, "not another flock's token")

	keys, err := admin.Flocks.APIKeys(ctx, id)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, demoAsOf, keys[0].LastUsed)
	require.NoError(t, admin.Flocks.RemoveAPIKey(ctx, key.AuthToken))
	_, err = deploy.Tokens.Create(ctx, canary.CreateTokenRequest{Kind: canary.KindDNS, Memo: "x"})
	require.ErrorIs(t, err, canary.ErrUnauthorized, "a removed key stops working")
	err = admin.Flocks.RemoveAPIKey(ctx, key.AuthToken)
	require.ErrorIs(t, err, canary.ErrNotFound)
	assert.NotContains(t, err.Error(), key.AuthToken.Reveal())
}

func TestEstateTimeZones(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	c := srv.Client()
	ctx := context.Background()
	utc, err := c.Devices.List(ctx, nil)
	require.NoError(t, err)
	berlin, err := c.Devices.List(ctx, &canary.ListDevicesOptions{TZ: "Europe/Berlin"})
	require.NoError(t, err)
	require.Len(t, berlin, len(utc))
	for i := range utc {
		assert.True(t, utc[i].LastSeen.Equal(berlin[i].LastSeen), "tz changes the _std text, not the instant")
		assert.NotEqual(t, string(utc[i].Raw), string(berlin[i].Raw))
	}
	p, err := c.AuditTrail.List(ctx, &canary.AuditTrailOptions{TZ: "Asia/Tokyo", Limit: 1})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Contains(t, string(p.Items[0].Raw), "UTC+0900")
	q, err := c.AuditTrail.List(ctx, &canary.AuditTrailOptions{Limit: 1})
	require.NoError(t, err)
	assert.True(t, p.Items[0].Timestamp.Equal(q.Items[0].Timestamp))
	status, _ := call(t, srv, "GET", "/devices/all", url.Values{"tz": {"Mars/Olympus"}})
	assert.Equal(t, http.StatusBadRequest, status)
}
