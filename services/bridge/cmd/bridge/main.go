// Command bridge runs the irisflow STOMP ⇄ JetStream bridge. Configuration
// comes from the environment (see bridge.ConfigFromEnv) plus
// IRISFLOW_NATS_URL (default nats://127.0.0.1:4222).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/services/bridge"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, log)
	stop()
	if err != nil {
		log.Error("bridge failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := bridge.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	natsURL := os.Getenv("IRISFLOW_NATS_URL")
	if natsURL == "" {
		natsURL = nats.DefaultURL
	}
	nc, err := nats.Connect(natsURL, nats.Name("irisflow-bridge"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect nats %s: %w", natsURL, err)
	}
	defer nc.Drain()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	cfg.NATS, cfg.Logger = js, log
	return bridge.Run(ctx, cfg)
}
