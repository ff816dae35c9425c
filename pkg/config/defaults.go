package config

import (
	"slices"
	"time"
)

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
	def(&c.DatabaseURL, "postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable")
	if c.Migrate == nil {
		c.Migrate = ptr(true)
	}
	def(&c.NATSURL, "nats://127.0.0.1:4222")
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
		c.Resilient.RatePerSecond = 10
	}
	def(&c.Iris.URL, "https://api.domaintools.com")
	def(&c.Iris.Auth, "sha256")
	defDur(&c.Iris.Timeout, 30*time.Second)
	defInt(&c.Iris.PerMinute, 60)
	defDur(&c.Enricher.CacheTTL, 24*time.Hour)
	defDur(&c.Enricher.BatchWindow, 25*time.Millisecond)
	defInt(&c.Enricher.Concurrency, 1000)
	defDur(&c.Pivoter.SearchTTL, 24*time.Hour)
	defInt(&c.Pivoter.MaxResults, 5000)
	defInt(&c.Pivoter.MaxArtifactsPerPivot, 25)
	defInt(&c.Pivoter.MaxArtifactsPerIncident, 100)
	defInt(&c.Pivoter.Concurrency, 8)
	defInt(&c.Writer.Concurrency, 8)
	defDur(&c.Writer.AuthProbeInterval, 30*time.Second)
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
	pick(&p.RiskThreshold, base.RiskThreshold, 90)
	pick(&p.PivotThreshold, base.PivotThreshold, 300)
	pick(&p.MaxDepth, base.MaxDepth, 1)
	if len(p.Tags) == 0 {
		p.Tags = base.Tags
	}
	if len(p.Tags) == 0 {
		p.Tags = []string{"phishing", "malware"}
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = base.PivotTypes
	}
	if len(p.PivotTypes) == 0 {
		p.PivotTypes = []string{"ssl_hash", "ip", "email"}
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
