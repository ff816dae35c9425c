// Command writer runs irisflow's writer service: it applies the notes,
// data-table rows and artifacts of the WRITES stream to Resilient over REST,
// effectively once. It is configured by environment variables (see
// writer.ConfigFromEnv).
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
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/services/writer"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log); err != nil {
		log.Error("writer stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger) error {
	s, err := writer.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	log.Info("writer starting", "config", s)

	if s.Migrate {
		if err := store.Migrate(ctx, s.DatabaseURL); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	st, err := store.Open(ctx, s.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()

	nc, err := nats.Connect(s.NATSURL, nats.Name("irisflow-writer"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect nats: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{}); err != nil {
		return err
	}

	ready := obs.NewReadiness()
	if s.HTTPAddr != "" {
		srv := &http.Server{Addr: s.HTTPAddr, Handler: obs.Handler(ready, nil), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("health server failed", "addr", s.HTTPAddr, "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}

	err = writer.Run(ctx, writer.Config{
		JS:            js,
		Store:         st,
		Clients:       s.Clients(log),
		RatePerSecond: s.RatePerSecond,
		Concurrency:   s.Concurrency,
		Ready:         ready,
		Logger:        log,
	})
	if err == nil {
		log.Info("writer stopped")
	}
	return err
}
