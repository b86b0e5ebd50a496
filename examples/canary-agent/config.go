package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/ini.v1"
)

// Where the Console and the auth token come from, first match wins:
//
//	Console: --console or --base-url; $CANARY_CONSOLE or $CANARY_BASE_URL;
//	         $CANARY_API_DOMAIN (the official Python client's variable);
//	         the domain in canarytools.config.
//	Token:   --auth-token, --auth-token - (stdin) or --auth-token-file;
//	         $CANARY_AUTH_TOKEN; $CANARY_API_TOKEN (the official client's);
//	         the api_key in canarytools.config.
//
// canarytools.config is the INI file the Console offers for download
// (section [CanaryTools], keys domain and api_key). Like Thinkst's
// canarytools-python (Console.read_config), the agent reads the first of
// ~/.canarytools.config, ~/canarytools.config and /etc/canarytools.config
// that has both keys, or the file --config names. The file's api_key is
// used only with its own domain: it is never sent to a Console named
// elsewhere.

// configPaths are the places the official client reads, in its order.
func configPaths(getenv func(string) string) []string {
	var ps []string
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home != "" {
		ps = append(ps, filepath.Join(home, ".canarytools.config"), filepath.Join(home, "canarytools.config"))
	}
	return append(ps, "/etc/canarytools.config")
}

// consoleConfig is a canarytools.config: a domain and its API key.
type consoleConfig struct {
	path, domain, apiKey string
}

// readConfig reads one canarytools.config. ok is false when the file does
// not exist or lacks either key.
func readConfig(path string) (cfg consoleConfig, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, false, nil
	}
	if err != nil {
		return cfg, false, usagef("reading %s: %v", path, pathError(err))
	}
	f, err := ini.LoadSources(ini.LoadOptions{Insensitive: true}, b)
	if err != nil {
		return cfg, false, usagef("%s is not a canarytools.config INI file (section [CanaryTools], keys domain and api_key)", path)
	}
	sec, err := f.GetSection("canarytools")
	if err != nil {
		return cfg, false, nil
	}
	cfg = consoleConfig{path: path, domain: strings.TrimSpace(sec.Key("domain").String()),
		apiKey: strings.TrimSpace(sec.Key("api_key").String())}
	return cfg, cfg.domain != "" && cfg.apiKey != "", nil
}

// findConfig returns the first canarytools.config with both keys: the one
// --config names (which must exist and have them), or the first of
// configPaths.
func findConfig(explicit string, getenv func(string) string) (*consoleConfig, error) {
	if explicit != "" {
		cfg, ok, err := readConfig(explicit)
		switch {
		case err != nil:
			return nil, err
		case !ok && cfg.path == "":
			return nil, usagef("--config %s: no such file", explicit)
		case !ok:
			return nil, usagef("--config %s: needs a [CanaryTools] section with domain and api_key", explicit)
		}
		return &cfg, nil
	}
	for _, p := range configPaths(getenv) {
		cfg, ok, err := readConfig(p)
		if err != nil {
			return nil, err
		}
		if ok {
			return &cfg, nil
		}
	}
	return nil, nil
}

// credentials is where the client connects and with what.
type credentials struct {
	console, baseURL, token string
}

// resolveCredentials applies the order above. stdin is read only for
// --auth-token -.
func resolveCredentials(g *globals, stdin io.Reader, getenv func(string) string) (credentials, error) {
	var c credentials
	switch {
	case g.console != "" && g.baseURL != "":
		return c, usagef("give --console or --base-url, not both")
	case g.console != "" || g.baseURL != "":
		c.console, c.baseURL = g.console, g.baseURL
	case getenv("CANARY_CONSOLE") != "" && getenv("CANARY_BASE_URL") != "":
		return c, usagef("set CANARY_CONSOLE or CANARY_BASE_URL, not both")
	case getenv("CANARY_CONSOLE") != "" || getenv("CANARY_BASE_URL") != "":
		c.console, c.baseURL = getenv("CANARY_CONSOLE"), getenv("CANARY_BASE_URL")
	case getenv("CANARY_API_DOMAIN") != "":
		c.console = getenv("CANARY_API_DOMAIN")
	}

	switch {
	case g.authToken != "" && g.authTokenFile != "":
		return c, usagef("give --auth-token or --auth-token-file, not both")
	case g.authToken == "-":
		tok, err := readSecret(stdin, "--auth-token - (stdin)")
		if err != nil {
			return c, err
		}
		c.token = tok
	case g.authToken != "":
		c.token = g.authToken
	case g.authTokenFile != "":
		f, err := os.Open(g.authTokenFile)
		if err != nil {
			return c, usagef("--auth-token-file: %v", pathError(err))
		}
		defer f.Close()
		tok, err := readSecret(f, "--auth-token-file "+g.authTokenFile)
		if err != nil {
			return c, err
		}
		c.token = tok
	case getenv("CANARY_AUTH_TOKEN") != "":
		c.token = getenv("CANARY_AUTH_TOKEN")
	case getenv("CANARY_API_TOKEN") != "":
		c.token = getenv("CANARY_API_TOKEN")
	}
	if c.console != "" && c.token != "" || c.baseURL != "" && c.token != "" {
		return c, nil
	}

	cfg, err := findConfig(g.config, getenv)
	if err != nil || cfg == nil {
		return c, err
	}
	switch {
	case c.console == "" && c.baseURL == "":
		c.console = cfg.domain
		if c.token == "" {
			c.token = cfg.apiKey
		}
	case c.token == "" && strings.EqualFold(c.console, cfg.domain):
		c.token = cfg.apiKey
	}
	return c, nil
}

// readSecret reads a token from the first line of r, without the line end
// and surrounding blanks. The token never appears in an error.
func readSecret(r io.Reader, from string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", usagef("reading the auth token from %s: %v", from, err)
	}
	tok := strings.TrimSpace(line)
	if tok == "" {
		return "", usagef("no auth token in %s", from)
	}
	return tok, nil
}

// pathError is an os error without the Go type names: "open x: no such
// file or directory".
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s %s: %v", pe.Op, pe.Path, pe.Err)
	}
	return err.Error()
}
