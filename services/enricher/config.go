package enricher

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
	"github.com/nats-io/nats.go/jetstream"
)

// Investigator looks domains up in Iris Investigate; *iris.Client
// implements it.
type Investigator = profile.Investigator

// Defaults of Config and PlaybookConfig.
const (
	DefaultCacheTTL       = config.DefaultProfileTTL
	DefaultBatchWindow    = config.DefaultBatchWindow
	DefaultBatchSize      = 100 // also the most Iris accepts in one call
	DefaultConcurrency    = config.DefaultEnricherConcurrency
	DefaultRiskThreshold  = config.DefaultRiskThreshold
	DefaultPivotThreshold = config.DefaultPivotThreshold
	DefaultPivotMaxDepth  = config.DefaultMaxDepth
)

// DefaultTags are the Iris tags whose presence the automatic playbook notes.
var DefaultTags = config.DefaultTags

// DefaultPivotTypes are the pivots of the seed app's Auto Pivot workflow.
var DefaultPivotTypes = config.DefaultPivotTypes

// Config configures Run.
type Config struct {
	// JS is the JetStream context (required). The FN, WRITES, REPLIES and
	// DLQ streams must exist (flow.EnsureStreams).
	JS jetstream.JetStream
	// Store is the database: profile cache and history, incident domains
	// (required).
	Store *store.Store
	// Iris answers cold lookups (required); usually an *iris.Client whose
	// Limiter is the store's shared quota.
	Iris Investigator
	// Quota is the shared Iris request budget the Iris client waits on
	// (optional). When set, a message whose lookup failed while Iris's
	// pause is in force is retried when the pause ends.
	Quota *store.Quota
	// Metrics counts the profile cache's hits, misses and ages (optional).
	Metrics *obs.Metrics
	// CacheTTL is how long a stored profile answers without asking Iris.
	// Default 24h (DefaultCacheTTL).
	CacheTTL time.Duration
	// BatchWindow: a batch of lookups is sent when no lookup has joined it
	// for this long; a batch that many lookups have joined waits longer, up
	// to 8 × BatchWindow when it is about to fill. Default 25ms.
	BatchWindow time.Duration
	// BatchMaxWait: a batch is sent at the latest this long after its first
	// lookup, however fast lookups keep joining; it only matters while
	// messages are on their way or another batch is being resolved.
	// Default 40 × BatchWindow (1s with the default window).
	BatchMaxWait time.Duration
	// BatchSize is the most domains in one Iris call; default and maximum 100.
	BatchSize int
	// Concurrency is how many FN messages are handled at once. Default and
	// maximum flow.EnricherConsumer's MaxAckPending (1000): handlers mostly
	// wait for their batch, and a burst gathers into full batches only when
	// all of it can be taken at once.
	Concurrency int
	// Grace is how long in-flight messages may finish after ctx ends.
	// Default 20s (flow.Consume's).
	Grace time.Duration
	// Playbook is the automatic playbook of every org (defaults: see
	// PlaybookConfig), unless Orgs has an entry for the org.
	Playbook PlaybookConfig
	// Orgs overrides Playbook per Resilient org id; unset fields of an
	// override take Playbook's values (as pkg/config fills them), then the
	// defaults. AutoPivot is the override's own.
	Orgs map[int64]PlaybookConfig
	// Ready receives the "enricher" readiness (optional).
	Ready *obs.Readiness
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock for Retrieval Date and Age. Default time.Now.
	Now func() time.Time
	// Host names this replica in result metrics. Default os.Hostname().
	Host string
	// Version is reported as metrics.package_version. Default "dev".
	Version string
	// Observer sees every handled delivery (metrics). Optional.
	Observer work.Observer
}

// PlaybookConfig is the automatic playbook of an org.
type PlaybookConfig struct {
	// Automatic runs the playbook on DNS Name artifact events; when false
	// the action is only acknowledged. Default (nil) true.
	Automatic *bool
	// RiskThreshold: a risk score at or above it gets the note "High Risk
	// domain observed: X, S". Default 90.
	RiskThreshold int
	// Tags are Iris tag labels (case-insensitive) whose presence gets a
	// note. Default phishing, malware (DefaultTags).
	Tags []string
	// AutoPivot hands the profiled domain to the pivoter (pivots.auto).
	// Default false.
	AutoPivot bool
	// PivotTypes are passed to the auto-pivot. Default ssl_hash, ip, email.
	PivotTypes []string
	// PivotThreshold is the guided-pivot count bound passed to the
	// auto-pivot. Default 300.
	PivotThreshold int
	// PivotMaxDepth: only artifacts at a pivot depth below it are
	// auto-pivoted (analysts' artifacts are depth 0). Default 1.
	PivotMaxDepth int
}

// IsAutomatic reports whether the playbook runs on artifact events.
func (p PlaybookConfig) IsAutomatic() bool { return p.Automatic == nil || *p.Automatic }

// withDefaults fills p's unset fields from base, then from the defaults.
func (p PlaybookConfig) withDefaults(base PlaybookConfig) PlaybookConfig {
	if p.Automatic == nil {
		p.Automatic = base.Automatic
	}
	pick := func(n *int, b, v int) {
		if *n <= 0 {
			*n = b
		}
		if *n <= 0 {
			*n = v
		}
	}
	pick(&p.RiskThreshold, base.RiskThreshold, DefaultRiskThreshold)
	pick(&p.PivotThreshold, base.PivotThreshold, DefaultPivotThreshold)
	pick(&p.PivotMaxDepth, base.PivotMaxDepth, DefaultPivotMaxDepth)
	if p.Tags == nil {
		p.Tags = base.Tags
	}
	if p.Tags == nil {
		p.Tags = DefaultTags
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = base.PivotTypes
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = DefaultPivotTypes
	}
	return p
}

// playbook returns the playbook of org: its override's set fields, the
// rest from Playbook, the rest from the defaults (as pkg/config fills them).
func (c *Config) playbook(org int64) PlaybookConfig {
	if p, ok := c.Orgs[org]; ok {
		return p.withDefaults(c.Playbook)
	}
	return c.Playbook.withDefaults(PlaybookConfig{})
}

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	errs := config.Missing(config.Required{Field: "JS", Missing: c.JS == nil},
		config.Required{Field: "Store", Missing: c.Store == nil}, config.Required{Field: "Iris", Missing: c.Iris == nil})
	config.Positive(&c.CacheTTL, DefaultCacheTTL)
	config.Positive(&c.BatchWindow, DefaultBatchWindow)
	if c.BatchMaxWait < c.BatchWindow {
		c.BatchMaxWait = 40 * c.BatchWindow
	}
	if c.BatchSize <= 0 || c.BatchSize > DefaultBatchSize {
		c.BatchSize = DefaultBatchSize
	}
	config.Positive(&c.Concurrency, DefaultConcurrency)
	if maxPending := flow.EnricherConsumer.Config.MaxAckPending; c.Concurrency > maxPending {
		c.Concurrency = maxPending
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("enricher: config: %w", errors.Join(errs...))
	}
	return c, nil
}
