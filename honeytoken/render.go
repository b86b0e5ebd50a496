package honeytoken

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Placement is a file layout [Render] writes tokens into: a .env file, a JSON or
// YAML config, an AWS credentials file, and so on. It is distinct from a
// token [Format], which is the shape of one credential.
type Placement string

// The placements [Render] writes.
const (
	// EnvFile is a dotenv file: NAME=value lines.
	EnvFile Placement = "env"
	// JSONFile is a flat JSON object of snake_case keys.
	JSONFile Placement = "json"
	// YAMLFile is a flat YAML mapping of snake_case keys.
	YAMLFile Placement = "yaml"
	// AWSCredentialsFile is ~/.aws/credentials; it takes AWS tokens only.
	AWSCredentialsFile Placement = "aws-credentials"
	// AWSConfigFile is ~/.aws/config with credentials in the profile blocks; it
	// takes AWS tokens only.
	AWSConfigFile Placement = "aws-config"
	// GitHubActions is a workflow whose job env block holds the tokens.
	GitHubActions Placement = "github-actions"
	// KubernetesSecret is a v1 Secret manifest (stringData, so scanners see the
	// values: gitleaks v8.30.1 misses some base64-encoded ones).
	KubernetesSecret Placement = "kubernetes-secret"
	// CurlSnippet is a documentation snippet: one shell command per token, such as
	// curl -H "Authorization: Bearer …".
	CurlSnippet Placement = "curl"
)

// Placements lists every [Placement] [Render] writes.
func Placements() []Placement {
	return []Placement{EnvFile, JSONFile, YAMLFile, AWSCredentialsFile, AWSConfigFile, GitHubActions, KubernetesSecret, CurlSnippet}
}

