package honeytoken

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Published vectors: the first two from localstack's
// extract_account_id_from_access_key_id docstring, the third from aidansteele
// ("AWS access key format", 2020-09-26). Prefix and body are kept apart so that
// the source holds no credential-shaped string.
func TestAWSAccountIDVectors(t *testing.T) {
	t.Parallel()
	tests := []struct{ prefix, body, account string }{
		{"AKIA", "RZPUZDIKGB2VALC4", "123456789012"},
		{"ASIA", "QAAAAAAAGMKEM7X5", "000000000000"},
		{"ASIA", "Y34FZKBOKMUTVV7A", "609629065308"},
	}
	for _, tt := range tests {
		t.Run(tt.account, func(t *testing.T) {
			t.Parallel()
			got, err := AWSAccountID(tt.prefix + tt.body)
			require.NoError(t, err)
			assert.Equal(t, tt.account, got)
		})
	}
}

func TestAWSAccountIDRejectsBadInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "AKIA", "AKIA" + "RZPUZDIKGB2VALC", "AKIA" + "RZPUZDIKGB2VAL01"} {
		_, err := AWSAccountID(in)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "input %q", in)
	}
}

func TestAWSAccountStablePerGeneratorAndDistinct(t *testing.T) {
	t.Parallel()
	g1 := newTestGenerator(t, "aws-1")
	g1again := newTestGenerator(t, "aws-1")
	g2 := newTestGenerator(t, "aws-2")
	require.Len(t, g1.AccountID(), 12)
	assert.Equal(t, g1.AccountID(), g1again.AccountID(), "same key, same account")
	assert.NotEqual(t, g1.AccountID(), g2.AccountID(), "different keys, different accounts")
	for _, f := range []Format{AWSAccessKey, AWSTemporaryKey} {
		for range 200 {
			tok, err := g1.Generate(f, Meta{})
			require.NoError(t, err)
			acct, err := AWSAccountID(tok.Value)
			require.NoError(t, err)
			require.Equal(t, g1.AccountID(), acct, "every key id decodes to the generator's account")
			require.False(t, knownCanaryAccounts[uint64(mustAtoi(t, acct))])
		}
	}
	// Keys of one account share characters 4..11, like real keys of one account.
	a, _ := g1.Generate(AWSAccessKey, Meta{})
	b, _ := g1.Generate(AWSAccessKey, Meta{})
	assert.Equal(t, a.Value[4:12], b.Value[4:12])
}

func TestAWSKeyIDAndSecretGiveSameID(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "aws-pair")
	tok, err := g.Generate(AWSAccessKey, Meta{})
	require.NoError(t, err)
	mk, ok := g.Recognize(tok.Value)
	require.True(t, ok)
	ms, ok := g.Recognize(tok.Secret)
	require.True(t, ok)
	assert.Equal(t, tok.ID, mk.ID)
	assert.Equal(t, tok.ID, ms.ID)
	assert.Equal(t, 40, mk.Strength)
	assert.Equal(t, 64, ms.Strength)
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9')
		n = n*10 + int(c-'0')
	}
	return n
}
