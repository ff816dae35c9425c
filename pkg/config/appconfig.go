package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// AppConfigNone as app_config / IRISFLOW_APP_CONFIG reads no app.config,
// not even the default one.
const AppConfigNone = "none"

// The message destination of the DomainTools app (fn_domaintools), which
// irisflow answers in place of resilient-circuits.
const appDestination = "domaintools"

// appConfig is what irisflow takes from a resilient-circuits app.config:
// [resilient] host, port, resource_prefix, api_key_id, api_key_secret,
// email, password, org, cafile, stomp_host, stomp_port, stomp_cafile,
// stomp_prefetch_limit, and [fn_domaintools] dt_api_user_name, dt_api_key.
// Every other key (logdir, num_workers, stomp_params, other apps' sections)
// is ignored.
type appConfig struct {
	path                   string
	restURL, stompURL      string
	apiKeyID, apiKeySecret string
	email, password        string
	org                    string
	caFile, stompCAFile    string
	insecure               bool // cafile=false
	prefetch               int
	irisUser, irisKey      string
}

// appConfigPath is the app.config to read: app_config / IRISFLOW_APP_CONFIG
// (already in c), else — only when no irisflow file is given —
// $APP_CONFIG_FILE (resilient-circuits' own variable), else
// ~/.resilient/app.config when it exists. "" reads none.
func (c *Config) appConfigPath(file string, getenv func(string) string) (string, error) {
	if c.AppConfig == AppConfigNone {
		return "", nil
	}
	if c.AppConfig != "" {
		return expandHome(c.AppConfig, getenv), nil
	}
	if file != "" {
		return "", nil
	}
	if v := getenv("APP_CONFIG_FILE"); v != "" {
		return expandHome(v, getenv), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", nil
	}
	p := filepath.Join(home, ".resilient", "app.config")
	if _, err := os.Stat(p); err != nil {
		return "", nil // the default is used only when it exists
	}
	return p, nil
}

// applyAppConfig reads the app.config (see appConfigPath) and fills what
// irisflow's own settings left empty. It records the file read in
// c.AppConfig. Every bad value is reported at once, named by section and key.
func (c *Config) applyAppConfig(file string, getenv func(string) string) error {
	path, err := c.appConfigPath(file, getenv)
	if err != nil || path == "" {
		return err
	}
	a, err := readAppConfig(path, getenv)
	if err != nil {
		return err
	}
	c.AppConfig = path
	return c.fillFromApp(a)
}

