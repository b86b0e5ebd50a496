package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/decoykit/decoykit/honeytoken"
)

type fixture struct {
	dir, keyFile, registry string
	g                      *honeytoken.Generator
	toks                   []honeytoken.Token
}

// newFixture writes a key file and a registry with one token of each format.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	k := sha256.Sum256([]byte("honeytoken-scan test key"))
	f := &fixture{dir: dir, keyFile: filepath.Join(dir, "decoy.key"), registry: filepath.Join(dir, "registry.jsonl")}
	require.NoError(t, os.WriteFile(f.keyFile, []byte(hex.EncodeToString(k[:])+"\n"), 0o600))
	g, err := honeytoken.NewGenerator(k[:])
	require.NoError(t, err)
	f.g = g
	st, err := honeytoken.OpenFileStore(f.registry)
	require.NoError(t, err)
	defer st.Close()
	for _, fm := range g.Formats() {
		tok, err := g.Generate(fm, honeytoken.Meta{Location: "infra/" + string(fm) + ".env", Memo: "memo " + string(fm)})
		require.NoError(t, err)
		require.NoError(t, st.Put(context.Background(), honeytoken.Record{Token: tok, Status: honeytoken.StatusActive}))
		f.toks = append(f.toks, tok)
	}
	return f
}

func (f *fixture) write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(f.dir, "logs", name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestScanFolderFindsEveryDecoy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var access, app strings.Builder
	for i, tok := range f.toks {
		access.WriteString("203.0.113.9 - - \"GET /x?k=" + url.QueryEscape(tok.Value) + " HTTP/1.1\" 200 12\n")
		app.WriteString(`{"level":"info","n":` + string(rune('0'+i%10)) + `,"auth":"` +
			base64.StdEncoding.EncodeToString([]byte("u:"+tok.Value)) + "\"}\n")
	}
	f.write(t, "access.log", access.String())
	f.write(t, "sub/app.log", app.String())
	f.write(t, "clean.log", "nothing to see\n")
	f.write(t, ".git/objects/ignored", f.toks[0].Value) // .git is skipped

	code, out, errOut := runCmd(t, "", "--key-file", f.keyFile, "--registry", f.registry, "--json", filepath.Join(f.dir, "logs"))
	require.Equal(t, exitFound, code, errOut)
	perFile := map[string]map[string]hit{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var h hit
		require.NoError(t, json.Unmarshal([]byte(line), &h), line)
		if perFile[filepath.Base(h.File)] == nil {
			perFile[filepath.Base(h.File)] = map[string]hit{}
		}
		if h.Part == honeytoken.PartValue {
			perFile[filepath.Base(h.File)][h.ID] = h
		}
	}
	require.NotContains(t, perFile, "ignored")
	require.NotContains(t, perFile, "clean.log")
	for i, tok := range f.toks {
		for _, file := range []string{"access.log", "app.log"} {
			h, ok := perFile[file][tok.ID]
			require.True(t, ok, "%s: %s not found", file, tok.Format)
			assert.Equal(t, i+1, h.Line, "%s: %s", file, tok.Format)
			assert.Equal(t, tok.Format, h.Format)
			assert.Equal(t, tok.Meta.Location, h.Location)
			assert.Equal(t, tok.Meta.Memo, h.Memo)
			assert.Equal(t, "active", h.Status)
			assert.NotContains(t, h.Masked, tok.Value[len(tok.Value)/2:], "the token is masked")
		}
	}
	assert.NotContains(t, out, f.toks[0].Value, "no token is printed whole")
}

func TestScanStdinTextOutput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.toks[2]
	code, out, errOut := runCmd(t, "line one\nAuthorization: Bearer "+tok.Value+"\n", "--key-file", f.keyFile, "--registry", f.registry)
	require.Equal(t, exitFound, code)
	assert.Contains(t, out, "-:2: "+string(tok.Format)+" ")
	assert.Contains(t, out, "id="+tok.ID)
	assert.Contains(t, out, `memo="memo `+string(tok.Format)+`"`)
	assert.NotContains(t, out, tok.Value)
	assert.Contains(t, errOut, "1 decoy hit")

	// Without a registry the hit is still reported; a clean input exits 0.
	code, out, _ = runCmd(t, tok.Value, "--key-file", f.keyFile, "-")
	require.Equal(t, exitFound, code)
	assert.Contains(t, out, "-:1: "+string(tok.Format))
	code, out, _ = runCmd(t, "GET /healthz 200\n", "--key-file", f.keyFile)
	assert.Equal(t, exitClean, code)
	assert.Empty(t, out)
}

func TestScanErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown flag", []string{"--nope"}, exitUsage, "unknown flag"},
		{"missing key", []string{"--key-file", filepath.Join(f.dir, "absent.key")}, exitFailure, "--key-file"},
		{"missing input", []string{"--key-file", f.keyFile, filepath.Join(f.dir, "absent.log")}, exitFailure, "absent.log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := runCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.msg)
			k, _ := os.ReadFile(f.keyFile)
			assert.NotContains(t, errOut, strings.TrimSpace(string(k)), "the key never reaches an error")
		})
	}
	code, out, _ := runCmd(t, "", "--help")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, "usage: honeytoken-scan")
}

// After a key rotation, decoys minted under the old key are still found with
// --retired-key-file and marked as such.
func TestScanRetiredKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	nk := sha256.Sum256([]byte("honeytoken-scan rotated key"))
	newKey := filepath.Join(f.dir, "new.key")
	require.NoError(t, os.WriteFile(newKey, []byte(hex.EncodeToString(nk[:])), 0o600))
	tok := f.toks[3]
	code, out, _ := runCmd(t, "x "+tok.Value+"\n", "--key-file", newKey)
	assert.Equal(t, exitClean, code, "the new key alone does not know the old decoys")
	assert.Empty(t, out)
	code, out, _ = runCmd(t, "x "+tok.Value+"\n", "--key-file", newKey, "--retired-key-file", f.keyFile, "--json")
	require.Equal(t, exitFound, code)
	var h hit
	require.NoError(t, json.Unmarshal([]byte(out), &h))
	assert.Equal(t, tok.ID, h.ID)
	assert.True(t, h.Retired)
}
