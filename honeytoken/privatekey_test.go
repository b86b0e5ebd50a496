package honeytoken

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrivateKeyHostileBodies is the regression test for a panic: a PEM body of
// 65 to 128 base64 characters decoded past a 64-byte buffer (issue #13, finding 1).
// It covers the legacy PKCS #8 lines and the OpenSSH lines.
func TestPrivateKeyHostileBodies(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "privatekey-hostile")
	tok, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	body := strings.TrimSpace(tok.Value)
	body = strings.TrimSuffix(strings.TrimPrefix(body, sshBegin), sshEnd)
	body = strings.ReplaceAll(body, "\n", "")
	legacy := legacyPKCS8(t, g)
	lbody := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(legacy), pemBegin), pemEnd), "\n", "")
	require.Len(t, lbody, 64)

	tests := []struct {
		name string
		in   string
	}{
		{"96 A (the report's repro)", pemBegin + strings.Repeat("A", 96) + pemEnd},
		{"65 characters", pemBegin + strings.Repeat("A", 65) + pemEnd},
		{"128 characters", pemBegin + strings.Repeat("A", 128) + pemEnd},
		{"129 characters", pemBegin + strings.Repeat("A", 129) + pemEnd},
		{"256 characters", pemBegin + strings.Repeat("/", 256) + pemEnd},
		{"form-encoded 96", pemBeginForm + strings.Repeat("A", 96) + pemEndForm},
		{"legacy key padded to 68", pemBegin + lbody + "AAAA" + pemEnd},
		{"legacy key then 32 more", pemBegin + lbody + lbody[:32] + pemEnd},
		{"empty body", pemBegin + pemEnd},
		{"OpenSSH empty body", sshBegin + sshEnd},
		{"OpenSSH 96 A", sshBegin + strings.Repeat("A", 96) + sshEnd},
		{"OpenSSH 513 A", sshBegin + strings.Repeat("A", 513) + sshEnd},
		{"OpenSSH 1025 /", sshBegin + strings.Repeat("/", 1025) + sshEnd},
		{"OpenSSH 4000 A", sshBegin + strings.Repeat("A", 4000) + sshEnd},
		{"OpenSSH form-encoded 600", sshBeginForm + strings.Repeat("A", 600) + sshEndForm},
		{"our key truncated", sshBegin + body[:len(body)-8] + sshEnd},
		{"our key then 4 more", sshBegin + body + "AAAA" + sshEnd},
		{"our key's header only", sshBegin + body[:220] + sshEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotPanics(t, func() {
				_, ok := g.Recognize(tt.in)
				assert.False(t, ok)
				for _, m := range g.Scan("x " + tt.in + " y") {
					assert.NotEqual(t, PrivateKey, m.Format)
				}
			})
		})
	}

	m, ok := g.Recognize(tok.Value)
	require.True(t, ok, "our own key must still be recognised")
	assert.Equal(t, PrivateKey, m.Format)
}

// legacyPKCS8 builds a private key decoy as versions before the OpenSSH layout
// wrote it (PKCS #8 Ed25519, seed = ct ‖ 16 derived bytes).
func legacyPKCS8(t *testing.T, g *Generator) string {
	t.Helper()
	ks := g.keys[0]
	sc := ks.getScratch()
	defer ks.putScratch(sc)
	id := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	var ct [16]byte
	ks.seal(sc, formatCode(PrivateKey), &id, &ct)
	der := append([]byte(nil), ed25519PKCS8Header[:]...)
	der = append(der, ct[:]...)
	s := newStream(ks, sc, &ct, 3)
	for range 16 {
		der = append(der, s.next())
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	require.NoError(t, err)
	require.IsType(t, ed25519.PrivateKey{}, k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func TestPrivateKeyLegacyPKCS8StillRecognised(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "privatekey-legacy")
	v := legacyPKCS8(t, g)
	m, ok := g.Recognize(v)
	require.True(t, ok)
	assert.Equal(t, "0102030405060708", m.ID)
	assert.Equal(t, PrivateKey, m.Format)
	ms := g.Scan("key:\n" + v)
	require.Len(t, ms, 1)
	assert.Equal(t, "0102030405060708", ms[0].ID)
	_, ok = newTestGenerator(t, "privatekey-legacy-other").Recognize(v)
	assert.False(t, ok)
}

func TestPrivateKeyOpenSSHLayout(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "privatekey-layout")
	tok, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	assertPrivateKeyParses(t, tok.Value, true)
	blk, _ := pem.Decode([]byte(tok.Value))
	require.NotNil(t, blk)
	// Every unencrypted OpenSSH Ed25519 key starts with the same 62 bytes (82 base64 characters).
	assert.True(t, strings.HasPrefix(base64.StdEncoding.EncodeToString(blk.Bytes), "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAAC"))
	assert.Contains(t, string(blk.Bytes), g.keys[0].site.sshComment)
	assert.Regexp(t, `^[a-z0-9-]+@[a-z0-9-]+$`, g.keys[0].site.sshComment)
	// Keys of one generator share the comment, as keys made on one host do; the
	// public keys differ.
	tok2, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	assert.NotEqual(t, tok.Value, tok2.Value)
	// Found by Scan inside a .env value written with \n escapes.
	esc := "SSH_PRIVATE_KEY=\"" + strings.ReplaceAll(tok.Value, "\n", `\n`) + "\"\n"
	ms := g.Scan(esc)
	require.Len(t, ms, 1)
	assert.Equal(t, tok.ID, ms[0].ID)
}

// TestCopyBodyLineByLine: the line-by-line copy (a body whose only line breaks
// are '\n') gives what the byte loop gives, length cap included.
func TestCopyBodyLineByLine(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(16, 14))
	fast, slow := make([]byte, sshMaxBody), make([]byte, sshMaxBody)
	for range 5000 {
		b := make([]byte, rnd.IntN(sshMaxBody+80))
		for i := range b {
			b[i] = Base62[rnd.IntN(62)]
			if rnd.IntN(40) == 0 {
				b[i] = '\n'
			}
		}
		body := string(b)
		_, known, lf := pemBodyLen(body)
		require.True(t, known)
		require.True(t, lf)
		n1, ok1 := copyBody(body, fast, true)
		n2, ok2 := copyBody(body, slow, false)
		require.Equal(t, ok2, ok1)
		require.Equal(t, n2, n1)
		require.Equal(t, string(slow[:n2]), string(fast[:n1]))
	}
}

