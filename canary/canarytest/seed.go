package canarytest

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"
)

// documentationIPs are the default attacker addresses of a seeded estate:
// addresses from the documentation ranges (RFC 5737), so demo output never
// names a real host.
var documentationIPs = []string{"203.0.113.7", "198.51.100.23", "192.0.2.44", "203.0.113.91", "198.51.100.150", "192.0.2.200"}

// Estate describes a deception estate for Seed to create.
type Estate struct {
	// Tokens is the number of tokens, their kinds taken in turn from Kinds.
	Tokens int
	// Kinds to cycle through (repeat one to weight it); nil means every
	// kind /canarytoken/create accepts.
	Kinds []string
	// DisabledFraction of the tokens (0 to 1) are disabled.
	DisabledFraction float64
	// Age is how old the oldest token is (default one year); creation times
	// spread evenly from then until an hour ago.
	Age time.Duration
	// Incidents is the number of token incidents, spread over TriggeredTokens
	// enabled tokens (0: all enabled tokens), each at a random time after its
	// token's creation, from SourceIPs (nil: six addresses from the RFC 5737
	// documentation ranges, such as 203.0.113.7), the first addresses more
	// often than the last. The first address hits any of the tokens; each
	// other one keeps mostly to one token.
	Incidents       int
	TriggeredTokens int
	SourceIPs       []string
	// AcknowledgedFraction of the incidents (0 to 1) are acknowledged.
	AcknowledgedFraction float64
	// Flocks are flocks with Canary devices ("birds"), besides the default
	// flock; a spec named "Default Flock" (or "") adds its birds to the
	// default flock. Tokens are spread in turn over the default flock and
	// every flock without NoTokens.
	Flocks []FlockSpec
	// AsOf is the moment the estate is built up to (default: the server
	// clock's now). Fixing it, e.g. to the start of the day, keeps incident
	// keys (which embed the incident's epoch) the same across runs.
	AsOf time.Time
}

// Summary counts what Seed created.
type Summary struct {
	Tokens, Disabled, Incidents, Acknowledged int
	// TokenIDs are the new tokens, in creation order.
	TokenIDs []string
}

// DemoEstate is the estate canary-agent --demo runs against: 42 tokens of
// 20 kinds over 18 months, including eight of the ten
// canary.RecommendedKinds (qr-code and windows-dir are missing, so a
// coverage report has gaps to show), a few disabled, 75 incidents on 9 of
// them from six documentation-range addresses, 40% acknowledged; and nine
// birds in five flocks: two dead (one for nine days, one for 30 hours),
// two behind on updates, a flock with no birds ("Staging") and one with a
// bird but no tokens ("Branch Offices").
func DemoEstate() Estate {
	return Estate{
		Tokens: 42,
		Kinds: []string{
			"http", "aws-id", "dns", "doc-msword", "pdf-acrobat-reader", "web-image", "cloned-web", "sensitive-cmd",
			"aws-id", "http", "doc-msexcel", "slack-api", "wireguard", "mysql-dump", "fast-redirect",
			"doc-msword", "azure-id", "credit-card", "msword-macro", "active-directory-login", "aws-s3",
			"cloned-css", "signed-exe", "dns", "aws-id",
		},
		DisabledFraction:     0.1,
		Age:                  540 * 24 * time.Hour,
		Incidents:            75,
		TriggeredTokens:      9,
		AcknowledgedFraction: 0.4,
		Flocks: []FlockSpec{
			{Name: "Default Flock", Birds: []BirdSpec{
				{Name: "SRV-FILE01", Personality: "windows-fileshare"},
				{Name: "DC-DECOY", Personality: "windows-dc"},
				{Name: "NAS-BACKUP", Personality: "synology-nas", Version: "4.1.0"},
			}},
			{Name: "London Office", Birds: []BirdSpec{
				{Name: "LON-PRINTER", Personality: "hp-printer"},
				{Name: "LON-SQL", Personality: "linux-db", Version: "3.9.2", Dead: true, DownFor: 9 * 24 * time.Hour},
			}},
			{Name: "Datacentre EU", Birds: []BirdSpec{
				{Name: "EU-SCADA", Personality: "scada-plc"},
				{Name: "EU-JUMPHOST", Personality: "linux-ssh", Dead: true, DownFor: 30 * time.Hour},
				{Name: "EU-SWITCH", Personality: "cisco-switch", Version: "4.0.3"},
			}},
			{Name: "Staging"},
			{Name: "Branch Offices", NoTokens: true, Birds: []BirdSpec{
				{Name: "BR-NAS", Personality: "synology-nas"},
			}},
		},
	}
}

