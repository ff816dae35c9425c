package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// Settings is the enricher binary's configuration, read from the
// environment by ConfigFromEnv.
type Settings struct {
	// NATSURL (IRISFLOW_NATS_URL). Default nats://127.0.0.1:4222.
	NATSURL string
	// DatabaseURL (IRISFLOW_DATABASE_URL). Default
	// postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable.
	DatabaseURL string
	// Migrate runs the store migrations at start (IRISFLOW_MIGRATE). Default true.
	Migrate bool
	// IrisURL (IRISFLOW_IRIS_URL). Default https://api.domaintools.com.
	IrisURL string
	// IrisUser and IrisKey (IRISFLOW_IRIS_USER, IRISFLOW_IRIS_KEY): required.
	IrisUser, IrisKey string
	// IrisAuth (IRISFLOW_IRIS_AUTH): sha256 (default), sha1 or open.
	IrisAuth iris.AuthMode
	// IrisPerMinute is the shared Iris request budget per minute
	// (IRISFLOW_IRIS_PER_MINUTE). Default 60.
	IrisPerMinute int
	// CacheTTL (IRISFLOW_CACHE_TTL, a Go duration). Default 24h.
	CacheTTL time.Duration
	// HTTPListen serves /healthz, /readyz, /metrics (IRISFLOW_HTTP_LISTEN).
	// Default 127.0.0.1:9091; "off" disables it.
	HTTPListen string
}

// ConfigFromEnv reads Settings through getenv (os.Getenv in main), applies
// the defaults and reports every invalid or missing value at once.
func ConfigFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		NATSURL:       "nats://127.0.0.1:4222",
		DatabaseURL:   "postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable",
		Migrate:       true,
		IrisURL:       "https://api.domaintools.com",
		IrisPerMinute: 60,
		CacheTTL:      24 * time.Hour,
		HTTPListen:    "127.0.0.1:9091",
	}
	var errs []error
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	str("IRISFLOW_NATS_URL", &s.NATSURL)
	str("IRISFLOW_DATABASE_URL", &s.DatabaseURL)
	str("IRISFLOW_IRIS_URL", &s.IrisURL)
	str("IRISFLOW_IRIS_USER", &s.IrisUser)
	str("IRISFLOW_IRIS_KEY", &s.IrisKey)
	str("IRISFLOW_HTTP_LISTEN", &s.HTTPListen)
	if v := strings.TrimSpace(getenv("IRISFLOW_MIGRATE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("IRISFLOW_MIGRATE=%q: want true or false", v))
		}
		s.Migrate = b
	}
	if v := strings.TrimSpace(getenv("IRISFLOW_IRIS_AUTH")); v != "" {
		m, err := iris.ParseAuthMode(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("IRISFLOW_IRIS_AUTH=%q: %v", v, err))
		}
		s.IrisAuth = m
	}
	if v := strings.TrimSpace(getenv("IRISFLOW_IRIS_PER_MINUTE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("IRISFLOW_IRIS_PER_MINUTE=%q: want a whole number > 0", v))
		}
		s.IrisPerMinute = n
	}
	if v := strings.TrimSpace(getenv("IRISFLOW_CACHE_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("IRISFLOW_CACHE_TTL=%q: want a positive duration such as 24h", v))
		}
		s.CacheTTL = d
	}
	if s.IrisUser == "" || s.IrisKey == "" {
		errs = append(errs, errors.New("IRISFLOW_IRIS_USER and IRISFLOW_IRIS_KEY are required"))
	}
	for name, u := range map[string]string{"IRISFLOW_NATS_URL": s.NATSURL, "IRISFLOW_IRIS_URL": s.IrisURL, "IRISFLOW_DATABASE_URL": s.DatabaseURL} {
		if p, err := url.Parse(u); err != nil || p.Scheme == "" {
			errs = append(errs, fmt.Errorf("%s=%q: not a URL", name, masked(u)))
		}
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("enricher configuration: %w", errors.Join(errs...))
	}
	return s, nil
}

// LogAttrs are the settings for the startup log, secrets masked.
func (s Settings) LogAttrs() []any {
	key := ""
	if s.IrisKey != "" {
		key = "****"
	}
	return []any{
		"nats_url", masked(s.NATSURL), "database_url", masked(s.DatabaseURL), "migrate", s.Migrate,
		"iris_url", s.IrisURL, "iris_user", s.IrisUser, "iris_key", key, "iris_auth", s.IrisAuth.String(),
		"iris_per_minute", s.IrisPerMinute, "cache_ttl", s.CacheTTL, "http_listen", s.HTTPListen,
	}
}

// masked hides the password of a URL.
func masked(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "****")
		return p.String()
	}
	return u
}
