package honeytoken

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/ini.v1"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite testdata/render/*.golden (placeholders only, never token values)")

// parsed maps variable name -> value, as read back by each placement's real parser.
func parseRendered(t *testing.T, placement Placement, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch placement {
	case EnvFile:
		f, err := ini.LoadSources(ini.LoadOptions{IgnoreInlineComment: true}, b)
		require.NoError(t, err)
		for _, k := range f.Section("").Keys() {
			v := k.Value()
			if strings.Contains(v, `\n`) { // a quoted multi-line value, as dotenv writes it
				require.NoError(t, json.Unmarshal([]byte(`"`+v+`"`), &v))
			}
			out[k.Name()] = v
		}
	case JSONFile:
		require.NoError(t, json.Unmarshal(b, &out))
	case YAMLFile:
		require.NoError(t, yaml.Unmarshal(b, &out))
	case AWSCredentialsFile, AWSConfigFile:
		f, err := ini.Load(b)
		require.NoError(t, err)
		for _, s := range f.Sections() {
			for _, k := range s.Keys() {
				out[s.Name()+"."+k.Name()] = k.Value()
			}
		}
	case GitHubActions:
		var wf struct {
			On   map[string]any `yaml:"on"`
			Jobs map[string]struct {
				RunsOn string            `yaml:"runs-on"`
				Env    map[string]string `yaml:"env"`
				Steps  []map[string]any  `yaml:"steps"`
			} `yaml:"jobs"`
		}
		require.NoError(t, yaml.Unmarshal(b, &wf))
		require.Contains(t, wf.On, "push")
		require.NotEmpty(t, wf.Jobs["deploy"].Steps)
		out = wf.Jobs["deploy"].Env
	case KubernetesSecret:
		var s struct {
			APIVersion string            `yaml:"apiVersion"`
			Kind       string            `yaml:"kind"`
			StringData map[string]string `yaml:"stringData"`
		}
		require.NoError(t, yaml.Unmarshal(b, &s))
		require.Equal(t, "v1", s.APIVersion)
		require.Equal(t, "Secret", s.Kind)
		out = s.StringData
	}
	return out
}

func renderTokens(t *testing.T, g *Generator, placement Placement) []Token {
	t.Helper()
	formats := g.Formats()
	if placement == AWSCredentialsFile || placement == AWSConfigFile {
		formats = []Format{AWSAccessKey, AWSTemporaryKey, AWSAccessKey}
	}
	var toks []Token
	for _, f := range formats {
		tok, err := g.Generate(f, Meta{Location: "render test"})
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	return toks
}

func TestRenderParsesWithRealParsers(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "render", WithCustomFormat(CustomFormat{Name: "acme", Prefix: "acme_live_", Length: 32, Alphabet: Base62}))
	for _, placement := range Placements() {
		t.Run(string(placement), func(t *testing.T) {
			t.Parallel()
			toks := renderTokens(t, g, placement)
			b, err := Render(placement, toks...)
			require.NoError(t, err)
			text := string(b)

			// Every value and secret is present, followed by a boundary character.
			for _, tok := range toks {
				for _, v := range []string{tok.Value, tok.Secret} {
					if v == "" || tok.Format == PrivateKey && placement != CurlSnippet {
						continue
					}
					i := strings.Index(text, v)
					require.GreaterOrEqual(t, i, 0, "%s value missing", tok.Format)
					next := text[i+len(v)]
					if tok.Format == PrivateKey {
						next = '\n'
					}
					assert.Contains(t, "\"' \n", string(next), "%s value followed by %q", tok.Format, next)
				}
			}

			// Our own scanner finds every token again.
			got := gotParts(g.Scan(text))
			for k := range wantParts(toks) {
				assert.True(t, got[k], "Scan missed %s", k)
			}

			if placement != CurlSnippet {
				parsed := parseRendered(t, placement, b)
				values := map[string]bool{}
				for _, v := range parsed {
					values[v] = true
				}
				for _, tok := range toks {
					assert.True(t, values[tok.Value], "%s value not read back by the parser", tok.Format)
					if tok.Secret != "" {
						assert.True(t, values[tok.Secret], "%s secret not read back", tok.Format)
					}
				}
			}
			checkGolden(t, placement, text, toks)
		})
	}
}

