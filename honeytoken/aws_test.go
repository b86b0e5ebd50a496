package honeytoken

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// trufflehogCanaryAccounts are the 26 accounts TruffleHog v3 calls canaries
// (pkg/detectors/aws/access_keys/canary.go: ten Thinkst accounts and sixteen "off
// brand" ones), written here as data, and AWS's documentation accounts.
var (
	trufflehogCanaryAccounts = strings.Fields(`052310077262 171436882533 534261010715 595918472158 717712589309
		819147034852 992382622183 730335385048 266735846894 893192397702 044858866125 251535659677 344043088457
		351906852752 390477818340 426127672474 427150556519 439872796651 445142720921 465867158099 637958123769
		693412236332 732624840810 735421457923 959235150393 982842642351`)
	awsDocumentationAccounts = strings.Fields(`123456789012 111122223333 444455556666 777788889999 210987654321
		111111111111 999999999999 000000000000 012345678901 123412341234`)
)

// TestAWSNeverACanaryAccount: no generator encodes a listed canary or
// documentation account in its key ids, whatever the key; the account choice
// skips each of them when it comes up; and every generated key id decodes to
// the generator's own account.
func TestAWSNeverACanaryAccount(t *testing.T) {
	t.Parallel()
	require.Len(t, trufflehogCanaryAccounts, 26)
	listed := map[string]bool{}
	for _, a := range append(slices.Clone(trufflehogCanaryAccounts), awsDocumentationAccounts...) {
		listed[a] = true
		n, err := strconv.ParseUint(a, 10, 64)
		require.NoError(t, err)
		assert.False(t, awsAccountUsable(n), "%s must be excluded", a)
		// Offered first, it is skipped for the next candidate.
		next := uint64(345678901234)
		got := pickAWSAccount(func(i int) uint64 { return []uint64{n, next}[min(i, 1)] })
		assert.Equal(t, next, got)
	}
	keys := 5000
	if testing.Short() || raceEnabled {
		keys = 500
	}
	for i := range keys {
		g, err := NewGenerator(testKey(fmt.Sprint("aws-account-", i)))
		require.NoError(t, err)
		acct := g.AccountID()
		require.False(t, listed[acct], "generator %d uses listed account %s", i, acct)
		for _, f := range []Format{AWSAccessKey, AWSTemporaryKey} {
			tok, err := g.Generate(f, Meta{})
			require.NoError(t, err)
			got, err := AWSAccountID(tok.Value)
			require.NoError(t, err)
			require.Equal(t, acct, got)
		}
	}
}

// TestAWSLegacyAccountStillRecognised: a key whose account earlier versions chose
// and that is now excluded keeps its old key ids recognisable.
func TestAWSLegacyAccountStillRecognised(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "aws-legacy")
	ks := g.keys[0]
	ks.site.awsLegacyAccount = 123456789012 // as if the old choice had been a documentation account
	var buf []byte
	kid := string(appendAWSKeyID(buf, "AKIA", 123456789012, 12345))
	m, ok := g.Recognize(kid)
	require.True(t, ok)
	assert.Equal(t, 40, m.Strength)
	kid = string(appendAWSKeyID(buf, "AKIA", 123456789013, 12345))
	_, ok = g.Recognize(kid)
	assert.False(t, ok, "any other account is not ours")
}

// TestAWSSecretRejectsAnyChange: a secret access key with any one character
// changed (to another of the alphabet, or outside it) is rejected, whichever
// half of the decoded bytes (ciphertext or derived) the character is in.
func TestAWSSecretRejectsAnyChange(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "aws-secret-change")
	for _, f := range []Format{AWSAccessKey, AWSTemporaryKey} {
		tok, err := g.Generate(f, Meta{})
		require.NoError(t, err)
		m, ok := g.Recognize(tok.Secret)
		require.True(t, ok)
		require.Equal(t, f, m.Format)
		for i := range len(tok.Secret) {
			for _, c := range []byte{swapChar(tok.Secret[i]), '+', '/', '_'} {
				if c == tok.Secret[i] {
					continue
				}
				b := []byte(tok.Secret)
				b[i] = c
				_, ok := g.Recognize(string(b))
				assert.False(t, ok, "%s secret with character %d changed to %q", f, i, c)
			}
		}
	}
}

// TestAWSKeyIDCharacters: a key id is recognised exactly when its prefix is
// the format's, its 16 characters are base32 and the first nine encode the
// generator's account; the other seven are free bits (any base32 is a
// token id with 40 bits of evidence).
func TestAWSKeyIDCharacters(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "aws-key-id-chars")
	for _, f := range []Format{AWSAccessKey, AWSTemporaryKey} {
		tok, err := g.Generate(f, Meta{})
		require.NoError(t, err)
		for i := range 20 {
			for _, c := range []byte{'0', '1', '8', '9', 'a', '=', '!', Base32[(base32.dig[tok.Value[i]]+1)%32]} {
				if c == tok.Value[i] {
					continue
				}
				b := []byte(tok.Value)
				b[i] = c
				m, ok := g.Recognize(string(b))
				switch {
				case i >= 13 && base32.dig[c] != 0x80:
					require.True(t, ok, "%s: character %d to %q (a free bit)", f, i, c)
					assert.Equal(t, f, m.Format)
					assert.Equal(t, 40, m.Strength)
				case i == 12 && base32.dig[c] != 0x80 && base32.dig[c]>>4 == base32.dig[tok.Value[12]]>>4:
					require.True(t, ok, "%s: character 12 to %q keeps the account bit", f, c)
				default:
					assert.False(t, ok, "%s: character %d to %q", f, i, c)
				}
			}
		}
	}
}