// TestPrivateKeyWrappings: the keyed filter that runs on a body wrapped as
// ssh-keygen wraps it (wrappedLikeSSHKeygen) rejects nothing the full path
// accepts. A key of ours is recognised however its body is wrapped or
// spaced, and one changed character in the seed or anywhere else (also to a
// character outside base64, or an extra line break in place of one) is
// rejected, as is a foreign key of the same length.
func TestPrivateKeyWrappings(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "wrappings")
	tok, err := g.Generate(PrivateKey, Meta{})
	require.NoError(t, err)
	body := strings.TrimSuffix(strings.TrimPrefix(tok.Value, sshBegin+"\n"), sshEnd+"\n")
	flat := strings.ReplaceAll(body, "\n", "")
	wrap := func(w int, sep string) string {
		var b strings.Builder
		for i := 0; i < len(flat); i += w {
			b.WriteString(flat[i:min(i+w, len(flat))] + sep)
		}
		return sshBegin + sep + b.String() + sshEnd + sep
	}
	require.Equal(t, tok.Value, wrap(sshLineLen, "\n"))
	require.True(t, wrappedLikeSSHKeygen("\n"+body, len(flat)), "the fast path runs on issued keys")
	for name, v := range map[string]string{
		"as issued":      tok.Value,
		"wrapped at 64":  wrap(64, "\n"),
		"one line":       sshBegin + "\n" + flat + "\n" + sshEnd,
		"CRLF":           wrap(sshLineLen, "\r\n"),
		"escaped":        strings.ReplaceAll(strings.TrimSpace(tok.Value), "\n", `\n`),
		"trailing blank": strings.Replace(tok.Value, "\n", " \n", 3),
	} {
		_, ok := g.Recognize(v)
		assert.True(t, ok, name)
	}
	seed := sshSeedAt / 3 * 4 // the first base64 character of the seed's quads
	for _, i := range []int{seed, seed + 30, seed + 47, 10, len(flat) - 5} {
		for _, c := range []byte{swapChar(flat[i]), ' ', '\r', '\\', '\n', '-'} {
			if c == flat[i] {
				continue
			}
			b := []byte(flat)
			b[i] = c
			v := sshBegin + "\n"
			for j := 0; j < len(b); j += sshLineLen {
				v += string(b[j:min(j+sshLineLen, len(b))]) + "\n"
			}
			_, ok := g.Recognize(v + sshEnd + "\n")
			assert.False(t, ok, "character %d changed to %q", i, c)
		}
	}
	_, ok := g.Recognize(sameLengthPrivateKey(t, g))
	assert.False(t, ok, "a foreign key of the same length")
}

// TestSSHSeedRejects: the keyed filter read in place from an ssh-keygen
// wrapped body never rejects a key of ours (several generators, so several
// comment lengths), and rejects a key of another generator of the same
// length and any change to one of the characters it reads.
func TestSSHSeedRejects(t *testing.T) {
	t.Parallel()
	body := func(ks *keySet, v string) string {
		b, ok := pemSplit(v, sshBegin, sshEnd, sshBeginForm, sshEndForm)
		require.True(t, ok)
		require.True(t, wrappedLikeSSHKeygen(b, base64.StdEncoding.EncodedLen(sshBlobLen(len(ks.site.sshComment)))))
		return b
	}
	for i := range 12 {
		g := newTestGenerator(t, fmt.Sprintf("seed-rejects-%d", i))
		ks := g.keys[0]
		sc := getScratch()
		for range 20 {
			tok, err := g.Generate(PrivateKey, Meta{})
			require.NoError(t, err)
			require.False(t, sshSeedRejects(ks, sc, body(ks, tok.Value)), "a key of ours")
		}
		foreign := sameLengthPrivateKey(t, g)
		require.True(t, sshSeedRejects(ks, sc, body(ks, foreign)), "a key of another generator")
		tok, err := g.Generate(PrivateKey, Meta{})
		require.NoError(t, err)
		b := body(ks, tok.Value)
		at := 1 + sshSeedQ*4 + sshSeedLine
		for j := at; j < at+32; j++ {
			cs := []byte{base64Std.chars[(base64Std.dig[b[j]]+1)%64], '=', '!'}
			if j < at+2 {
				cs = cs[1:] // the first two characters hold no seed bit: only their alphabet is checked
			}
			for _, c := range cs {
				m := []byte(b)
				m[j] = c
				assert.True(t, sshSeedRejects(ks, sc, string(m)), "character %d changed to %q", j, c)
			}
		}
		putScratch(sc)
	}
}
