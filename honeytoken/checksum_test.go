package honeytoken

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGitHubChecksumVectors(t *testing.T) {
	t.Parallel()
	// therootcompany/base62-token.js README vector, re-computed with Go's hash/crc32
	// (zero-padded: the checksum starts with '0').
	tests := []struct{ entropy, checksum string }{
		{"zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "0mLq17"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.checksum, GitHubChecksum(tt.entropy))
		for _, prefix := range []string{"ghp_", "gho_", "ghs_", "npm_"} {
			assert.True(t, ValidChecksum(prefix+tt.entropy+tt.checksum), prefix)
			assert.True(t, independentChecksum(prefix+tt.entropy+tt.checksum), "the test's own checker agrees")
			assert.False(t, independentChecksum(prefix+tt.entropy+"0mLQ17"), "and is case sensitive")
			assert.False(t, ValidChecksum(prefix+tt.entropy+"0mLq18"), prefix)
		}
	}
	assert.False(t, ValidChecksum("not a token"))
}

func TestGitLabChecksum(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab")
	tok, err := g.Generate(GitLabPAT, Meta{})
	assert.NoError(t, err)
	assert.True(t, ValidChecksum(tok.Value))
	b := []byte(tok.Value)
	b[len(b)-1] ^= 1
	assert.False(t, ValidChecksum(string(b)))
}

// TestGitLabRoutableLayout decodes a GitLab decoy as GitLab's RoutableToken
// generator builds one: base64url(16 random bytes ‖ "o:1\nu:<user>" ‖ payload
// length) "." "01" "." base36(length of the base64 part) base36(CRC-32).
func TestGitLabRoutableLayout(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab-layout")
	for range 200 {
		tok, err := g.Generate(GitLabPAT, Meta{})
		require.NoError(t, err)
		v := tok.Value
		require.Len(t, v, 57, "gitlab.com tokens: 36-38 base64 characters")
		payload, rest, ok := strings.Cut(strings.TrimPrefix(v, "glpat-"), ".")
		require.True(t, ok)
		version, tail, ok := strings.Cut(rest, ".")
		require.True(t, ok)
		assert.Equal(t, "01", version, "TOKEN_VERSION 1, two base36 digits")
		assert.Equal(t, strconv.FormatInt(int64(len(payload)), 36), tail[:2])
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		require.NoError(t, err)
		routing := raw[16 : len(raw)-1]
		assert.Equal(t, int(raw[len(raw)-1]), len(routing), "the last byte is the payload length")
		assert.Regexp(t, `^o:1\nu:[1-9a-h][0-9a-z]{4}$`, string(routing))
		user, err := strconv.ParseInt(string(routing[6:]), 36, 64)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, user, int64(36*36*36*36))
		crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(v[:len(v)-7]))), 36)
		assert.Equal(t, strings.Repeat("0", 7-len(crc))+crc, v[len(v)-7:], "CRC-32 over everything before it, prefix included")
	}
}

// TestGitLabLegacyStillRecognised builds a decoy of the layout before the
// version segment from its description (ct ‖ "c:1\no:<org>\nu:<user>" ‖ 21,
// base64url, ".1f", CRC-32 in base36) and checks that Recognize still returns
// its id, and rejects it under another key or with a character changed. (Checked
// once by hand against tokens minted by a0cc29d's code: 20 of 20 recognised.)
func TestGitLabLegacyStillRecognised(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab-legacy")
	ks := g.keys[0]
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	id := [8]byte{9, 8, 7, 6, 5, 4, 3, 2}
	var ct [16]byte
	ks.seal(sc, formatCode(GitLabPAT), &id, &ct)
	st := newStream(ks, sc, &ct, 2)
	user := string(st.appendChars(nil, &base36Lower, 6))
	payload := "c:1\no:" + gitlabLegacyOrg(testKey("gitlab-legacy")) + "\nu:" + user
	raw := append(append(ct[:], payload...), byte(len(payload)))
	b64 := base64.RawURLEncoding.EncodeToString(raw)
	body := "glpat-" + b64 + "." + strconv.FormatInt(int64(len(b64)), 36)
	crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 36)
	v := body + strings.Repeat("0", 7-len(crc)) + crc
	require.Len(t, v, 67)

	m, ok := g.Recognize(v)
	require.True(t, ok)
	assert.Equal(t, "0908070605040302", m.ID)
	assert.Equal(t, GitLabPAT, m.Format)
	_, ok = newTestGenerator(t, "gitlab-legacy-other").Recognize(v)
	assert.False(t, ok)
	for _, i := range []int{6, 30, 40, 56, 66} {
		b := []byte(v)
		b[i] = swapChar(b[i])
		_, ok := g.Recognize(string(b))
		assert.False(t, ok, "byte %d changed", i)
	}
}

