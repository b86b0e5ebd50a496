package honeytoken

import (
	"crypto/aes"
	"encoding/hex"
	"testing"

	"crypto/subtle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCMACVectors checks the tag's MAC against RFC 4493's AES-CMAC test
// vectors: the subkey K1 and the one-block example.
func TestCMACVectors(t *testing.T) {
	t.Parallel()
	key, _ := hex.DecodeString("2b7e151628aed2a6abf7158809cf4f3c")
	b, err := aes.NewCipher(key)
	require.NoError(t, err)
	k1 := cmacSubkey(b)
	assert.Equal(t, "fbeed618357133667c85e08f7236a8de", hex.EncodeToString(k1[:]))
	msg, _ := hex.DecodeString("6bc1bee22e409f96e93d7e117393172a")
	var x, out [16]byte
	subtle.XORBytes(x[:], msg, k1[:])
	b.Encrypt(out[:], x[:])
	assert.Equal(t, "070a16b46b4d4144f79bdd9dd04a287c", hex.EncodeToString(out[:]))
}