// envNames are the variable names each vendor's documentation and tools use for
// a format (AWS CLI, gh, glab, Stripe and Slack samples, the OpenAI, Anthropic
// and Google SDKs, npm, SendGrid, GitLab CI's SSH_PRIVATE_KEY, DATABASE_URL); a
// pair has two names (value, secret). WithEnvName overrides them.
var envNames = map[Format][2]string{
	AWSAccessKey:      {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
	AWSTemporaryKey:   {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
	GitHubClassic:     {"GITHUB_TOKEN"},
	GitHubOAuth:       {"GITHUB_OAUTH_TOKEN"},
	GitHubApp:         {"GITHUB_APP_TOKEN"},
	GitHubFineGrained: {"GH_TOKEN"},
	GitLabPAT:         {"GITLAB_TOKEN"},
	StripeSecret:      {"STRIPE_SECRET_KEY"},
	StripeRestricted:  {"STRIPE_RESTRICTED_KEY"},
	SlackBot:          {"SLACK_BOT_TOKEN"},
	SlackUser:         {"SLACK_USER_TOKEN"},
	SlackWebhook:      {"SLACK_WEBHOOK_URL"},
	GoogleAPIKey:      {"GOOGLE_API_KEY"},
	OpenAI:            {"OPENAI_API_KEY"},
	Anthropic:         {"ANTHROPIC_API_KEY"},
	NPM:               {"NPM_TOKEN"},
	SendGrid:          {"SENDGRID_API_KEY"},
	PrivateKey:        {"SSH_PRIVATE_KEY"},
	DatabaseURL:       {"DATABASE_URL"},
	JWT:               {"API_TOKEN"},
}

// entry is one NAME=value pair to render.
type entry struct {
	name  string
	value string
	tok   *Token
}

// entries names every value of toks, numbering repeated names (GITHUB_TOKEN_2).
func entries(toks []Token, c *renderConfig) []entry {
	var out []entry
	used := map[string]int{}
	name := func(n string) string {
		used[n]++
		if used[n] > 1 {
			return fmt.Sprintf("%s_%d", n, used[n])
		}
		return n
	}
	for i := range toks {
		t := &toks[i]
		names, ok := c.envNames[t.Format]
		if !ok {
			names, ok = envNames[t.Format]
		}
		if !ok {
			names[0] = customEnvName(t.Format)
		}
		out = append(out, entry{name(names[0]), t.Value, t})
		if t.Secret != "" {
			sec := names[1]
			if sec == "" {
				sec = names[0] + "_SECRET"
			}
			out = append(out, entry{name(sec), t.Secret, t})
		}
	}
	return out
}

func customEnvName(f Format) string {
	var b strings.Builder
	for _, c := range strings.ToUpper(string(f)) {
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String() + "_API_KEY"
}

// quote returns s as a double-quoted JSON string, which is also a valid YAML
// double-quoted scalar.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// RenderOption configures [RenderWith]: the names a placement file uses, so that
// decoys fit the estate they are planted in.
type RenderOption func(*renderConfig) error

type renderConfig struct {
	secretName  string
	namespace   string
	envNames    map[Format][2]string
	awsProfiles []string
	keyPath     string
}

var (
	envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// A Kubernetes object name is a DNS-1123 subdomain, a namespace a DNS-1123
	// label (Kubernetes docs, "Object Names and IDs").
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dnsLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// WithSecretName sets the name of the Kubernetes Secret ([KubernetesSecret]); by
// default it is named after the tokens' vendor, e.g. aws-credentials,
// github-token, openai-api-key (app-credentials for a mix).
func WithSecretName(name string) RenderOption {
	return func(c *renderConfig) error {
		if len(name) > 253 || !dnsSubdomain.MatchString(name) {
			return &ValidationError{Field: "WithSecretName", Reason: fmt.Sprintf("%q is not a Kubernetes object name (lower-case letters, digits, '-' and '.', at most 253)", name)}
		}
		c.secretName = name
		return nil
	}
}

// WithNamespace sets the namespace of the Kubernetes Secret (default "default").
func WithNamespace(ns string) RenderOption {
	return func(c *renderConfig) error {
		if len(ns) > 63 || !dnsLabel.MatchString(ns) {
			return &ValidationError{Field: "WithNamespace", Reason: fmt.Sprintf("%q is not a Kubernetes namespace (lower-case letters, digits and '-', at most 63)", ns)}
		}
		c.namespace = ns
		return nil
	}
}

// WithEnvName sets the variable name of format f's value, and for an AWS key
// pair a second name for its secret (e.g. "DEPLOY_AWS_KEY_ID",
// "DEPLOY_AWS_SECRET"). JSON and YAML files use it in lower case. Names are
// letters, digits and '_', not starting with a digit.
func WithEnvName(f Format, names ...string) RenderOption {
	return func(c *renderConfig) error {
		if len(names) < 1 || len(names) > 2 {
			return &ValidationError{Field: "WithEnvName", Reason: fmt.Sprintf("give one name (two for an AWS key pair: value, secret), not %d", len(names))}
		}
		for _, n := range names {
			if !envNamePattern.MatchString(n) {
				return &ValidationError{Field: "WithEnvName", Reason: fmt.Sprintf("%q is not a variable name (letters, digits and '_', not starting with a digit)", n)}
			}
		}
		if c.envNames == nil {
			c.envNames = map[Format][2]string{}
		}
		var v [2]string
		copy(v[:], names)
		if v[1] == "" {
			v[1] = envNames[f][1]
		}
		c.envNames[f] = v
		return nil
	}
}

// WithAWSProfiles names the profiles of [AWSCredentialsFile] and [AWSConfigFile]
// in token order (default: default, ci, backup, admin, then profile-5, ...). A
// token's Meta.Labels["aws-profile"] still wins.
func WithAWSProfiles(names ...string) RenderOption {
	return func(c *renderConfig) error {
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, "[]\r\n\t ") {
				return &ValidationError{Field: "WithAWSProfiles", Reason: fmt.Sprintf("%q is not a profile name (no spaces, brackets or line breaks)", n)}
			}
		}
		c.awsProfiles = slices.Clone(names)
		return nil
	}
}

// WithKeyPath sets where the [CurlSnippet] installs a private key (default
// ~/.ssh/id_ed25519, where ssh-keygen writes an Ed25519 key).
func WithKeyPath(path string) RenderOption {
	return func(c *renderConfig) error {
		if path == "" || strings.ContainsAny(path, "'\"\r\n$`\\") {
			return &ValidationError{Field: "WithKeyPath", Reason: "give a path without quotes, '$', backquotes, backslashes or line breaks"}
		}
		c.keyPath = path
		return nil
	}
}

// DefaultPath returns where a placement's file usually lives, relative to a
// project (or ~ for a home directory): .env, config.json, config.yaml,
// ~/.aws/credentials, ~/.aws/config, .github/workflows/deploy.yml,
// k8s/secret.yaml, docs/api.md. Pass another path to [WriteFile] to choose.
func DefaultPath(p Placement) string {
	return map[Placement]string{
		EnvFile: ".env", JSONFile: "config.json", YAMLFile: "config.yaml",
		AWSCredentialsFile: "~/.aws/credentials", AWSConfigFile: "~/.aws/config",
		GitHubActions: ".github/workflows/deploy.yml", KubernetesSecret: "k8s/secret.yaml", CurlSnippet: "docs/api.md",
	}[p]
}

// secretNames are the default Kubernetes Secret names per format.
var secretNames = map[Format]string{
	AWSAccessKey: "aws-credentials", AWSTemporaryKey: "aws-credentials",
	GitHubClassic: "github-token", GitHubOAuth: "github-token", GitHubApp: "github-token", GitHubFineGrained: "github-token",
	GitLabPAT: "gitlab-token", StripeSecret: "stripe-secret-key", StripeRestricted: "stripe-secret-key",
	SlackBot: "slack-token", SlackUser: "slack-token", SlackWebhook: "slack-webhook",
	GoogleAPIKey: "google-api-key", OpenAI: "openai-api-key", Anthropic: "anthropic-api-key", NPM: "npm-token",
	SendGrid: "sendgrid-api-key", PrivateKey: "ssh-key", DatabaseURL: "database-credentials", JWT: "api-token",
}

// defaultSecretName names a Secret after its tokens' vendor when they share one.
func defaultSecretName(toks []Token) string {
	name := ""
	for _, t := range toks {
		n, ok := secretNames[t.Format]
		if !ok || name != "" && n != name {
			return "app-credentials"
		}
		name = n
	}
	return name
}

// Render writes tokens into a placement file laid out as placement, with the
// default names: it is [RenderWith] without options.
func Render(placement Placement, tokens ...Token) ([]byte, error) {
	return RenderWith(placement, tokens)
}

// RenderWith writes tokens into a placement file laid out as placement, named
// as opts say. Each value is followed by a quote, a space or a newline, so that
// scanners' boundary rules fire. It returns a [*ValidationError] for an unknown
// placement, no tokens, a token without a value, a non-AWS token in an AWS file
// or an invalid option.
func RenderWith(placement Placement, tokens []Token, opts ...RenderOption) ([]byte, error) {
	c := renderConfig{namespace: "default", keyPath: "~/.ssh/id_ed25519"}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if len(tokens) == 0 {
		return nil, &ValidationError{Field: "tokens", Reason: "give at least one token to render"}
	}
	for i, t := range tokens {
		if t.Value == "" {
			return nil, &ValidationError{Field: fmt.Sprintf("tokens[%d].Value", i), Reason: "is empty; render tokens returned by Generator.Generate"}
		}
	}
	var b strings.Builder
	es := entries(tokens, &c)
	switch placement {
	case EnvFile:
		for _, e := range es {
			v := e.value
			if strings.ContainsAny(v, " \n\"'#$\\") {
				v = quote(v)
			}
			b.WriteString(e.name + "=" + v + "\n")
		}
	case JSONFile:
		b.WriteString("{\n")
		for i, e := range es {
			b.WriteString("  " + quote(strings.ToLower(e.name)) + ": " + quote(e.value))
			if i < len(es)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	case YAMLFile:
		for _, e := range es {
			b.WriteString(strings.ToLower(e.name) + ": " + quote(e.value) + "\n")
		}
	case AWSCredentialsFile, AWSConfigFile:
		if err := renderAWS(&b, placement, tokens, &c); err != nil {
			return nil, err
		}
	case GitHubActions:
		b.WriteString("name: deploy\n\non:\n  push:\n    branches: [main]\n\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n")
		for _, e := range es {
			b.WriteString("      " + e.name + ": " + quote(e.value) + "\n")
		}
		b.WriteString("    steps:\n      - uses: actions/checkout@v4\n      - name: Deploy\n        run: ./scripts/deploy.sh\n")
	case KubernetesSecret:
		name := c.secretName
		if name == "" {
			name = defaultSecretName(tokens)
		}
		b.WriteString("apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: " + c.namespace + "\ntype: Opaque\nstringData:\n")
		for _, e := range es {
			b.WriteString("  " + e.name + ": " + quote(e.value) + "\n")
		}
	case CurlSnippet:
		for i := range tokens {
			if i > 0 {
				b.WriteString("\n")
			}
			curlFor(&b, &tokens[i], &c)
		}
	default:
		return nil, &ValidationError{Field: "placement", Reason: fmt.Sprintf("unknown placement %q; use one of honeytoken.Placements()", placement)}
	}
	return []byte(b.String()), nil
}

var awsProfiles = []string{"default", "ci", "backup", "admin"}

func renderAWS(b *strings.Builder, placement Placement, tokens []Token, c *renderConfig) error {
	for i, t := range tokens {
		if t.Format != AWSAccessKey && t.Format != AWSTemporaryKey {
			return &ValidationError{Field: fmt.Sprintf("tokens[%d]", i),
				Reason: fmt.Sprintf("is a %s token; %s holds AWS key pairs only (use EnvFile for the others)", t.Format, placement)}
		}
		profile := fmt.Sprintf("profile-%d", i+1)
		switch {
		case i < len(c.awsProfiles):
			profile = c.awsProfiles[i]
		case i < len(awsProfiles):
			profile = awsProfiles[i]
		}
		if p := t.Meta.Labels["aws-profile"]; p != "" {
			profile = p
		}
		if i > 0 {
			b.WriteString("\n")
		}
		switch {
		case placement == AWSConfigFile && profile != "default":
			b.WriteString("[profile " + profile + "]\n")
		default:
			b.WriteString("[" + profile + "]\n")
		}
		b.WriteString("aws_access_key_id = " + t.Value + "\n")
		b.WriteString("aws_secret_access_key = " + t.Secret + "\n")
		if placement == AWSConfigFile {
			b.WriteString("region = us-east-1\noutput = json\n")
		}
	}
	return nil
}

func curlFor(b *strings.Builder, t *Token, c *renderConfig) {
	bearer := func(comment, url string) {
		b.WriteString("# " + comment + "\ncurl " + url + " \\\n  -H \"Authorization: Bearer " + t.Value + "\"\n")
	}
	switch t.Format {
	case AWSAccessKey, AWSTemporaryKey:
		b.WriteString("# Check which identity the deploy credentials belong to\n")
		b.WriteString("export AWS_ACCESS_KEY_ID=\"" + t.Value + "\"\n")
		b.WriteString("export AWS_SECRET_ACCESS_KEY=\"" + t.Secret + "\"\n")
		b.WriteString("aws sts get-caller-identity\n")
	case GitHubClassic, GitHubOAuth, GitHubApp, GitHubFineGrained:
		bearer("Who am I on GitHub", "https://api.github.com/user")
	case GitLabPAT:
		b.WriteString("# Who am I on GitLab\ncurl https://gitlab.com/api/v4/user \\\n  -H \"PRIVATE-TOKEN: " + t.Value + "\"\n")
	case StripeSecret, StripeRestricted:
		bearer("List recent charges", "\"https://api.stripe.com/v1/charges?limit=3\"")
	case SlackBot, SlackUser:
		bearer("Check the Slack token", "https://slack.com/api/auth.test")
	case SlackWebhook:
		b.WriteString("# Post a deploy notice\ncurl -X POST -H \"Content-type: application/json\" \\\n  --data '{\"text\":\"deploy finished\"}' \\\n  " + t.Value + "\n")
	case GoogleAPIKey:
		b.WriteString("# Geocode an address\ncurl \"https://maps.googleapis.com/maps/api/geocode/json?address=Berlin\" \\\n  -H \"X-Goog-Api-Key: " + t.Value + "\"\n")
	case OpenAI:
		bearer("List available models", "https://api.openai.com/v1/models")
	case Anthropic:
		b.WriteString("# List available models\ncurl https://api.anthropic.com/v1/models \\\n  -H \"x-api-key: " + t.Value + "\" \\\n  -H \"anthropic-version: 2023-06-01\"\n")
	case NPM:
		bearer("Check the npm publish token", "https://registry.npmjs.org/-/whoami")
	case SendGrid:
		bearer("List the key's scopes", "https://api.sendgrid.com/v3/scopes")
	case PrivateKey:
		b.WriteString("# Install the deploy key\ncat > " + c.keyPath + " <<'EOF'\n" + t.Value + "EOF\nchmod 600 " + c.keyPath + "\n")
	case DatabaseURL:
		b.WriteString("# Connect to the production database\npsql \"" + t.Value + "\" -c 'select 1'\n")
	default:
		bearer("Call the internal API", "https://api.internal/v1/me")
	}
}
