package enricher

import (
	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
)

// FromConfig is the enricher's Config for the configuration cfg, on the
// connections of d (JetStream, store, the Iris client on the shared quota,
// readiness, logger, version).
func FromConfig(cfg *config.Config, d *deps.Deps) Config {
	c := Config{
		JS: d.JS, Store: d.Store, Quota: d.Quota,
		CacheTTL: cfg.Enricher.CacheTTL, BatchWindow: cfg.Enricher.BatchWindow, Concurrency: cfg.Enricher.Concurrency,
		Playbook: PlaybookFromConfig(cfg.Playbook), Orgs: make(map[int64]PlaybookConfig, len(cfg.Orgs)),
		Ready: d.Ready, Metrics: d.Metrics, Observer: d.WorkObserver(flow.EnricherConsumer), Logger: d.Log, Version: d.Version,
	}
	if d.Iris != nil { // a nil *iris.Client would be a non-nil Investigator
		c.Iris = d.Iris
	}
	for org, p := range cfg.Orgs {
		c.Orgs[org] = PlaybookFromConfig(p)
	}
	return c
}

// PlaybookFromConfig is the PlaybookConfig of a configured playbook.
func PlaybookFromConfig(p config.Playbook) PlaybookConfig {
	return PlaybookConfig{
		Automatic: p.Automatic, RiskThreshold: p.RiskThreshold, Tags: p.Tags, AutoPivot: p.AutoPivot != nil && *p.AutoPivot,
		PivotTypes: p.PivotTypes, PivotThreshold: p.PivotThreshold, PivotMaxDepth: p.MaxDepth,
	}
}

// Service is the enricher for pkg/deps: cmd/enricher runs it alone (Service.Main),
// irisflow run with the other configured services (Service.On).
var Service = deps.Define(config.ServiceEnricher, FromConfig, Run)
