package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/services/bridge"
	"github.com/irisflow/irisflow/services/enricher"
	"github.com/irisflow/irisflow/services/pivoter"
	"github.com/irisflow/irisflow/services/writer"
)

// pipeline is irisflow's configured services in one process, sharing one
// set of connections (pkg/deps): one NATS connection, one database pool,
// one Iris client on the shared quota, one readiness registry.
type pipeline struct {
	cfg  *config.Config
	deps *deps.Deps
	// js and store are the shared JetStream context and database (the demo
	// and the benchmark read them).
	js    jetstream.JetStream
	store *store.Store
}

// newPipeline connects everything the configured services need (see
// deps.Open). Close releases it.
func newPipeline(ctx context.Context, cfg *config.Config, log *slog.Logger) (*pipeline, error) {
	d, err := deps.Open(ctx, cfg, log, deps.WithVersion(version))
	if err != nil {
		return nil, err
	}
	return &pipeline{cfg: cfg, deps: d, js: d.JS, store: d.Store}, nil
}

// Close releases the connections.
func (p *pipeline) Close() { p.deps.Close() }

// Run runs the configured services (and the /healthz, /readyz, /metrics
// listener) until ctx ends or one of them fails; then it shuts all of them
// down gracefully.
func (p *pipeline) Run(ctx context.Context) error {
	return p.deps.Run(ctx, services(p.cfg, p.deps)...)
}

// services are the configured services, consumers before the bridge that
// feeds them.
func services(cfg *config.Config, d *deps.Deps) []deps.Service {
	var out []deps.Service
	for _, s := range []deps.ServiceDef{writer.Service, pivoter.Service, enricher.Service, bridge.Service} {
		if cfg.Runs(s.Name) {
			out = append(out, s.On(cfg, d))
		}
	}
	return out
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// hostname for logs.
func hostname() string {
	h, _ := os.Hostname()
	return h
}
