package honeytoken

import (
	"crypto/ed25519"
	"encoding/pem"
	"hash/crc32"
	"math/big"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// unique is gitleaks' "unique token" boundary suffix (config/gitleaks.toml, v8.30.1).
const unique = "(?:[\\x60'\"\\s;]|\\\\[nr]|$)"

// formatRules holds, per format, the regexes a decoy must match: gitleaks'
// rules (expanded from config/gitleaks.toml, v8.30.1), TruffleHog's detector
// patterns (trufflesecurity/trufflehog pkg/detectors/<name>, v3 as of the commit
// named; written here as data: a regex is a fact) and the issuer's real shape
// (anchored with ^...$); and the entropy threshold each scanner applies.
// TruffleHog has no detector for Google API keys, JWTs or these database URLs.
var formatRules = map[Format]struct {
	patterns   []string
	trufflehog []string
	entropy    float64 // gitleaks threshold for the value (-1: no rule threshold)
	thEntropy  float64 // TruffleHog's threshold (gitlab/v3: 3.6), 0 if none
	checksum   bool
}{
	// trufflehog aws/access_keys and aws/session_keys: the key id.
	AWSAccessKey:    {[]string{`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, `^AKIA[A-Z2-7]{16}$`}, []string{`\b((?:AKIA|ABIA|ACCA)[A-Z0-9]{16})\b`}, 3, 0, false},
	AWSTemporaryKey: {[]string{`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, `^ASIA[A-Z2-7]{16}$`}, []string{`\b((?:ASIA)[A-Z0-9]{16})\b`}, 3, 0, false},
	// trufflehog github/v2 (024ef9c).
	GitHubClassic:     {[]string{`ghp_[0-9a-zA-Z]{36}`, `^ghp_[0-9A-Za-z]{36}$`}, []string{thGitHub}, 3, 0, true},
	GitHubOAuth:       {[]string{`gho_[0-9a-zA-Z]{36}`, `^gho_[0-9A-Za-z]{36}$`}, []string{thGitHub}, 3, 0, true},
	GitHubApp:         {[]string{`(?:ghu|ghs)_[0-9a-zA-Z]{36}`, `^ghs_[0-9A-Za-z]{36}$`}, []string{thGitHub}, 3, 0, true},
	GitHubFineGrained: {[]string{`github_pat_\w{82}`, `^github_pat_11[0-9A-Za-z]{20}_[0-9A-Za-z]{59}$`}, []string{thGitHub}, 3, 0, false},
	// gitleaks v8.30.1 finds the versioned layout as gitlab-pat (its first 26
	// characters; gitlab-pat-routable predates the version segment); trufflehog
	// gitlab/v3 (00a6c3a) matches the whole token and needs entropy >= 3.6.
	GitLabPAT: {[]string{`glpat-[\w-]{20}`, `^glpat-[0-9A-Za-z_-]{38}\.01\.[0-9a-z]{9}$`},
		[]string{`\b(glpat-[a-zA-Z0-9\-=_]{27,300}\.[0-9a-z]{2}\.[a-z0-9]{9})\b`}, 3, 3.6, true},
	// trufflehog stripe (0ddd98d; no boundary, so a 99-character body matches too).
	StripeSecret:     {[]string{`\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})` + unique, `^sk_live_51[0-9A-Za-z]{97}$`}, []string{`[rs]k_live_[a-zA-Z0-9]{20,30}`}, 2, 0, false},
	StripeRestricted: {[]string{`\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})` + unique, `^rk_live_51[0-9A-Za-z]{97}$`}, []string{`[rs]k_live_[a-zA-Z0-9]{20,30}`}, 2, 0, false},
	// trufflehog slack (024ef9c) and slackwebhook (0027937).
	SlackBot:  {[]string{`xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*`, `^xoxb-[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z]{24}$`}, []string{`xoxb\-[0-9]{10,13}\-[0-9]{10,13}[a-zA-Z0-9\-]*`}, 3, 0, false},
	SlackUser: {[]string{`xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}`, `^xoxp-[0-9]+-[0-9]+-[0-9]+-[0-9a-f]{32}$`}, []string{`xoxp\-[0-9]{10,13}\-[0-9]{10,13}[a-zA-Z0-9\-]*`}, 2, 0, false},
	SlackWebhook: {[]string{`(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`,
		`^https://hooks\.slack\.com/services/T[A-Z0-9]{10}/B[A-Z0-9]{10}/[0-9A-Za-z]{24}$`},
		[]string{`(https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{23,25})`}, -1, 0, false},
	GoogleAPIKey: {[]string{`\b(AIza[\w-]{35})` + unique, `^AIzaSy[\w-]{33}$`}, nil, 4, 0, false},
	// trufflehog openai (024ef9c).
	OpenAI: {[]string{`\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})` + unique},
		[]string{`\b(sk-(?:(?:proj|svcacct|service)-[A-Za-z0-9_-]+|[a-zA-Z0-9]+)T3BlbkFJ[A-Za-z0-9_-]+)\b`}, 3, 0, false},
	// trufflehog anthropic (01940b4).
	Anthropic: {[]string{`\b(sk-ant-api03-[a-zA-Z0-9_\-]{93}AA)` + unique}, []string{`\b(sk-ant-api03-[\w\-]{93}AA)\b`}, -1, 0, false},
	// trufflehog npmtokenv2 (0753639).
	NPM: {[]string{`(?i)\b(npm_[a-z0-9]{36})` + unique, `^npm_[0-9A-Za-z]{36}$`}, []string{`(npm_[0-9a-zA-Z]{36})`}, 2, 0, true},
	// trufflehog sendgrid.
	SendGrid: {[]string{`\b(SG\.(?i)[a-z0-9=_\-\.]{66})` + unique}, []string{`\bSG\.[\w\-]{20,24}\.[\w\-]{39,50}\b`}, 2, 0, false},
	// trufflehog privatekey (043cb3d): the block, then a parse (see assertPrivateKeyParses).
	PrivateKey: {[]string{`(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----`},
		[]string{`(?i)-----\s*?BEGIN[ A-Z0-9_-]*?PRIVATE KEY\s*?-----[\s\S]*?----\s*?END[ A-Z0-9_-]*? PRIVATE KEY\s*?-----`}, -1, 0, false},
	DatabaseURL: {[]string{`^postgres://[a-z]+:[0-9A-Za-z]{32}@[a-z0-9.-]+:5432/[a-z]+$`}, nil, -1, 0, false},
	JWT:         {[]string{`\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)` + unique}, nil, 3, 0, false},
}

// thGitHub is trufflehog github/v2's keyPat (024ef9c).
const thGitHub = `\b((?:ghp|gho|ghu|ghs|ghr|github_pat)_[a-zA-Z0-9_]{36,255})\b`

// awsSecretRules: trufflehog's secret shape and the branch of gitleaks'
// generic-api-key that a base64 secret must match (alphanumeric first character).
var awsSecretRules = []string{`^[A-Za-z0-9+/]{40}$`, `(?i)^[a-z0-9][a-z0-9+/]{11,}={0,3}$`}

// compiledRules compiles formatRules once for every test that uses them.
var compiledRules = sync.OnceValue(func() map[Format][2][]*regexp.Regexp {
	m := map[Format][2][]*regexp.Regexp{}
	for f, r := range formatRules {
		var c [2][]*regexp.Regexp
		for i, ps := range [][]string{r.patterns, r.trufflehog} {
			for _, p := range ps {
				c[i] = append(c[i], regexp.MustCompile(p))
			}
		}
		m[f] = c
	}
	return m
})

func TestPropertiesEveryFormat(t *testing.T) {
	t.Parallel()
	other := newTestGenerator(t, "property-other")
	for i, f := range Formats() {
		rule, ok := formatRules[f]
		require.True(t, ok, "no rules for %s", f)
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			// A seeded source per format makes the run reproducible: AWS key
			// ids carry 39 random bits, so a no-collision check over 10,000 of
			// them would otherwise fail about once in 10,000 runs.
			seed := [32]byte{byte(i), 'p', 'r', 'o', 'p'}
			g := newTestGenerator(t, "property", WithRandom(rand.NewChaCha8(seed)))
			res := append(compiledRules()[f][0], compiledRules()[f][1]...)
			secRes := compileAll(t, awsSecretRules)
			n := propertyCount()
			ids := make(map[string]bool, n)
			values := make([]string, 0, n)
			// The loop checks with plain ifs and fails with t.Fatalf: testify's
			// require calls t.Helper (a stack walk) on every call, which was a
			// fifth of this test's time, and ten times that under -race.
			fail := func(format string, args ...any) {
				t.Helper()
				t.Fatalf("%s token %d: "+format, append([]any{f, len(ids)}, args...)...)
			}
			for i := range n {
				tok, err := g.Generate(f, Meta{Location: "test"})
				if err != nil {
					fail("Generate: %v", err)
				}
				if ids[tok.ID] {
					fail("duplicate id %s", tok.ID)
				}
				ids[tok.ID] = true

				for _, re := range res {
					// Anchored patterns describe the exact shape; the others are
					// scanner rules, which need a boundary character after the token.
					in := tok.Value + `"`
					if strings.HasPrefix(re.String(), "^") {
						in = tok.Value
					}
					if !re.MatchString(in) {
						fail("does not match %s", re)
					}
				}
				if rule.entropy >= 0 && shannon(tok.Value) <= rule.entropy {
					fail("entropy %.2f, want > %.2f", shannon(tok.Value), rule.entropy)
				}
				if shannon(tok.Value) < rule.thEntropy {
					fail("entropy %.2f, TruffleHog wants >= %.2f", shannon(tok.Value), rule.thEntropy)
				}
				values = append(values, tok.Value)
				if rule.checksum && !ValidChecksum(tok.Value) {
					fail("checksum invalid")
				}
				if rule.checksum && !independentChecksum(tok.Value) {
					fail("independent checksum invalid")
				}
				if strings.Contains(strings.ToUpper(tok.Value), "EXAMPLE") {
					fail("contains EXAMPLE")
				}

				m, ok := g.Recognize(tok.Value)
				if !ok || m.ID != tok.ID || m.Format != f || m.Part != PartValue {
					fail("Recognize = %+v, %v; want id %s, part value", m, ok, tok.ID)
				}
				if _, ok := other.Recognize(tok.Value); ok {
					fail("a different key recognised it")
				}

				mut := mutate(tok.Value, i)
				if m2, ok := g.Recognize(mut); ok && isAWS(f) {
					// A key id alone carries no tag: a changed free character is
					// still in our account but can never yield the original id.
					if m2.ID == tok.ID || m2.Strength != 40 {
						fail("mutated AWS key id: id %s strength %d", m2.ID, m2.Strength)
					}
				} else if ok {
					fail("accepted with one character changed")
				}

				if isAWS(f) {
					for _, re := range secRes {
						if !re.MatchString(tok.Secret) {
							fail("AWS secret does not match %s", re)
						}
					}
					if shannon(tok.Secret) <= entropyGeneric {
						fail("AWS secret entropy %.2f", shannon(tok.Secret))
					}
					if hasStopWord(tok.Secret) {
						fail("AWS secret holds a stop word")
					}
					ms, ok := g.Recognize(tok.Secret)
					if !ok || ms.ID != tok.ID || ms.Part != PartSecret || ms.Strength != 64 {
						fail("Recognize(secret) = %+v, %v", ms, ok)
					}
					if _, ok := other.Recognize(tok.Secret); ok {
						fail("a different key recognised the AWS secret")
					}
					if _, ok := g.Recognize(mutate(tok.Secret, i)); ok {
						fail("AWS secret with one character changed was accepted")
					}
				} else if tok.Secret != "" {
					fail("a secret for a format without one")
				}
				if f == PrivateKey && (!raceEnabled || i%10 == 0) {
					// Every key parses as what it claims (every tenth under
					// -race, where .ci/run's plain pass checks them all); every
					// tenth also signs.
					assertPrivateKeyParses(t, tok.Value, i%10 == 0)
				}
			}
			checkAvoidance(t, f, values)
		})
	}
}

