package bridge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ConfigFromEnv reads the bridge's configuration from the environment
// (getenv is os.Getenv in production):
//
//	IRISFLOW_STOMP_URL                 stomp+ssl://host:65001 (required)
//	IRISFLOW_DESTINATIONS              org:name[,org:name…], e.g. 201:domaintools (required)
//	IRISFLOW_RESILIENT_API_KEY_ID      STOMP login (required)
//	IRISFLOW_RESILIENT_API_KEY_SECRET  STOMP passcode (required)
//	IRISFLOW_STOMP_CAFILE              extra CA bundle (fallback IRISFLOW_RESILIENT_CAFILE)
//	IRISFLOW_STOMP_INSECURE            "true" disables certificate verification
//	IRISFLOW_STOMP_PREFETCH            activemq.prefetchSize (default 20)
//
// NATS and Logger are left for the caller. All problems are reported at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var errs []error
	cfg := Config{
		StompURL: strings.TrimSpace(getenv("IRISFLOW_STOMP_URL")),
		Login:    getenv("IRISFLOW_RESILIENT_API_KEY_ID"),
		Passcode: getenv("IRISFLOW_RESILIENT_API_KEY_SECRET"),
		CAFile:   getenv("IRISFLOW_STOMP_CAFILE"),
	}
	if cfg.CAFile == "" {
		cfg.CAFile = getenv("IRISFLOW_RESILIENT_CAFILE")
	}
	if cfg.StompURL == "" {
		errs = append(errs, errors.New("IRISFLOW_STOMP_URL is required (e.g. stomp+ssl://soar.example.com:65001)"))
	} else if _, _, err := parseStompURL(cfg.StompURL); err != nil {
		errs = append(errs, fmt.Errorf("IRISFLOW_STOMP_URL: %w", err))
	}
	if cfg.Login == "" || cfg.Passcode == "" {
		errs = append(errs, errors.New("IRISFLOW_RESILIENT_API_KEY_ID and IRISFLOW_RESILIENT_API_KEY_SECRET are required"))
	}
	dests, err := ParseDestinations(getenv("IRISFLOW_DESTINATIONS"))
	if err != nil {
		errs = append(errs, fmt.Errorf("IRISFLOW_DESTINATIONS: %w", err))
	}
	cfg.Destinations = dests
	if v := getenv("IRISFLOW_STOMP_INSECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("IRISFLOW_STOMP_INSECURE: %q is not a boolean", v))
		}
		cfg.InsecureSkipVerify = b
	}
	if v := getenv("IRISFLOW_STOMP_PREFETCH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			errs = append(errs, fmt.Errorf("IRISFLOW_STOMP_PREFETCH: %q is not a number in 1..2000", v))
		}
		cfg.Prefetch = n
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return cfg, nil
}

// ParseDestinations parses "org:name[,org:name…]".
func ParseDestinations(s string) ([]Destination, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("at least one org:name is required (e.g. 201:domaintools)")
	}
	var out []Destination
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		orgStr, name, ok := strings.Cut(part, ":")
		org, err := strconv.ParseInt(orgStr, 10, 64)
		if !ok || err != nil || org <= 0 || name == "" || strings.ContainsAny(name, ". */>") {
			return nil, fmt.Errorf("%q is not org:name (e.g. 201:domaintools)", part)
		}
		out = append(out, Destination{Org: org, Name: name})
	}
	return out, nil
}
