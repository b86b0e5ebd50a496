package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/canary"
)

// demoDevices reads the demo estate's birds straight from the fake.
func demoDevices(t *testing.T) []*canary.Device {
	t.Helper()
	srv, err := startDemo()
	require.NoError(t, err)
	defer srv.Close()
	devs, err := srv.Client().Devices.List(context.Background(), nil)
	require.NoError(t, err)
	return devs
}

func TestDevicesCommand(t *testing.T) {
	t.Parallel()
	devs := demoDevices(t)
	code, out, errOut := agent(t, nil, "--demo", "-o", "json", "devices")
	require.Equal(t, exitOK, code, errOut)
	var rows []deviceRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, len(devs))
	var dead, outdated []string
	for _, r := range rows {
		assert.NotEmpty(t, r.FlockName, "%s: the flock comes from the IP listing", r.Name)
		if !r.Live {
			dead = append(dead, r.Name)
		}
		if r.Outdated {
			outdated = append(outdated, r.Name)
		}
	}
	assert.ElementsMatch(t, []string{"LON-SQL", "EU-JUMPHOST"}, dead)
	assert.ElementsMatch(t, []string{"NAS-BACKUP", "LON-SQL", "EU-SWITCH"}, outdated)

	code, out, errOut = agent(t, nil, "--demo", "devices", "--status", "dead", "--flock", "london office")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "LON-SQL")
	assert.NotContains(t, out, "EU-JUMPHOST")
	assert.Contains(t, out, "1 Canaries, 1 dead")

	code, _, errOut = agent(t, nil, "--demo", "devices", "--status", "asleep")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--status must be all, live or dead")
}

func TestFlocksCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := agent(t, nil, "--demo", "-o", "json", "flocks")
	require.Equal(t, exitOK, code, errOut)
	var rows []flockRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	var names []string
	tokens, birds := 0, 0
	for _, r := range rows {
		names = append(names, r.Name)
		tokens += r.EnabledTokens + r.DisabledTokens
		birds += r.OnlineDevices + r.OfflineDevices
	}
	assert.Equal(t, []string{"Branch Offices", "Datacentre EU", "Default Flock", "London Office", "Staging"}, names)
	assert.Equal(t, 42, tokens)
	assert.Equal(t, 9, birds)

	code, out, _ = agent(t, nil, "--demo", "-o", "markdown", "flocks")
	require.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(out, "| ID | NAME |"), out)
}

func TestAuditTrailCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := agent(t, nil, "--demo", "-o", "json", "audit-trail", "--limit", "0")
	require.Equal(t, exitOK, code, errOut)
	var rows []auditRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 4+9, "a flock_create per flock but the default, a device_push_settings per bird")
	for i := 1; i < len(rows); i++ {
		assert.Greater(t, rows[i-1].ID, rows[i].ID, "newest first")
	}
	code, out, errOut = agent(t, nil, "--demo", "-o", "json", "audit-trail", "--action", "flock_create", "--limit", "2")
	require.Equal(t, exitOK, code, errOut)
	rows = nil
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 2)
	for _, r := range rows {
		assert.Equal(t, "flock_create", r.Action)
		assert.NotEmpty(t, r.FlockName)
	}
	code, out, errOut = agent(t, nil, "--demo", "-o", "json", "audit-trail", "--after-id", "11")
	require.Equal(t, exitOK, code, errOut)
	rows = nil
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 2)
	assert.Equal(t, int64(13), rows[0].ID)

	code, _, _ = agent(t, nil, "--demo", "audit-trail", "--limit", "-1")
	assert.Equal(t, exitUsage, code)
}

func TestFullHasTheEstate(t *testing.T) {
	t.Parallel()
	code, out, errOut := agent(t, nil, "--demo", "full")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "ESTATE: 9 Canaries in 5 flocks, 7 live, 2 dead, 3 behind 4.2.1")
	assert.Contains(t, out, `[CRITICAL] Canary "LON-SQL"`)
	assert.Contains(t, out, `Flock "Staging" has no Canaries`)
	assert.Contains(t, out, `Flock "Branch Offices" has no Canarytokens`)
}