// checkAvoidance checks each whole value against the avoidance list (and
// gitleaks' stop words, the runs and the years): a hit may only lie in text
// that every token of the format shares (a prefix, T3BlbkFJ, a PEM's structure,
// a generator's JWT header), which real tokens share too. Which characters are
// shared is found from the values themselves, not from the generator. Every
// tenth value is also checked by a naive search over every word, independent of
// the generator's index. A database URL is checked by its password, the part a
// scanner reports; its user, host and database names are the words every real
// URL has.
func checkAvoidance(t *testing.T, f Format, values []string) {
	t.Helper()
	if f == DatabaseURL {
		for i, v := range values {
			values[i], _ = splitDBURL(v)
		}
	}
	// byLen[n][i]: every value of length n has the same character at i.
	byLen := map[int][]bool{}
	first := map[int]string{}
	count := map[int]int{}
	for _, v := range values {
		count[len(v)]++
		f0, seen := first[len(v)]
		if !seen {
			first[len(v)] = v
			m := make([]bool, len(v))
			for i := range m {
				m[i] = true
			}
			byLen[len(v)] = m
			continue
		}
		m := byLen[len(v)]
		for i := range m {
			m[i] = m[i] && v[i] == f0[i]
		}
	}
	for n, c := range count {
		if c < 100 { // too few values to tell what is shared
			byLen[n] = nil
		}
	}
	words := append(slices.Clone(avoidWords), shortStopWords...)
	for i, v := range values {
		fixed := byLen[len(v)]
		if avoided(v, fixed) {
			t.Fatalf("%s value %d holds an avoided word: %q", f, i, v)
		}
		if i%10 != 0 {
			continue
		}
		lv := strings.ToLower(v)
		for _, w := range words {
			for at := 0; ; {
				k := strings.Index(lv[at:], w)
				if k < 0 {
					break
				}
				k += at
				shared := fixed != nil
				for j := k; j < k+len(w) && shared; j++ {
					shared = fixed[j]
				}
				if !shared {
					t.Fatalf("%s value %d holds %q at %d (naive search): %q", f, i, w, k, v)
				}
				at = k + 1
			}
		}
	}
}

