// Package config is irisflow's configuration: one struct with documented
// defaults, read from a YAML file and overridden by IRISFLOW_* environment
// variables, validated at start with messages that say what to fix, and
// printable with every secret masked.
package config

import (
	"fmt"
	"time"
)

// Config is the whole configuration of an irisflow process. Every field
// documents its default; the zero Config plus Defaults() is a valid local
// set-up except for the Resilient and Iris credentials.
type Config struct {
	// DatabaseURL is the PostgreSQL URL (IRISFLOW_DATABASE_URL).
	// Default postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable.
	DatabaseURL string `yaml:"database_url"`
	// Migrate applies the SQL migrations at start (IRISFLOW_MIGRATE). Default
	// true; turn off when operators migrate separately with `irisflow migrate`.
	Migrate *bool `yaml:"migrate"`
	// NATSURL is the NATS server with JetStream (IRISFLOW_NATS_URL).
	// Default nats://127.0.0.1:4222. "embedded" runs a single-node JetStream
	// server inside the process, its data in NATSDataDir.
	NATSURL string `yaml:"nats_url"`
	// NATSDataDir is the embedded server's JetStream store
	// (IRISFLOW_NATS_DATA_DIR). Required with nats_url: embedded.
	NATSDataDir string `yaml:"nats_data_dir"`
	// StreamReplicas of each JetStream stream. Default 1; 3 on a cluster.
	StreamReplicas int `yaml:"stream_replicas"`
	// HTTPListen serves /healthz, /readyz and /metrics (IRISFLOW_HTTP_LISTEN).
	// Default 127.0.0.1:9090; "off" disables it.
	HTTPListen string `yaml:"http_listen"`
	// DebugListen serves Go's pprof profiles under /debug/pprof/
	// (IRISFLOW_DEBUG_LISTEN), e.g. 127.0.0.1:6060. Default off: profiles
	// show internals, so keep it on the loopback.
	DebugListen string `yaml:"debug_listen"`
	// AppConfig is a resilient-circuits app.config to take the Resilient
	// connection and the DomainTools credentials from (IRISFLOW_APP_CONFIG,
	// `irisflow run --app-config`); every irisflow setting overrides it.
	// Default: $APP_CONFIG_FILE, else ~/.resilient/app.config when it exists
	// and no irisflow configuration file is given; "none" reads none.
	AppConfig string `yaml:"app_config"`
	// Services lists the services this process runs (IRISFLOW_SERVICES,
	// comma separated). Default all four: bridge, enricher, pivoter, writer.
	Services []string `yaml:"services"`

	STOMP     STOMP     `yaml:"stomp"`
	Resilient Resilient `yaml:"resilient"`
	Iris      Iris      `yaml:"iris"`
	Enricher  Enricher  `yaml:"enricher"`
	Pivoter   Pivoter   `yaml:"pivoter"`
	Writer    Writer    `yaml:"writer"`
	// Console is the analysts' web console (irisflow console).
	Console Console `yaml:"console"`
	// Playbook is the automatic playbook of every org, unless Orgs overrides it.
	Playbook Playbook `yaml:"playbook"`
	// Orgs overrides the playbook per Resilient org id.
	Orgs map[int64]Playbook `yaml:"orgs"`
	// Functions maps function API names of an installation whose names differ
	// from the defaults to irisflow kinds (profile, format, risk, tags,
	// pivots.discover, pivots.execute, pivots.auto). Default none.
	Functions map[string]string `yaml:"functions"`
}

// STOMP is the bridge's connection to Resilient's message destinations.
type STOMP struct {
	// URL of the broker (IRISFLOW_STOMP_URL): stomp+ssl://soar.example.com:65001
	// (TLS, verified), or stomp://127.0.0.1:61613 for a plain local broker.
	// Required when the bridge runs.
	URL string `yaml:"url"`
	// CAFile verifies the broker's certificate (IRISFLOW_STOMP_CAFILE, falling
	// back to IRISFLOW_RESILIENT_CAFILE). Default: the system roots.
	CAFile string `yaml:"cafile"`
	// InsecureSkipVerify turns certificate verification off. Default false.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
	// Destinations are org id and message destination pairs
	// (IRISFLOW_DESTINATIONS, e.g. "201:domaintools,202:domaintools").
	// Default 201:domaintools.
	Destinations []Destination `yaml:"destinations"`
	// Prefetch is activemq.prefetchSize per subscription. Default 20.
	Prefetch int `yaml:"prefetch"`
	// HeartBeat is the STOMP heart-beat interval. Default 5s: a dead link is noticed within about 1.5 of them.
	HeartBeat time.Duration `yaml:"heartbeat"`
}

// Destination is one Resilient message destination of one org.
type Destination struct {
	Org  int64  `yaml:"org"`
	Name string `yaml:"name"`
}

func (d Destination) String() string { return fmt.Sprintf("%d:%s", d.Org, d.Name) }