// checkGolden compares the rendering with testdata/render/<placement>.golden after
// replacing every token value by a placeholder, so that the committed golden files
// hold no credential-shaped string.
func checkGolden(t *testing.T, placement Placement, text string, toks []Token) {
	t.Helper()
	for i, tok := range toks {
		ph := "<" + string(tok.Format) + "#" + string(rune('a'+i)) + ">"
		text = strings.ReplaceAll(text, tok.Value, ph)
		text = strings.ReplaceAll(text, strings.ReplaceAll(strings.TrimSuffix(tok.Value, "\n"), "\n", `\n`), ph)
		if tok.Secret != "" {
			text = strings.ReplaceAll(text, tok.Secret, "<"+string(tok.Format)+"#"+string(rune('a'+i))+".secret>")
		}
	}
	path := filepath.Join("testdata", "render", string(placement)+".golden")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestRender -update to create %s", path)
	assert.Equal(t, string(want), text)
	for _, tok := range toks {
		assert.NotContains(t, string(want), tok.Value)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "render-errors")
	gh, err := g.Generate(GitHubClassic, Meta{})
	require.NoError(t, err)
	tests := []struct {
		name      string
		placement Placement
		toks      []Token
		want      string
	}{
		{"no tokens", EnvFile, nil, "at least one"},
		{"unknown placement", Placement("toml"), []Token{gh}, "Placements()"},
		{"empty value", EnvFile, []Token{{Format: NPM}}, "Generator.Generate"},
		{"github in aws file", AWSCredentialsFile, []Token{gh}, "AWS key pairs only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render(tt.placement, tt.toks...)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRenderNumbersRepeatedNames(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "render-repeat")
	a, _ := g.Generate(GitHubClassic, Meta{})
	b, _ := g.Generate(GitHubClassic, Meta{})
	out, err := Render(EnvFile, a, b)
	require.NoError(t, err)
	parsed := parseRendered(t, EnvFile, out)
	assert.Equal(t, a.Value, parsed["GITHUB_TOKEN"])
	assert.Equal(t, b.Value, parsed["GITHUB_TOKEN_2"])
}

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, ".env")
	require.NoError(t, WriteFile(name, []byte("A=1\n"), WriteOptions{}))
	st, err := os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm())

	err = WriteFile(name, []byte("A=2\n"), WriteOptions{})
	require.ErrorIs(t, err, fs.ErrExist)
	assert.Contains(t, err.Error(), "Overwrite")
	got, _ := os.ReadFile(name)
	assert.Equal(t, "A=1\n", string(got), "an existing file is never touched")

	require.NoError(t, os.Chmod(name, 0o644))
	require.NoError(t, WriteFile(name, []byte("A=3\n"), WriteOptions{Overwrite: true}))
	got, _ = os.ReadFile(name)
	assert.Equal(t, "A=3\n", string(got))
	st, _ = os.Stat(name)
	assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm())
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left behind")

	var ve *ValidationError
	require.ErrorAs(t, WriteFile("", nil, WriteOptions{}), &ve)
	require.Error(t, WriteFile(filepath.Join(dir, "missing", "x"), nil, WriteOptions{}))
}

// genericAPIKey is gitleaks' generic-api-key rule (config/gitleaks.toml, v8.30.1): an
// identifier holding a keyword, an operator, then the value and the boundary suffix.
// It is the only gitleaks rule that can report an AWS secret access key.
var genericAPIKey = regexp.MustCompile(`(?i)[\w.-]{0,50}?(?:access|auth|api|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`)

func TestRenderedAWSSecretsMatchGenericRule(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "generic-rule")
	n := propertyCount() / 5
	for _, placement := range []Placement{EnvFile, AWSCredentialsFile} {
		t.Run(string(placement), func(t *testing.T) {
			t.Parallel()
			for range n {
				tok, err := g.Generate(AWSAccessKey, Meta{})
				require.NoError(t, err)
				b, err := Render(placement, tok)
				require.NoError(t, err)
				found := false
				for _, line := range strings.Split(string(b), "\n") {
					for _, m := range genericAPIKey.FindAllStringSubmatch(line, -1) {
						found = found || m[1] == tok.Secret
					}
				}
				require.True(t, found, "generic-api-key does not report the secret in %s", placement)
			}
		})
	}
}