// independentChecksum re-derives the public checksum without the package's
// encoders: math/big for base62 (whose alphabet is 0-9a-zA-Z, so case is swapped
// to GitHub's 0-9A-Za-z) and strconv for GitLab's base36.
func independentChecksum(v string) bool {
	if strings.HasPrefix(v, "glpat-") {
		body, crc := v[:len(v)-7], v[len(v)-7:]
		want := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 36)
		dot := strings.IndexByte(body, '.')
		wantLen := strconv.FormatInt(int64(dot-len("glpat-")), 36)
		return crc == strings.Repeat("0", 7-len(want))+want && body[dot:] == ".01."+strings.Repeat("0", 2-len(wantLen))+wantLen
	}
	txt := new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(v[4:34])))).Text(62)
	swapped := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, txt)
	return v[34:] == strings.Repeat("0", 6-len(swapped))+swapped
}

func isAWS(f Format) bool { return f == AWSAccessKey || f == AWSTemporaryKey }

func compileAll(t *testing.T, ps []string) []*regexp.Regexp {
	t.Helper()
	out := make([]*regexp.Regexp, len(ps))
	for i, p := range ps {
		out[i] = regexp.MustCompile(p)
	}
	return out
}

// mutate changes one character of s, chosen by i among the characters that are
// not part of a fixed prefix, to another character of the same class.
func mutate(s string, i int) string {
	b := []byte(s)
	// Skip the format's literal prefix (up to the first 13 bytes) where possible.
	start := min(13, len(b)/3)
	for k := 0; k < len(b); k++ {
		p := start + (i*7919+k)%(len(b)-start)
		c := b[p]
		var r byte
		switch {
		case c >= '0' && c <= '9':
			r = '0' + (c-'0'+1+byte(i%8))%10
		case c >= 'a' && c <= 'z':
			r = 'a' + (c-'a'+1+byte(i%24))%26
		case c >= 'A' && c <= 'Z':
			r = 'A' + (c-'A'+1+byte(i%24))%26
		default:
			continue
		}
		if r != c {
			b[p] = r
			return string(b)
		}
	}
	panic("nothing to mutate in " + s)
}

