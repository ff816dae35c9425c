package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Validate checks the configuration for the services it runs and reports
// every problem at once, each saying what to set.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, s := range c.Services {
		switch s {
		case ServiceBridge, ServiceEnricher, ServicePivoter, ServiceWriter:
		default:
			bad("services: unknown service %q (want some of %s)", s, strings.Join(AllServices, ", "))
		}
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("database_url / IRISFLOW_DATABASE_URL: %q is not a postgres:// URL", redactURL(c.DatabaseURL))
	}
	switch {
	case c.NATSURL == NATSEmbedded:
		errs = append(errs, c.validateEmbeddedNATS()...)
	case !strings.HasPrefix(c.NATSURL, "nats://") && !strings.HasPrefix(c.NATSURL, "tls://"):
		bad("nats_url / IRISFLOW_NATS_URL: %q is not a nats:// or tls:// URL, nor embedded", redactURL(c.NATSURL))
	}
	if c.Runs(ServiceBridge) {
		switch {
		case c.STOMP.URL == "":
			bad("stomp.url / IRISFLOW_STOMP_URL is required for the bridge (e.g. stomp+ssl://soar.example.com:65001)")
		default:
			if _, _, err := resilient.ParseStompURL(c.STOMP.URL); err != nil {
				bad("stomp.url / IRISFLOW_STOMP_URL: %v", err)
			}
		}
	}
	if c.Runs(ServiceBridge) {
		if c.STOMP.Prefetch < 1 || c.STOMP.Prefetch > 2000 {
			bad("stomp.prefetch %d is outside 1..2000", c.STOMP.Prefetch)
		}
	}
	if c.Runs(ServiceBridge) || c.Runs(ServiceWriter) {
		// The bridge subscribes to the destinations; the writer writes in their orgs.
		if len(c.STOMP.Destinations) == 0 {
			bad("stomp.destinations / IRISFLOW_DESTINATIONS: at least one ORG_ID:DESTINATION is required (e.g. 201:domaintools)")
		}
		seen := map[Destination]bool{}
		for _, d := range c.STOMP.Destinations {
			switch {
			case d.Org <= 0 || d.Name == "" || strings.ContainsAny(d.Name, ". */>"):
				bad("stomp.destinations / IRISFLOW_DESTINATIONS: %q is not ORG_ID:DESTINATION (e.g. 201:domaintools; the name has no dots, spaces or wildcards)", d.String())
			case seen[d]:
				bad("stomp.destinations / IRISFLOW_DESTINATIONS: %s is listed twice", d)
			}
			seen[d] = true
		}
	}
	if c.Runs(ServiceBridge) || c.Runs(ServiceWriter) {
		if (c.Resilient.APIKeyID == "" || c.Resilient.APIKeySecret == "") && (c.Resilient.Email == "" || c.Resilient.Password == "") {
			bad("resilient.api_key_id and api_key_secret (IRISFLOW_RESILIENT_API_KEY_ID, IRISFLOW_RESILIENT_API_KEY_SECRET), or resilient.email and password, are required for the bridge and the writer")
		}
	}
	if c.Runs(ServiceWriter) {
		if c.Resilient.URL == "" {
			bad("resilient.url / IRISFLOW_RESILIENT_URL is required for the writer (e.g. https://soar.example.com)")
		} else if u, err := url.Parse(c.Resilient.URL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			bad("resilient.url / IRISFLOW_RESILIENT_URL: %q must be an http(s):// URL (e.g. https://soar.example.com)", c.Resilient.URL)
		}
	}
	if c.Runs(ServiceEnricher) || c.Runs(ServicePivoter) {
		if c.Iris.User == "" || c.Iris.Key == "" {
			bad("iris.user and iris.key (IRISFLOW_IRIS_USER, IRISFLOW_IRIS_KEY) are required for the enricher and the pivoter")
		}
		switch c.Iris.Auth {
		case "sha256", "sha1", "open":
		default:
			bad("iris.auth / IRISFLOW_IRIS_AUTH: %q (want sha256, sha1 or open)", c.Iris.Auth)
		}
		if c.Iris.PerMinute < 0 || c.Iris.PerHour < 0 || c.Iris.PerMonth < 0 {
			bad("iris.per_minute/per_hour/per_month must not be negative")
		}
	}
	for _, p := range append([]Playbook{c.Playbook}, values(c.Orgs)...) {
		if p.RiskThreshold < 0 || p.RiskThreshold > 100 {
			bad("playbook.risk_threshold %d is outside 0..100", p.RiskThreshold)
		}
		if p.PivotThreshold < 2 {
			bad("playbook.pivot_threshold %d must be at least 2", p.PivotThreshold)
		}
		if p.MaxDepth < 0 {
			bad("playbook.max_depth must not be negative")
		}
	}
	for name, kind := range c.Functions {
		if k := flow.Kind(kind); !k.Valid() || k == flow.KindAuto {
			bad("functions: %q maps to %q, which is not a function kind (want one of profile, format, risk, tags, pivots.discover, pivots.execute, pivots.auto)", name, kind)
		}
	}
	if c.Enricher.CacheTTL < 0 {
		bad("enricher.cache_ttl must not be negative")
	}
	if c.Runs(ServiceEnricher) {
		// The enricher consumer's MaxAckPending (pkg/flow): more could never be in flight.
		if c.Enricher.Concurrency < 1 || c.Enricher.Concurrency > maxEnricherConcurrency {
			bad("enricher.concurrency %d is outside 1..%d", c.Enricher.Concurrency, maxEnricherConcurrency)
		}
		if c.Enricher.BatchWindow < 0 {
			bad("enricher.batch_window must not be negative")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return nil
}

// maxEnricherConcurrency is flow.EnricherConsumer's MaxAckPending.
const maxEnricherConcurrency = 1000

func values(m map[int64]Playbook) []Playbook {
	out := make([]Playbook, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
