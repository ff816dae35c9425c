package deps

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/obs"
)

// RunFunc runs one service on the configuration and the connections.
type RunFunc func(ctx context.Context, cfg *config.Config, d *Deps) error

// RunService is the RunFunc of a service whose Run takes the Config its
// FromConfig makes of the configuration and the connections: every
// irisflow service (bridge, enricher, pivoter, writer).
func RunService[C any](from func(*config.Config, *Deps) C, run func(context.Context, C) error) RunFunc {
	return func(ctx context.Context, cfg *config.Config, d *Deps) error { return run(ctx, from(cfg, d)) }
}

// Standalone is the life of a standalone service binary: it loads the
// configuration for service alone (config.LoadFor, the YAML file named by
// IRISFLOW_CONFIG and the IRISFLOW_* variables read with getenv), logs it
// once with secrets masked, opens the connections service needs and runs it
// next to the /healthz, /readyz and /metrics listener until ctx ends or it
// fails.
func Standalone(ctx context.Context, log *slog.Logger, service, version string, getenv func(string) string, run RunFunc) error {
	cfg, err := config.LoadFor(service, getenv("IRISFLOW_CONFIG"), getenv)
	if err != nil {
		return err
	}
	log.Info(service+" starting", "version", version, "config", "\n"+cfg.String())
	d, err := Open(ctx, cfg, log, WithVersion(version))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Run(ctx, Service{Name: service, Run: func(ctx context.Context) error { return run(ctx, cfg, d) }})
}

// Main is the whole main of a standalone service binary: its flags (Args),
// the logger every irisflow binary uses (obs.NewLogger: --log-format /
// IRISFLOW_LOG_FORMAT, IRISFLOW_LOG_LEVEL), a context cancelled by SIGINT or SIGTERM, Standalone with
// the process environment, and the exit code for os.Exit (which stays in
// main): 0 after a graceful stop (or -h), 1 after a failure, logged once,
// 2 for a bad command line.
func Main(service, version string, run RunFunc) int {
	getenv, err := Args(service, os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil { // already written, with the usage
		return 2
	}
	log, err := obs.NewLogger(os.Stderr, getenv("IRISFLOW_LOG_FORMAT"), getenv("IRISFLOW_LOG_LEVEL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		return 2
	}
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Standalone(ctx, log, service, version, getenv, run); err != nil {
		log.Error(service+" stopped", "err", err)
		return 1
	}
	return 0
}