// TestGitLabFilter: gitlabFilterRejects never rejects a token of ours, and
// whatever it rejects the full check (strict decoding, payload, derived user
// id, tag, the whole rendering) rejects too. It is checked on our tokens,
// every single-character change of their base64 part (to another base64url
// character, '=', '\n', '\r', '.', a blank), the padding bits set, random
// bodies with the fixed payload, and foreign tokens, which it must reject
// (all but about one in 17·36).
// TestBlockByte: blockByte reads every byte of a block given as two words,
// the second word's too. gitlabFilterRejects reads the second word when the
// user id's digits need more than eight stream bytes (a few redraws), which
// once panicked on a negative shift for one of this generator's own tokens.
func TestBlockByte(t *testing.T) {
	t.Parallel()
	var b [16]byte
	for i := range b {
		b[i] = byte(0xa0 + i)
	}
	o0, o1 := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	for j := range 16 {
		require.Equal(t, b[j], blockByte(o0, o1, j), "byte %d", j)
	}
}

// TestGitLabFilterLongDraw: a GitLab token whose user id's five digits need
// more than eight stream bytes (redraws) is not rejected by the filter, and
// does not panic it.
func TestGitLabFilterLongDraw(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab-long-draw")
	ks := g.keys[0]
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	// used is the number of stream bytes the user id's digits of ct take.
	used := func(ct *[16]byte) int {
		w0, w1 := binary.BigEndian.Uint64(ct[:8]), binary.BigEndian.Uint64(ct[8:])
		o0, o1 := ks.firstBlock(ks.fill, sc, w0^2<<32, w1^1)
		a, k := &gitlabUserLead, 0
		for j := range 16 {
			if a.draw[blockByte(o0, o1, j)] == 0 {
				continue
			}
			if k++; k == 5 {
				return j + 1
			}
			a = &base36Lower
		}
		return 17
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20_000_000 { // such a ciphertext is about 1 in 300 000
		var ct [16]byte
		binary.BigEndian.PutUint64(ct[:8], rng.Uint64())
		binary.BigEndian.PutUint64(ct[8:], rng.Uint64())
		if n := used(&ct); n <= 8 || n > 16 {
			continue
		}
		s := string(appendGitLab(nil, ks, sc, &ct))
		require.False(t, gitlabFilterRejects(ks, sc, s[len(gitlabPrefix):]), "a token whose digits take more than eight stream bytes")
		return
	}
	t.Fatal("no ciphertext among 20 million whose user digits take more than eight stream bytes")
}

func TestGitLabFilter(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "gitlab-filter")
	ks := g.keys[0]
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	// full is the check without the filter: the strict decoding of the
	// base64 part and a rendering of its ciphertext equal to s, whose tag
	// opens.
	full := func(s string) bool {
		raw, err := base64.RawURLEncoding.Strict().DecodeString(s[len(gitlabPrefix) : len(gitlabPrefix)+gitlabB64Len])
		if err != nil || len(raw) != gitlabRawLen {
			return false
		}
		var ct [16]byte
		copy(ct[:], raw)
		var id [8]byte
		return ks.open(sc, formatCode(GitLabPAT), &ct, &id) && string(appendGitLab(nil, ks, sc, &ct)) == s
	}
	check := func(s string) {
		t.Helper()
		if gitlabFilterRejects(ks, sc, s[len(gitlabPrefix):]) {
			require.False(t, full(s), "the filter rejected a string the full check accepts")
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		tok, err := g.Generate(GitLabPAT, Meta{})
		require.NoError(t, err)
		require.True(t, full(tok.Value))
		require.False(t, gitlabFilterRejects(ks, sc, tok.Value[len(gitlabPrefix):]))
		for i := len(gitlabPrefix); i < len(gitlabPrefix)+gitlabB64Len; i++ {
			for _, c := range []byte{Base64URL[rng.IntN(64)], '=', '\n', '\r', '.', ' ', '+', '/'} {
				b := []byte(tok.Value)
				b[i] = c
				check(string(b))
			}
		}
		b := []byte(tok.Value)
		last := len(gitlabPrefix) + gitlabB64Len - 1
		b[last] = Base64URL[base64url.dig[b[last]]|1] // a padding bit set
		require.True(t, gitlabFilterRejects(ks, sc, string(b)[len(gitlabPrefix):]), "padding bits")
		check(string(b))
	}
	// Random bodies that keep the public payload: the filter's structure
	// checks agree with the strict decoding, and it rejects almost all.
	rejected := 0
	for range 2000 {
		var raw [gitlabRawLen]byte
		for i := range 16 {
			raw[i] = byte(rng.Uint32())
		}
		copy(raw[16:], gitlabPayload)
		for i := range 5 {
			raw[22+i] = Base36Lower[rng.IntN(36)]
		}
		raw[gitlabRawLen-1] = byte(gitlabPayloadLen)
		s := gitlabPrefix + base64.RawURLEncoding.EncodeToString(raw[:]) + ".01.12" + "0000000"
		if gitlabFilterRejects(ks, sc, s[len(gitlabPrefix):]) {
			rejected++
		}
		check(s)
	}
	assert.Greater(t, rejected, 2000*9/10)
	other := newTestGenerator(t, "gitlab-filter-other")
	rejected = 0
	for range 200 {
		tok, err := other.Generate(GitLabPAT, Meta{})
		require.NoError(t, err)
		if gitlabFilterRejects(ks, sc, tok.Value[len(gitlabPrefix):]) {
			rejected++
		}
		_, ok := g.Recognize(tok.Value)
		require.False(t, ok)
	}
	assert.Greater(t, rejected, 190)
}