func readAppConfig(path string, getenv func(string) string) (*appConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("app.config: %w", err)
	}
	defer f.Close()
	doc, err := parseINI(f)
	if err != nil {
		return nil, fmt.Errorf("app.config %s: %w", path, err)
	}
	if _, ok := doc["resilient"]; !ok {
		return nil, fmt.Errorf("app.config %s: no [resilient] section (is it resilient-circuits' app.config?)", path)
	}
	a := &appConfig{path: path}
	var errs []error
	bad := func(section, key string, v iniValue, why string) {
		errs = append(errs, fmt.Errorf("app.config %s:%d [%s] %s: %s", path, v.line, section, key, why))
	}
	// str reads a value, resolving resilient's "$VAR" / "${VAR}" references;
	// a secret's value never appears in an error.
	str := func(section, key string, secret bool) string {
		v, ok := doc.get(section, key)
		if !ok {
			return ""
		}
		s := v.text
		switch {
		case strings.HasPrefix(s, "$"):
			name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "$"), "{"), "}")
			if s = getenv(name); s == "" {
				bad(section, key, v, fmt.Sprintf("refers to the environment variable %s, which is not set", name))
			}
		case strings.HasPrefix(s, "^"):
			bad(section, key, v, "is a keyring reference, which irisflow does not read; set the value in the file or as an environment variable ($NAME)")
			return ""
		case strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">"):
			if secret {
				bad(section, key, v, "is still the template's placeholder; fill it in")
			} else {
				bad(section, key, v, fmt.Sprintf("%q is still the template's placeholder; fill it in", s))
			}
			return ""
		}
		return s
	}
	port := func(key string, def int) int {
		v, ok := doc.get("resilient", key)
		if !ok {
			return def
		}
		n, err := strconv.Atoi(str("resilient", key, false))
		if err != nil || n < 1 || n > 65535 {
			bad("resilient", key, v, fmt.Sprintf("%q is not a port number (1..65535)", v.text))
			return def
		}
		return n
	}
	host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(str("resilient", "host", false), "https://"), "http://"), "/")
	if host != "" {
		p := port("port", 443)
		a.restURL = "https://" + hostPort(host, p, 443) + strings.TrimSuffix(str("resilient", "resource_prefix", false), "/")
		stompHost := strings.TrimSuffix(strings.TrimPrefix(str("resilient", "stomp_host", false), "https://"), "/")
		if stompHost == "" {
			stompHost = host
		}
		a.stompURL = "stomp+ssl://" + net.JoinHostPort(stompHost, strconv.Itoa(port("stomp_port", 65001)))
	}
	a.apiKeyID = str("resilient", "api_key_id", false)
	a.apiKeySecret = str("resilient", "api_key_secret", true)
	a.email = str("resilient", "email", false)
	a.password = str("resilient", "password", true)
	a.org = str("resilient", "org", false)
	if v, ok := doc.get("resilient", "cafile"); ok {
		switch s := str("resilient", "cafile", false); strings.ToLower(s) {
		case "false":
			a.insecure = true
		case "true", "":
		default:
			a.caFile = expandHome(s, getenv)
			if _, err := os.Stat(a.caFile); err != nil {
				bad("resilient", "cafile", v, fmt.Sprintf("%s: %v (a PEM file of the CA, or false to skip verification)", a.caFile, errors.Unwrap(err)))
			}
		}
	}
	if v, ok := doc.get("resilient", "stomp_cafile"); ok {
		a.stompCAFile = expandHome(str("resilient", "stomp_cafile", false), getenv)
		if _, err := os.Stat(a.stompCAFile); err != nil {
			bad("resilient", "stomp_cafile", v, fmt.Sprintf("%s: %v", a.stompCAFile, errors.Unwrap(err)))
		}
	}
	if v, ok := doc.get("resilient", "stomp_prefetch_limit"); ok {
		n, err := strconv.Atoi(str("resilient", "stomp_prefetch_limit", false))
		if err != nil || n < 1 {
			bad("resilient", "stomp_prefetch_limit", v, fmt.Sprintf("%q is not a positive number", v.text))
		}
		a.prefetch = n
	}
	a.irisUser = str("fn_domaintools", "dt_api_user_name", false)
	a.irisKey = str("fn_domaintools", "dt_api_key", true)
	if (a.apiKeyID == "") != (a.apiKeySecret == "") {
		errs = append(errs, fmt.Errorf("app.config %s [resilient]: api_key_id and api_key_secret go together; one is missing", path))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

// fillFromApp fills the fields irisflow's own settings left empty.
func (c *Config) fillFromApp(a *appConfig) error {
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	set(&c.Resilient.URL, a.restURL)
	set(&c.STOMP.URL, a.stompURL)
	// Credentials go as a pair, and only when irisflow has none of its own.
	if c.Resilient.APIKeyID == "" && c.Resilient.APIKeySecret == "" && c.Resilient.Email == "" && c.Resilient.Password == "" {
		c.Resilient.APIKeyID, c.Resilient.APIKeySecret = a.apiKeyID, a.apiKeySecret
		if a.apiKeyID == "" {
			c.Resilient.Email, c.Resilient.Password = a.email, a.password
		}
	}
	if c.Resilient.CAFile == "" && !c.Resilient.Insecure {
		c.Resilient.CAFile, c.Resilient.Insecure = a.caFile, a.insecure
	}
	if c.STOMP.CAFile == "" && !c.STOMP.InsecureSkipVerify {
		c.STOMP.CAFile = a.stompCAFile
		// cafile=false turns verification off for STOMP too, unless irisflow names a CA.
		c.STOMP.InsecureSkipVerify = a.stompCAFile == "" && a.insecure && c.Resilient.CAFile == ""
	}
	if c.STOMP.Prefetch == 0 {
		c.STOMP.Prefetch = a.prefetch
	}
	if c.Iris.User == "" && c.Iris.Key == "" {
		c.Iris.User, c.Iris.Key = a.irisUser, a.irisKey
	}
	if len(c.STOMP.Destinations) > 0 || a.org == "" {
		return nil
	}
	if id, err := strconv.ParseInt(a.org, 10, 64); err == nil && id > 0 {
		c.STOMP.Destinations = []Destination{{Org: id, Name: appDestination}}
		return nil
	}
	// resilient-circuits names the org; irisflow subscribes by its id.
	id, err := resolveOrg(c.Resilient, a.org)
	if err != nil {
		return fmt.Errorf("app.config %s [resilient] org=%q: %w (or set stomp.destinations / IRISFLOW_DESTINATIONS, e.g. 201:domaintools)", a.path, a.org, err)
	}
	c.STOMP.Destinations = []Destination{{Org: id, Name: appDestination}}
	return nil
}

func hostPort(host string, port, def int) string {
	if port == def {
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

func expandHome(p string, getenv func(string) string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, rest)
		}
	}
	return p
}
