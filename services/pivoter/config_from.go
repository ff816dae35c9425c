package pivoter

import (
	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
)

// FromConfig is the pivoter's Config for the configuration cfg, on the
// connections of d (JetStream, store, the Iris client on the shared quota,
// readiness, logger). Profiles share the enricher's cache TTL.
func FromConfig(cfg *config.Config, d *deps.Deps) Config {
	c := Config{
		JS: d.JS, Store: d.Store,
		ProfileTTL: cfg.Enricher.CacheTTL, SearchTTL: cfg.Pivoter.SearchTTL,
		Threshold: cfg.Playbook.PivotThreshold, AutoTypes: cfg.Playbook.PivotTypes, MaxResults: cfg.Pivoter.MaxResults,
		MaxArtifactsPerPivot: cfg.Pivoter.MaxArtifactsPerPivot, MaxArtifactsPerIncident: cfg.Pivoter.MaxArtifactsPerIncident,
		MaxDepth: cfg.Playbook.MaxDepth, Concurrency: cfg.Pivoter.Concurrency,
		Quota: d.Quota, Ready: d.Ready, Observer: d.WorkObserver(flow.PivoterConsumer), Logger: d.Log, Version: d.Version,
	}
	if d.Iris != nil { // a nil *iris.Client would be a non-nil Iris
		c.Iris = d.Iris
	}
	return c
}

// Service is the pivoter for pkg/deps: cmd/pivoter runs it alone (Service.Main),
// irisflow run with the other configured services (Service.On).
var Service = deps.Define(config.ServicePivoter, FromConfig, Run)
