package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Service names.
const (
	ServiceBridge   = "bridge"
	ServiceEnricher = "enricher"
	ServicePivoter  = "pivoter"
	ServiceWriter   = "writer"
)

// AllServices is every service, in start order.
var AllServices = []string{ServiceBridge, ServiceEnricher, ServicePivoter, ServiceWriter}

// Load reads the YAML file at path (none when path is ""), applies the
// IRISFLOW_* variables from getenv (os.Getenv when nil), fills the defaults
// and validates the result for the services it runs.
func Load(path string, getenv func(string) string) (*Config, error) {
	return load(path, getenv, nil)
}

// LoadCommand is Load for a command that runs no service (irisflow
// history, pivots, migrate, iris): the same file and IRISFLOW_* variables
// as irisflow run, but only what every process needs (the database, NATS)
// is validated, not the settings of the services.
func LoadCommand(path string, getenv func(string) string) (*Config, error) {
	return load(path, getenv, []string{})
}

// load is Load; services, when not nil, replaces the services validated.
func load(path string, getenv func(string) string, services []string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true) // a misspelt key is an error, not a silent default
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	envErr := c.applyEnv(getenv)
	appErr := c.applyAppConfig(path, getenv) // fills only what irisflow's own settings left empty
	c.Defaults()
	if services != nil {
		c.Services = services
	}
	if err := errors.Join(envErr, appErr, c.Validate()); err != nil {
		return nil, err // every problem at once
	}
	return &c, nil
}

// LoadFor is Load for a process that runs only service (a standalone
// service binary): IRISFLOW_SERVICES and the file's services are ignored,
// and only what service needs is validated.
func LoadFor(service, path string, getenv func(string) string) (*Config, error) {
	if !slices.Contains(AllServices, service) {
		return nil, fmt.Errorf("config: unknown service %q (want one of %s)", service, strings.Join(AllServices, ", "))
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	only := func(k string) string {
		if k == "IRISFLOW_SERVICES" {
			return service
		}
		return getenv(k)
	}
	return Load(path, only)
}

func (c *Config) applyEnv(getenv func(string) string) error {
	var errs []error
	str := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	num := func(dst *int, name string) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a number", name, v))
				return
			}
			*dst = n
		}
	}
	dur := func(dst *time.Duration, name string) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a duration (e.g. 24h, 90s)", name, v))
				return
			}
			*dst = d
		}
	}
	boolean := func(dst **bool, name string) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not true or false", name, v))
				return
			}
			*dst = &b
		}
	}
	str(&c.Console.Listen, "IRISFLOW_CONSOLE_LISTEN")
	str(&c.Console.Token, "IRISFLOW_CONSOLE_TOKEN")
	str(&c.DatabaseURL, "IRISFLOW_DATABASE_URL")
	boolean(&c.Migrate, "IRISFLOW_MIGRATE")
	str(&c.NATSURL, "IRISFLOW_NATS_URL")
	str(&c.NATSDataDir, "IRISFLOW_NATS_DATA_DIR")
	num(&c.StreamReplicas, "IRISFLOW_STREAM_REPLICAS")
	str(&c.HTTPListen, "IRISFLOW_HTTP_LISTEN")
	str(&c.DebugListen, "IRISFLOW_DEBUG_LISTEN")
	if v := getenv("IRISFLOW_SERVICES"); v != "" {
		c.Services = splitList(v)
	}
	str(&c.STOMP.URL, "IRISFLOW_STOMP_URL")
	str(&c.STOMP.CAFile, "IRISFLOW_STOMP_CAFILE")
	if v := getenv("IRISFLOW_DESTINATIONS"); v != "" {
		ds, err := ParseDestinations(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("IRISFLOW_DESTINATIONS: %w", err))
		}
		c.STOMP.Destinations = ds
	}
	str(&c.Resilient.URL, "IRISFLOW_RESILIENT_URL")
	str(&c.Resilient.APIKeyID, "IRISFLOW_RESILIENT_API_KEY_ID")
	str(&c.Resilient.APIKeySecret, "IRISFLOW_RESILIENT_API_KEY_SECRET")
	str(&c.Resilient.Email, "IRISFLOW_RESILIENT_EMAIL")
	str(&c.Resilient.Password, "IRISFLOW_RESILIENT_PASSWORD")
	str(&c.Resilient.CAFile, "IRISFLOW_RESILIENT_CAFILE")
	str(&c.AppConfig, "IRISFLOW_APP_CONFIG")
	str(&c.Iris.URL, "IRISFLOW_IRIS_URL")
	str(&c.Iris.User, "IRISFLOW_IRIS_USER")
	str(&c.Iris.Key, "IRISFLOW_IRIS_KEY")
	str(&c.Iris.Auth, "IRISFLOW_IRIS_AUTH")
	num(&c.Iris.PerMinute, "IRISFLOW_IRIS_PER_MINUTE")
	num(&c.Iris.PerHour, "IRISFLOW_IRIS_PER_HOUR")
	num(&c.Iris.PerMonth, "IRISFLOW_IRIS_PER_MONTH")
	dur(&c.Enricher.CacheTTL, "IRISFLOW_CACHE_TTL")
	boolean(&c.Playbook.Automatic, "IRISFLOW_AUTOMATIC")
	boolean(&c.Playbook.AutoPivot, "IRISFLOW_AUTOPIVOT")
	num(&c.Playbook.RiskThreshold, "IRISFLOW_RISK_THRESHOLD")
	num(&c.Playbook.PivotThreshold, "IRISFLOW_PIVOT_THRESHOLD")
	if v := getenv("IRISFLOW_AUTOPIVOT_TYPES"); v != "" {
		c.Playbook.PivotTypes = splitList(v)
	}
	if v := getenv("IRISFLOW_TAGS"); v != "" {
		c.Playbook.Tags = splitList(v)
	}
	if len(errs) > 0 {
		return fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return nil
}

// ParseDestinations parses "201:domaintools,202:domaintools".
func ParseDestinations(s string) ([]Destination, error) {
	var out []Destination
	for _, part := range splitList(s) {
		org, name, ok := strings.Cut(part, ":")
		id, err := strconv.ParseInt(strings.TrimSpace(org), 10, 64)
		if !ok || err != nil || id <= 0 || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%q is not ORG_ID:DESTINATION (e.g. 201:domaintools)", part)
		}
		out = append(out, Destination{Org: id, Name: strings.TrimSpace(name)})
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