// assertPrivateKeyParses checks that v is what it claims: an OpenSSH private key
// holding an Ed25519 key, as golang.org/x/crypto/ssh (the parser TruffleHog v3
// and most Go tools use) reads it, that it signs, and that the public key in
// the file is the seed's.
func assertPrivateKeyParses(t *testing.T, v string, sign bool) {
	t.Helper()
	blk, rest := pem.Decode([]byte(v))
	require.NotNil(t, blk)
	require.Empty(t, strings.TrimSpace(string(rest)))
	require.Equal(t, "OPENSSH PRIVATE KEY", blk.Type)
	k, err := ssh.ParseRawPrivateKey([]byte(v))
	require.NoError(t, err)
	priv, ok := k.(*ed25519.PrivateKey)
	require.True(t, ok, "an OpenSSH key of type %T", k)
	if !sign {
		return
	}
	sig := ed25519.Sign(*priv, []byte("decoy"))
	require.True(t, ed25519.Verify(priv.Public().(ed25519.PublicKey), []byte("decoy"), sig))
	signer, err := ssh.ParsePrivateKey([]byte(v))
	require.NoError(t, err)
	require.Equal(t, ssh.KeyAlgoED25519, signer.PublicKey().Type())
	for _, line := range strings.Split(strings.TrimSpace(v), "\n") {
		require.LessOrEqual(t, len(line), 70, "ssh-keygen wraps at 70 characters")
	}
}
