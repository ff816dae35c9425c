// Command pivoter runs irisflow's pivoter service: Discover Actionable
// Pivots, Execute Pivots and auto-pivot work from the FN stream.
// Configuration comes from IRISFLOW_* environment variables (see Settings).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/services/pivoter"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log, os.Getenv); err != nil {
		log.Error("pivoter stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger, getenv func(string) string) error {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	log.Info("pivoter starting", cfg.LogAttrs()...)

	if cfg.Migrate {
		if err := store.Migrate(ctx, cfg.DatabaseURL); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	quota, err := st.Quota(ctx, store.QuotaConfig{PerMinute: cfg.IrisPerMinute, PerHour: cfg.IrisPerHour, PerMonth: cfg.IrisPerMonth})
	if err != nil {
		return err
	}
	client, err := iris.New(iris.Config{
		BaseURL: cfg.IrisURL, Username: cfg.IrisUser, APIKey: cfg.IrisKey, Auth: cfg.IrisAuth,
		Timeout: cfg.IrisTimeout, Limiter: quota, AppName: "irisflow", Logger: log,
	})
	if err != nil {
		return err
	}

	nc, err := nats.Connect(cfg.NATSURL, nats.Name("irisflow-pivoter"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect nats: %w", err)
	}
	defer nc.Drain()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{Replicas: cfg.StreamReplicas}); err != nil {
		return err
	}

	ready := obs.NewReadiness()
	if cfg.HTTPListen != "off" {
		srv := &http.Server{Addr: cfg.HTTPListen, Handler: obs.Handler(ready, nil), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("health endpoint failed", "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}

	return pivoter.Run(ctx, pivoter.Config{
		JS: js, Store: st, Iris: client,
		ProfileTTL: cfg.ProfileTTL, SearchTTL: cfg.SearchTTL, Threshold: cfg.Threshold, AutoTypes: cfg.AutoTypes,
		MaxResults: cfg.MaxResults, MaxArtifactsPerPivot: cfg.MaxArtifactsPerPivot,
		MaxArtifactsPerIncident: cfg.MaxArtifactsPerIncident, MaxDepth: cfg.MaxDepth,
		Concurrency: cfg.Concurrency, Ready: ready, Logger: log,
	})
}
