package writer

import (
	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
)

// FromConfig is the writer's Config for the configuration cfg, on the
// connections of d (JetStream, the store's write ledger, the per-org REST
// clients of the destinations' orgs, readiness, logger).
func FromConfig(cfg *config.Config, d *deps.Deps) Config {
	return Config{
		JS: d.JS, Store: d.Store, Clients: d.Resilient,
		RatePerSecond: cfg.Resilient.RatePerSecond, Concurrency: cfg.Writer.Concurrency,
		AuthProbeInterval: cfg.Writer.AuthProbeInterval,
		Ready:             d.Ready, Metrics: d.Metrics, Logger: d.Log,
	}
}

// Service is the writer for pkg/deps: cmd/writer runs it alone (Service.Main),
// irisflow run with the other configured services (Service.On).
var Service = deps.Define(config.ServiceWriter, FromConfig, Run)
