package writer

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvNATSURL      = "IRISFLOW_NATS_URL"                 // default nats://127.0.0.1:4222
	EnvDatabaseURL  = "IRISFLOW_DATABASE_URL"             // required
	EnvResilientURL = "IRISFLOW_RESILIENT_URL"            // required, https://soar.example.com
	EnvAPIKeyID     = "IRISFLOW_RESILIENT_API_KEY_ID"     // required
	EnvAPIKeySecret = "IRISFLOW_RESILIENT_API_KEY_SECRET" // required, never logged
	EnvCAFile       = "IRISFLOW_RESILIENT_CAFILE"         // optional PEM bundle
	EnvDestinations = "IRISFLOW_DESTINATIONS"             // required, 201:domaintools,202:domaintools
	EnvMigrate      = "IRISFLOW_MIGRATE"                  // default true
	EnvHTTPAddr     = "IRISFLOW_HTTP_ADDR"                // default :8084; "off" disables
	EnvRate         = "IRISFLOW_WRITER_RATE"              // default 10 (requests/s per org)
	EnvConcurrency  = "IRISFLOW_WRITER_CONCURRENCY"       // default 8
)

// Defaults of Settings.
const (
	DefaultNATSURL  = "nats://127.0.0.1:4222"
	DefaultHTTPAddr = ":8084"
)

// Settings is the writer binary's configuration, read from the environment.
type Settings struct {
	// NATSURL is the NATS server. Default DefaultNATSURL.
	NATSURL string
	// DatabaseURL is the Postgres holding the write ledger. Required.
	DatabaseURL string
	// ResilientURL is SOAR's base URL. Required.
	ResilientURL string
	// APIKeyID and APIKeySecret authenticate the REST calls. Required; the
	// secret is masked in logs.
	APIKeyID, APIKeySecret string
	// CAFile is a PEM bundle of CAs trusted for SOAR's certificate. Optional.
	CAFile string
	// Orgs are the orgs written to, from the org part of each destination
	// ("201:domaintools"), without duplicates. At least one.
	Orgs []int64
	// Migrate runs the database migrations at start. Default true.
	Migrate bool
	// HTTPAddr serves /healthz, /readyz and /metrics; "" disables. Default DefaultHTTPAddr.
	HTTPAddr string
	// RatePerSecond and Concurrency are Config's (0 = Config's default).
	RatePerSecond float64
	Concurrency   int
}

// ErrEnv is returned (wrapped) by ConfigFromEnv for a missing or bad variable.
var ErrEnv = errors.New("writer: bad environment")

// ConfigFromEnv reads Settings with getenv (os.Getenv in production) and
// checks them; the error names every problem.
func ConfigFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		NATSURL:      strings.TrimSpace(getenv(EnvNATSURL)),
		DatabaseURL:  strings.TrimSpace(getenv(EnvDatabaseURL)),
		ResilientURL: strings.TrimSpace(getenv(EnvResilientURL)),
		APIKeyID:     strings.TrimSpace(getenv(EnvAPIKeyID)),
		APIKeySecret: strings.TrimSpace(getenv(EnvAPIKeySecret)),
		CAFile:       strings.TrimSpace(getenv(EnvCAFile)),
		Migrate:      true,
		HTTPAddr:     DefaultHTTPAddr,
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrEnv}, args...)...))
	}
	if s.NATSURL == "" {
		s.NATSURL = DefaultNATSURL
	}
	for _, req := range []struct{ name, v string }{
		{EnvDatabaseURL, s.DatabaseURL}, {EnvResilientURL, s.ResilientURL},
		{EnvAPIKeyID, s.APIKeyID}, {EnvAPIKeySecret, s.APIKeySecret},
	} {
		if req.v == "" {
			bad("%s is required", req.name)
		}
	}
	if s.ResilientURL != "" && !strings.HasPrefix(s.ResilientURL, "https://") && !strings.HasPrefix(s.ResilientURL, "http://") {
		bad("%s %q must be an http(s):// URL", EnvResilientURL, s.ResilientURL)
	}
	orgs, err := parseOrgs(getenv(EnvDestinations))
	if err != nil {
		bad("%s: %v", EnvDestinations, err)
	}
	s.Orgs = orgs
	if v := strings.TrimSpace(getenv(EnvMigrate)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("%s %q is not a boolean", EnvMigrate, v)
		}
		s.Migrate = b
	}
	if v := strings.TrimSpace(getenv(EnvHTTPAddr)); v != "" {
		s.HTTPAddr = v
		if strings.EqualFold(v, "off") {
			s.HTTPAddr = ""
		}
	}
	if v := strings.TrimSpace(getenv(EnvRate)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			bad("%s %q must be a positive number", EnvRate, v)
		}
		s.RatePerSecond = f
	}
	if v := strings.TrimSpace(getenv(EnvConcurrency)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			bad("%s %q must be a positive integer", EnvConcurrency, v)
		}
		s.Concurrency = n
	}
	return s, errors.Join(errs...)
}

// parseOrgs reads the orgs of "201:domaintools,202:domaintools".
func parseOrgs(v string) ([]int64, error) {
	var orgs []int64
	for d := range strings.SplitSeq(v, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		org, name, ok := strings.Cut(d, ":")
		id, err := strconv.ParseInt(strings.TrimSpace(org), 10, 64)
		if !ok || err != nil || id <= 0 || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("destination %q is not <org>:<name>", d)
		}
		if !slices.Contains(orgs, id) {
			orgs = append(orgs, id)
		}
	}
	if len(orgs) == 0 {
		return nil, errors.New("at least one destination is required")
	}
	slices.Sort(orgs)
	return orgs, nil
}

// LogValue logs the settings with the secret and any URL password masked.
func (s Settings) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("nats_url", maskURL(s.NATSURL)),
		slog.String("database_url", maskURL(s.DatabaseURL)),
		slog.String("resilient_url", s.ResilientURL),
		slog.String("api_key_id", s.APIKeyID),
		slog.String("api_key_secret", mask(s.APIKeySecret)),
		slog.String("ca_file", s.CAFile),
		slog.Any("orgs", s.Orgs),
		slog.Bool("migrate", s.Migrate),
		slog.String("http_addr", s.HTTPAddr),
		slog.Float64("rate_per_second", s.RatePerSecond),
		slog.Int("concurrency", s.Concurrency),
	)
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "********"
}

// maskURL hides the password of scheme://user:password@host URLs.
func maskURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return u
	}
	userinfo := rest[:at]
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":********" + rest[at:]
	}
	return u
}

// Clients returns the Config.Clients of these settings: one API-key client
// per configured org; other orgs are refused.
func (s Settings) Clients(log *slog.Logger) func(org int64) (*resilient.Client, error) {
	return func(org int64) (*resilient.Client, error) {
		if !slices.Contains(s.Orgs, org) {
			return nil, fmt.Errorf("org %d is not in %s", org, EnvDestinations)
		}
		return resilient.NewClient(resilient.ClientConfig{
			BaseURL:      s.ResilientURL,
			Org:          org,
			APIKeyID:     s.APIKeyID,
			APIKeySecret: s.APIKeySecret,
			CAFile:       s.CAFile,
			Logger:       log,
		})
	}
}