// Resilient is the REST side of IBM SOAR, used by the writer.
type Resilient struct {
	// URL is the REST base (IRISFLOW_RESILIENT_URL), e.g. https://soar.example.com.
	// Required when the writer runs.
	URL string `yaml:"url"`
	// APIKeyID and APIKeySecret authenticate REST calls and the STOMP
	// connection (IRISFLOW_RESILIENT_API_KEY_ID, IRISFLOW_RESILIENT_API_KEY_SECRET).
	APIKeyID     string `yaml:"api_key_id"`
	APIKeySecret string `yaml:"api_key_secret"`
	// Email and Password log in instead of an API key (a session for REST,
	// the STOMP login), as resilient-circuits allows. Default none.
	Email    string `yaml:"email"`
	Password string `yaml:"password"`
	// CAFile verifies the REST server's certificate (IRISFLOW_RESILIENT_CAFILE).
	CAFile string `yaml:"cafile"`
	// Insecure turns certificate verification off. Default false.
	Insecure bool `yaml:"insecure"`
	// RatePerSecond bounds REST writes per org. Default 10.
	RatePerSecond float64 `yaml:"rate_per_second"`
}

// Iris is the DomainTools Iris account.
type Iris struct {
	// URL of the API (IRISFLOW_IRIS_URL). Default https://api.domaintools.com.
	URL string `yaml:"url"`
	// User and Key are the API username and key (IRISFLOW_IRIS_USER,
	// IRISFLOW_IRIS_KEY). Required when the enricher or pivoter runs.
	User string `yaml:"user"`
	Key  string `yaml:"key"`
	// Auth is sha256 (default), sha1 or open (IRISFLOW_IRIS_AUTH).
	Auth string `yaml:"auth"`
	// Timeout of one request. Default 30s.
	Timeout time.Duration `yaml:"timeout"`
	// PerMinute, PerHour and PerMonth are the request budget shared by every
	// enricher and pivoter replica (IRISFLOW_IRIS_PER_MINUTE …). Default 60
	// per minute, no hourly or monthly bound.
	PerMinute int `yaml:"per_minute"`
	PerHour   int `yaml:"per_hour"`
	PerMonth  int `yaml:"per_month"`
}

// Enricher tunes profiling.
type Enricher struct {
	// CacheTTL is how long a stored profile answers without asking Iris
	// (IRISFLOW_CACHE_TTL). Default 24h.
	CacheTTL time.Duration `yaml:"cache_ttl"`
	// BatchWindow is how long cold domains wait to share one Iris call.
	// Default 25ms.
	BatchWindow time.Duration `yaml:"batch_window"`
	// Concurrency is how many FN messages one replica works on. Default 1000
	// (the enricher consumer's MaxAckPending, also the maximum).
	Concurrency int `yaml:"concurrency"`
}

// Pivoter tunes pivot searches and what they create.
type Pivoter struct {
	// SearchTTL is how long a stored pivot search answers. Default 24h.
	SearchTTL time.Duration `yaml:"search_ttl"`
	// MaxResults caps one pivot search. Default 5000.
	MaxResults int `yaml:"max_results"`
	// MaxArtifactsPerPivot and MaxArtifactsPerIncident cap new artifacts.
	// Defaults 25 and 100.
	MaxArtifactsPerPivot    int `yaml:"max_artifacts_per_pivot"`
	MaxArtifactsPerIncident int `yaml:"max_artifacts_per_incident"`
	// Concurrency is how many FN pivot messages one replica works on. Default 8.
	Concurrency int `yaml:"concurrency"`
}

// Writer tunes REST write-back.
type Writer struct {
	// Concurrency is how many writes one replica performs at once. Default 8.
	Concurrency int `yaml:"concurrency"`
	// AuthProbeInterval is how often paused writes re-check credentials. Default 30s.
	AuthProbeInterval time.Duration `yaml:"auth_probe_interval"`
}

// Playbook is the automatic playbook of one org.
type Playbook struct {
	// Automatic runs the playbook on DNS Name artifact events. Default true.
	Automatic *bool `yaml:"automatic"`
	// RiskThreshold: a risk score at or above it gets the "High Risk domain
	// observed" note. Default 90.
	RiskThreshold int `yaml:"risk_threshold"`
	// Tags whose presence gets a note. Default phishing, malware.
	Tags []string `yaml:"tags"`
	// AutoPivot runs the auto-pivot after profiling. Default false.
	AutoPivot *bool `yaml:"auto_pivot"`
	// PivotTypes are the types auto-pivot executes. Default ssl_hash, ip, email.
	PivotTypes []string `yaml:"pivot_types"`
	// PivotThreshold is the guided-pivot count bound. Default 300.
	PivotThreshold int `yaml:"pivot_threshold"`
	// MaxDepth stops pivots from artifacts irisflow created beyond this depth. Default 1.
	MaxDepth int `yaml:"max_depth"`
}

// Console configures `irisflow console` (pkg/console).
type Console struct {
	// Listen is the console's address (IRISFLOW_CONSOLE_LISTEN). Default
	// 127.0.0.1:8088.
	Listen string `yaml:"listen"`
	// Token is the access token the console requires (IRISFLOW_CONSOLE_TOKEN);
	// without one it refuses to listen beyond loopback. Default none.
	Token string `yaml:"token"`
}