// TestRenderWithOptions: the names a caller chooses reach every placement that
// uses them, are read back by the real parsers, and Scan still finds the tokens.
func TestRenderWithOptions(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, "render-options")
	gen := func(f Format) Token {
		tok, err := g.Generate(f, Meta{})
		require.NoError(t, err)
		return tok
	}
	gh, aws1, aws2, pk := gen(GitHubClassic), gen(AWSAccessKey), gen(AWSAccessKey), gen(PrivateKey)
	opts := []RenderOption{
		WithEnvName(GitHubClassic, "GH_DEPLOY_TOKEN"), WithEnvName(AWSAccessKey, "DEPLOY_KEY_ID", "DEPLOY_SECRET"),
		WithSecretName("deploy-credentials"), WithNamespace("ci"),
	}
	for _, placement := range []Placement{EnvFile, JSONFile, YAMLFile, GitHubActions, KubernetesSecret} {
		t.Run(string(placement), func(t *testing.T) {
			t.Parallel()
			b, err := RenderWith(placement, []Token{gh, aws1}, opts...)
			require.NoError(t, err)
			parsed := parseRendered(t, placement, b)
			name := func(n string) string {
				if placement == JSONFile || placement == YAMLFile {
					return strings.ToLower(n)
				}
				return n
			}
			assert.Equal(t, gh.Value, parsed[name("GH_DEPLOY_TOKEN")])
			assert.Equal(t, aws1.Value, parsed[name("DEPLOY_KEY_ID")])
			assert.Equal(t, aws1.Secret, parsed[name("DEPLOY_SECRET")])
			assert.NotContains(t, string(b), "GITHUB_TOKEN")
			got := gotParts(g.Scan(string(b)))
			for k := range wantParts([]Token{gh, aws1}) {
				assert.True(t, got[k], "Scan missed %s", k)
			}
			if placement == KubernetesSecret {
				var s struct {
					Metadata struct{ Name, Namespace string } `yaml:"metadata"`
				}
				require.NoError(t, yaml.Unmarshal(b, &s))
				assert.Equal(t, "deploy-credentials", s.Metadata.Name)
				assert.Equal(t, "ci", s.Metadata.Namespace)
			}
		})
	}

	t.Run("one name for a pair keeps the secret's default", func(t *testing.T) {
		t.Parallel()
		b, err := RenderWith(EnvFile, []Token{aws1}, WithEnvName(AWSAccessKey, "KEY_ID"))
		require.NoError(t, err)
		parsed := parseRendered(t, EnvFile, b)
		assert.Equal(t, aws1.Value, parsed["KEY_ID"])
		assert.Equal(t, aws1.Secret, parsed["AWS_SECRET_ACCESS_KEY"])
	})

	t.Run("aws profiles", func(t *testing.T) {
		t.Parallel()
		labelled := aws2
		labelled.Meta.Labels = map[string]string{"aws-profile": "from-label"}
		for _, placement := range []Placement{AWSCredentialsFile, AWSConfigFile} {
			b, err := RenderWith(placement, []Token{aws1, aws2, labelled}, WithAWSProfiles("prod", "staging"))
			require.NoError(t, err)
			parsed := parseRendered(t, placement, b)
			prefix := ""
			if placement == AWSConfigFile {
				prefix = "profile "
			}
			assert.Equal(t, aws1.Value, parsed[prefix+"prod.aws_access_key_id"], placement)
			assert.Equal(t, aws2.Secret, parsed[prefix+"staging.aws_secret_access_key"], placement)
			assert.Equal(t, aws2.Value, parsed[prefix+"from-label.aws_access_key_id"], "a label still wins")
		}
	})

	t.Run("key path", func(t *testing.T) {
		t.Parallel()
		b, err := RenderWith(CurlSnippet, []Token{pk}, WithKeyPath("/home/deploy/.ssh/id_ed25519"))
		require.NoError(t, err)
		assert.Contains(t, string(b), "cat > /home/deploy/.ssh/id_ed25519 <<'EOF'\n")
		assert.Contains(t, string(b), "chmod 600 /home/deploy/.ssh/id_ed25519\n")
		ms := g.Scan(string(b))
		require.Len(t, ms, 1)
		assert.Equal(t, pk.ID, ms[0].ID)
	})

	t.Run("defaults name the secret after the vendor", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			toks []Token
			want string
		}{
			{[]Token{aws1, aws2}, "aws-credentials"},
			{[]Token{gh}, "github-token"},
			{[]Token{pk}, "ssh-key"},
			{[]Token{gh, aws1}, "app-credentials"},
		} {
			b, err := RenderWith(KubernetesSecret, c.toks)
			require.NoError(t, err)
			assert.Contains(t, string(b), "  name: "+c.want+"\n  namespace: default\n")
		}
	})

	t.Run("invalid options", func(t *testing.T) {
		t.Parallel()
		for _, o := range []RenderOption{
			WithSecretName("Upper"), WithSecretName(""), WithSecretName(strings.Repeat("a", 254)),
			WithNamespace("a.b"), WithNamespace(strings.Repeat("a", 64)),
			WithEnvName(GitHubClassic), WithEnvName(GitHubClassic, "1BAD"), WithEnvName(GitHubClassic, "A", "B", "C"),
			WithAWSProfiles("with space"), WithAWSProfiles(""), WithKeyPath(""), WithKeyPath("$(id)"),
		} {
			_, err := RenderWith(EnvFile, []Token{gh}, o)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
		}
	})
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, p := range Placements() {
		path := DefaultPath(p)
		require.NotEmpty(t, path, p)
		assert.False(t, seen[path], "%s shares its path", p)
		seen[path] = true
	}
	assert.Equal(t, "~/.aws/credentials", DefaultPath(AWSCredentialsFile))
	assert.Empty(t, DefaultPath("toml"))
}
