// Command bridge runs irisflow's STOMP ⇄ JetStream bridge: it subscribes to
// Resilient's message destinations and hands function and action messages
// to the pipeline, and sends the pipeline's replies back.
//
// Configuration is irisflow's (pkg/config, README.md "Configuration"): the
// YAML file named by IRISFLOW_CONFIG, if any, overridden by the IRISFLOW_*
// variables. IRISFLOW_SERVICES is ignored: this binary runs the bridge only.
// It serves /healthz, /readyz and /metrics on IRISFLOW_HTTP_LISTEN and
// stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/services/bridge"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, log)
	stop()
	if err != nil {
		log.Error("bridge stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger) error {
	return deps.Standalone(ctx, log, config.ServiceBridge, version, os.Getenv,
		func(ctx context.Context, cfg *config.Config, d *deps.Deps) error {
			return bridge.Run(ctx, bridge.FromConfig(cfg, d))
		})
}
