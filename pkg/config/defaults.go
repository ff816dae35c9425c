package config

import (
	"slices"
	"time"
)

// The defaults, each written here once: the services' Config defaults and
// the packages' (pkg/profile, pkg/pivot) refer to these.
const (
	DefaultDatabaseURL             = "postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable"
	DefaultNATSURL                 = "nats://127.0.0.1:4222"
	DefaultRatePerSecond           = 10 // Resilient REST requests per second and org
	DefaultIrisPerMinute           = 60
	DefaultProfileTTL              = 24 * time.Hour // a stored profile answers this long
	DefaultSearchTTL               = DefaultProfileTTL
	DefaultBatchWindow             = 25 * time.Millisecond
	DefaultEnricherConcurrency     = 1000
	DefaultMaxResults              = 5000
	DefaultMaxArtifactsPerPivot    = 25
	DefaultMaxArtifactsPerIncident = 100
	DefaultPivoterConcurrency      = 8
	DefaultWriterConcurrency       = 8
	DefaultAuthProbeInterval       = 30 * time.Second
	DefaultRiskThreshold           = 90
	DefaultPivotThreshold          = 300 // the seed app's dt_pivot_count default
	DefaultMaxDepth                = 1
)

// DefaultTags are the Iris tags whose presence the playbook notes.
var DefaultTags = []string{"phishing", "malware"}

// DefaultPivotTypes are the pivots of the seed app's Auto Pivot workflow.
var DefaultPivotTypes = []string{"ssl_hash", "ip", "email"}

// Defaults fills every unset field with its documented default.
func (c *Config) Defaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	defInt := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	defDur := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.DatabaseURL, DefaultDatabaseURL)
	if c.Migrate == nil {
		c.Migrate = ptr(true)
	}
	def(&c.NATSURL, DefaultNATSURL)
	defInt(&c.StreamReplicas, 1)
	def(&c.HTTPListen, "127.0.0.1:9090")
	def(&c.Console.Listen, "127.0.0.1:8088")
	if len(c.Services) == 0 {
		c.Services = append([]string(nil), AllServices...)
	}
	if len(c.STOMP.Destinations) == 0 {
		c.STOMP.Destinations = []Destination{{Org: 201, Name: "domaintools"}}
	}
	defInt(&c.STOMP.Prefetch, 20)
	defDur(&c.STOMP.HeartBeat, 5*time.Second)
	if c.Resilient.RatePerSecond == 0 {
		c.Resilient.RatePerSecond = DefaultRatePerSecond
	}
	def(&c.Iris.URL, "https://api.domaintools.com")
	def(&c.Iris.Auth, "sha256")
	defDur(&c.Iris.Timeout, 30*time.Second)
	defInt(&c.Iris.PerMinute, DefaultIrisPerMinute)
	defDur(&c.Enricher.CacheTTL, DefaultProfileTTL)
	defDur(&c.Enricher.BatchWindow, DefaultBatchWindow)
	defInt(&c.Enricher.Concurrency, DefaultEnricherConcurrency)
	defDur(&c.Pivoter.SearchTTL, DefaultSearchTTL)
	defInt(&c.Pivoter.MaxResults, DefaultMaxResults)
	defInt(&c.Pivoter.MaxArtifactsPerPivot, DefaultMaxArtifactsPerPivot)
	defInt(&c.Pivoter.MaxArtifactsPerIncident, DefaultMaxArtifactsPerIncident)
	defInt(&c.Pivoter.Concurrency, DefaultPivoterConcurrency)
	defInt(&c.Writer.Concurrency, DefaultWriterConcurrency)
	defDur(&c.Writer.AuthProbeInterval, DefaultAuthProbeInterval)
	c.Playbook.defaults(Playbook{})
	for org, p := range c.Orgs {
		p.defaults(c.Playbook)
		c.Orgs[org] = p
	}
}

// defaults fills p from base, then from the built-in defaults.
func (p *Playbook) defaults(base Playbook) {
	if p.Automatic == nil {
		p.Automatic = base.Automatic
	}
	if p.Automatic == nil {
		p.Automatic = ptr(true)
	}
	if p.AutoPivot == nil {
		p.AutoPivot = base.AutoPivot
	}
	if p.AutoPivot == nil {
		p.AutoPivot = ptr(false)
	}
	pick := func(n *int, b, v int) {
		if *n == 0 {
			*n = b
		}
		if *n == 0 {
			*n = v
		}
	}
	pick(&p.RiskThreshold, base.RiskThreshold, DefaultRiskThreshold)
	pick(&p.PivotThreshold, base.PivotThreshold, DefaultPivotThreshold)
	pick(&p.MaxDepth, base.MaxDepth, DefaultMaxDepth)
	if len(p.Tags) == 0 {
		p.Tags = base.Tags
	}
	if len(p.Tags) == 0 {
		p.Tags = slices.Clone(DefaultTags)
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = base.PivotTypes
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = slices.Clone(DefaultPivotTypes)
	}
}

// PlaybookFor returns the playbook of org.
func (c *Config) PlaybookFor(org int64) Playbook {
	if p, ok := c.Orgs[org]; ok {
		return p
	}
	return c.Playbook
}

// Runs reports whether this process runs service.
func (c *Config) Runs(service string) bool {
	for _, s := range c.Services {
		if s == service {
			return true
		}
	}
	return false
}

// DestinationOrgs returns the orgs of the destinations, each once, in
// ascending order: the orgs the bridge serves and the writer writes in.
func (c *Config) DestinationOrgs() []int64 {
	var orgs []int64
	for _, d := range c.STOMP.Destinations {
		orgs = append(orgs, d.Org)
	}
	slices.Sort(orgs)
	return slices.Compact(orgs)
}

func ptr[T any](v T) *T { return &v }