func (e *Estate) check() error {
	var errs []error
	if e.Tokens < 0 || e.Incidents < 0 || e.TriggeredTokens < 0 {
		errs = append(errs, errors.New("negative Tokens, Incidents or TriggeredTokens"))
	}
	for _, f := range []float64{e.DisabledFraction, e.AcknowledgedFraction} {
		if f < 0 || f > 1 {
			errs = append(errs, errors.New("fractions (DisabledFraction, AcknowledgedFraction) must be between 0 and 1"))
			break
		}
	}
	for _, k := range e.Kinds {
		if ki, ok := kinds[k]; !ok || ki.flow {
			errs = append(errs, fmt.Errorf("kind %q cannot be created through /canarytoken/create", k))
		}
	}
	for _, f := range e.Flocks {
		for _, b := range f.Birds {
			if strings.TrimSpace(b.Name) == "" {
				errs = append(errs, fmt.Errorf("a bird of flock %q has no name", f.Name))
			}
			if b.IP != "" && net.ParseIP(b.IP) == nil {
				errs = append(errs, fmt.Errorf("bird %q: %q is not an IP address", b.Name, b.IP))
			}
			if b.DownFor < 0 {
				errs = append(errs, fmt.Errorf("bird %q: negative DownFor", b.Name))
			}
		}
	}
	for _, ip := range e.SourceIPs {
		if net.ParseIP(ip) == nil {
			errs = append(errs, fmt.Errorf("source %q is not an IP address", ip))
		}
	}
	if e.Incidents > 0 && (e.Tokens == 0 || e.DisabledFraction >= 1) {
		errs = append(errs, errors.New("incidents need enabled tokens: set Tokens and a DisabledFraction below 1"))
	}
	if e.Age < 0 {
		errs = append(errs, errors.New("negative Age"))
	}
	return errors.Join(errs...)
}

