package honeytoken

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAvoided: the avoidance check finds the words scanners drop on anywhere in
// the value, case-insensitively, including words that cross from fixed text
// into random text, and ignores words made only of fixed text.
func TestAvoided(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     string
		fixed []bool
		want  bool
	}{
		{"clean", "Xq7Rk2Vb9Zt4Wm8Pc3Jh", nil, false},
		// The terms #16 lists from a scanner's badlist, all in the project's list.
		{"func", "Xq7FUNCb9Zt4", nil, true},
		{"goto", "Xq7gotob9Zt4", nil, true},
		{"keys", "Xq7keysb9Zt4", nil, true},
		{"shim", "Xq7shimb9Zt4", nil, true},
		{"init", "Xq7Initb9Zt4", nil, true},
		{"uint", "Xq7uintb9Zt4", nil, true},
		{"byte", "Xq7byteb9Zt4", nil, true},
		{"sort", "Xq7sortb9Zt4", nil, true},
		{"cert", "Xq7certb9Zt4", nil, true},
		{"hmac", "Xq7hmacb9Zt4", nil, true},
		{"pkcs", "Xq7pkcsb9Zt4", nil, true},
		{"x509", "Xq7x509b9Zt4", nil, true},
		{"3des", "Xq73desb9Zt4", nil, true},
		{"2048", "Xq72048b9Zt4", nil, true},
		{".key", "SG.keyq7Rk2", nil, true},
		{"a year before -", "xoxb-12345672019-88", nil, true},
		{"a year after _", "ab_1999cd", nil, true},
		{"a year inside digits", "x120193", nil, false},
		{"gitleaks true/false/null", "abFALSEcd", nil, true},
		{"common English word", "Xq7Rk2WATERb9", nil, true},
		{"gitleaks stop word", "zzvpnq", nil, true},
		{"run of five", "ab00000cd", nil, true},
		{"run of four", "ab0000cd", nil, false},
		// OpenAI: "…ini" + the fixed "T3Blbk" spells init; the fixed part alone
		// does not exempt a word that reaches into random text.
		{"crossing into fixed text", "sk-proj-xxiniT3BlbkFJ", maskFor("sk-proj-xxiniT3BlbkFJ", "sk-proj-", "T3BlbkFJ"), true},
		{"inside fixed text only", "sk-proj-QzT3BlbkFJ", maskFor("sk-proj-QzT3BlbkFJ", "sk-proj-", "T3BlbkFJ"), false},
		{"fixed prefix with a word", "sk_live_Qz7w", maskFor("sk_live_Qz7w", "sk_live_"), false},
		{"word after a fixed prefix", "sk_live_code", maskFor("sk_live_code", "sk_live_"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, avoided(tt.s, tt.fixed), "%q", tt.s)
		})
	}
}

// maskFor marks the occurrences of the literals in s as fixed.
func maskFor(s string, lits ...string) []bool {
	m := make([]bool, len(s))
	for _, l := range lits {
		i := strings.Index(s, l)
		for j := i; j < i+len(l); j++ {
			m[j] = true
		}
	}
	return m
}

func TestAvoidListIsLowerCaseAndDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, w := range avoidWords {
		assert.Equal(t, strings.ToLower(w), w)
		assert.GreaterOrEqual(t, len(w), 3, w)
		assert.False(t, seen[w], "%s listed twice", w)
		seen[w] = true
	}
	assert.Greater(t, len(avoidWords), 1500)
}

func TestFixedMask(t *testing.T) {
	t.Parallel()
	m := fixedMask(6, func(fill byte) []byte { return []byte{'a', 'b', fill, 'c', fill, 'd'} })
	assert.Equal(t, []bool{true, true, false, true, false, true}, m)
	// GitLab: the prefix, the version and the base64 of "o:1\nu:" are shared.
	assert.Equal(t, strings.Repeat("x", 6), maskString(gitlabFixed[:6]))
	assert.False(t, gitlabFixed[6], "the first ciphertext character varies")
	assert.True(t, gitlabFixed[6+gitlabB64Len], "the version's dot")
	assert.False(t, gitlabFixed[gitlabLen-1], "the CRC varies")
}

func maskString(m []bool) string {
	var b strings.Builder
	for _, f := range m {
		if f {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// TestSiteConstantsPassAvoidance: what a generator puts in every token of a
// format (the Slack team, the JWT header and issuer, the AWS key id's account
// characters) passes the avoidance check for every key, so that no key loses
// all its decoys of a format (#16 found 0.13% of keys losing every Slack decoy).
func TestSiteConstantsPassAvoidance(t *testing.T) {
	t.Parallel()
	n := 2000
	if testing.Short() || raceEnabled {
		n = 300
	}
	for i := range n {
		ks := newKeySet(testKey(fmt.Sprint("site-", i)))
		c := ks.site
		require.False(t, avoided("xoxb-"+c.slackTeam+"-", slackFixed), c.slackTeam)
		require.False(t, avoided("services/"+c.slackTeamID+"/B", webhookFixed), c.slackTeamID)
		require.False(t, avoided(ks.jwtHeader, nil), ks.jwtHeader)
		require.True(t, b64Clean(c.jwtIssuer), c.jwtIssuer)
		require.True(t, awsAccountUsable(c.awsAccount), "%012d", c.awsAccount)
	}
}

// TestSlackLegacyWorkspaceStillRecognised: for a key whose Slack workspace failed
// the avoidance check and was replaced, Slack decoys minted with the old
// workspace (as earlier versions did) are still recognised with their id, and
// new ones use the new workspace.
func TestSlackLegacyWorkspaceStillRecognised(t *testing.T) {
	t.Parallel()
	var g *Generator
	for i := 0; g == nil; i++ {
		require.Less(t, i, 5000, "no key with a replaced workspace")
		c, err := NewGenerator(testKey(fmt.Sprint("slack-legacy-", i)))
		require.NoError(t, err)
		if c.keys[0].legacySite != nil {
			g = c
		}
	}
	ks := g.keys[0]
	old := ks.legacySite
	require.NotEqual(t, old.site.slackTeam, ks.site.slackTeam)
	assert.True(t, avoided("xoxb-"+old.site.slackTeam+"-", slackFixed) || avoided("services/"+old.site.slackTeamID+"/B", webhookFixed),
		"the old workspace was replaced because it failed the check")
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	for n, f := range []Format{SlackBot, SlackUser, SlackWebhook} {
		id := [8]byte{1, 1, 2, 3, 5, 8, 13, byte(n)}
		var ct [16]byte
		ks.seal(sc, formatCode(f), &id, &ct)
		v := string(builtinSpecs[f].layout.render(old, sc, &ct, nil))
		m, ok := g.Recognize(v)
		require.True(t, ok, "%s minted with the old workspace", f)
		assert.Equal(t, fmt.Sprintf("%x", id[:]), m.ID)
		tok, err := g.Generate(f, Meta{})
		require.NoError(t, err)
		assert.NotContains(t, tok.Value, old.site.slackTeam)
		_, ok = g.Recognize(tok.Value)
		assert.True(t, ok)
	}
}