// creatableKinds are the kinds /canarytoken/create accepts, sorted.
func creatableKinds() []string {
	var ks []string
	for k, ki := range kinds {
		if !ki.flow {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

// Seed adds an estate: tokens of mixed kinds, some disabled, and incidents
// on some of them, some acknowledged. The result depends only on e, the
// server's seed (WithSeed) and its clock, so tests can rely on it. Seeding
// 10,000 tokens and 100,000 incidents takes well under a second.
func (s *Server) Seed(e Estate) (Summary, error) {
	if err := e.check(); err != nil {
		return Summary{}, fmt.Errorf("canarytest: Seed: %w", err)
	}
	ks := e.Kinds
	if len(ks) == 0 {
		ks = creatableKinds()
	}
	ips := e.SourceIPs
	if len(ips) == 0 {
		ips = documentationIPs
	}
	age := e.Age
	if age == 0 {
		age = 365 * 24 * time.Hour
	}
	now := s.now()
	if !e.AsOf.IsZero() {
		now = e.AsOf.UTC()
	}
	var sum Summary
	s.withWrite(func(st *state) {
		flocks := st.seedFlocks(e.Flocks, now)
		oldest := now.Add(-age)
		span := max(age-time.Hour, time.Second)
		var enabled []*token
		for i := range e.Tokens {
			kind := ks[i%len(ks)]
			created := oldest.Add(time.Duration(float64(span) * float64(i) / float64(max(e.Tokens, 1))))
			sp := &tokenSpec{kind: kind, memo: demoMemo(kind, i), params: demoParams(kind, i), created: created,
				disabled: st.rng.Float64() < e.DisabledFraction, flockID: flocks[i%len(flocks)]}
			if f := kinds[kind].upload; f != "" && kinds[kind].uploadRequired {
				sp.file = demoUpload(f, i)
			}
			t := s.newToken(st, sp)
			sum.Tokens++
			sum.TokenIDs = append(sum.TokenIDs, t.id)
			if t.enabled {
				enabled = append(enabled, t)
			} else {
				sum.Disabled++
			}
		}
		if e.Incidents == 0 || len(enabled) == 0 {
			return
		}
		targets := enabled
		if n := e.TriggeredTokens; n > 0 && n < len(enabled) {
			// A deterministic choice of n tokens.
			perm := st.rng.Perm(len(enabled))[:n]
			slices.Sort(perm)
			targets = make([]*token, n)
			for i, p := range perm {
				targets[i] = enabled[p]
			}
		}
		type hit struct {
			t   *token
			src string
			at  time.Time
			ua  int
		}
		hits := make([]hit, e.Incidents)
		for i := range hits {
			// The busiest address roams over every triggered token, like an
			// intruder working through the estate; each other address keeps
			// to one token (now and then a second), like a scanner or a
			// curious insider.
			r := st.rng.Float64()
			k := int(float64(len(ips)) * r * r)
			src := ips[k]
			t := targets[st.rng.IntN(len(targets))]
			if k > 0 {
				home := k * 7
				if st.rng.Float64() < 0.03 {
					home++
				}
				t = targets[home%len(targets)]
			}
			window := now.Sub(t.created)
			at := t.created.Add(time.Duration(st.rng.Float64() * float64(window)))
			hits[i] = hit{t: t, src: src, at: at.Truncate(time.Second), ua: st.rng.IntN(len(userAgents))}
		}
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
		st.incs = slices.Grow(st.incs, len(hits))
		for _, h := range hits {
			inc := s.newIncident(st, h.t, h.src, h.at, h.ua)
			if st.rng.Float64() < e.AcknowledgedFraction {
				inc.acked = true
				sum.Acknowledged++
			}
			st.addIncident(inc)
			sum.Incidents++
		}
	})
	return sum, nil
}

var hosts = []string{"build-01", "fin-share", "dc02", "jump-eu", "hr-laptop-17", "web-prod-3", "backup-nas", "dev-vm-22"}

func demoMemo(kind string, i int) string {
	h := hosts[i%len(hosts)]
	switch kind {
	case "aws-id":
		return "AWS keys in ~/.aws/credentials on " + h
	case "http":
		return "Web bug in the intranet wiki page 'Salaries 2026' (" + h + ")"
	case "dns":
		return "DNS name in /etc/hosts comment on " + h
	case "doc-msword", "msword-macro":
		return "Board pack Q3.docx on \\\\" + h + "\\shared"
	case "doc-msexcel":
		return "Payroll export.xlsx on \\\\" + h + "\\finance"
	case "pdf-acrobat-reader":
		return "Network diagram.pdf in the IT share on " + h
	case "web-image":
		return "Logo image on the staging site served by " + h
	case "cloned-web":
		return "Cloned login page check for intranet.example.com"
	case "sensitive-cmd":
		return "klist.exe run on " + h
	case "slack-api":
		return "Slack bot token in the deploy script on " + h
	case "wireguard":
		return "WireGuard config in the admin's home on " + h
	case "mysql-dump":
		return "customers.sql dump on " + h
	case "fast-redirect", "slow-redirect":
		return "Redirect link in the helpdesk FAQ"
	}
	return kinds[kind].desc + " token on " + h
}

func demoParams(kind string, i int) map[string]string {
	switch kind {
	case "cloned-web":
		return map[string]string{"cloned_web": "intranet.example.com"}
	case "fast-redirect", "slow-redirect":
		return map[string]string{"browser_redirect_url": "https://www.example.com/help"}
	case "sensitive-cmd":
		return map[string]string{"process_name": "klist.exe"}
	case "aws-s3":
		return map[string]string{"s3_source_bucket": fmt.Sprintf("acme-backups-%d", i), "s3_log_bucket": "acme-s3-logs"}
	case "azure-id":
		return map[string]string{"azure_id_cert_file_name": "azure-prod.pem"}
	case "active-directory-login":
		return map[string]string{"tokened_usernames": "svc-backup,adm-jsmith"}
	case "idp-app":
		return map[string]string{"idp_app_type": "github"}
	case "pwa":
		return map[string]string{"pwa_app_name": "Acme Wallet", "pwa_icon": "bank"}
	}
	return map[string]string{}
}

func demoUpload(field string, i int) *storedFile {
	switch field {
	case "web_image":
		return &storedFile{name: "logo.png", contentType: "image/png", data: qrPNG(fmt.Sprint("seed-image-", i))}
	case "exe":
		return &storedFile{name: "setup.exe", contentType: "application/x-msdownload", data: append([]byte("MZ"), make([]byte, 126)...)}
	}
	return nil
}
