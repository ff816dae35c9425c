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

// ServiceDef is one irisflow service as both ways of running it know it:
// its standalone binary runs it alone (Main), and irisflow run runs it with
// the other configured services in one process (On, then Deps.Run).
type ServiceDef struct {
	// Name is the service's name in the configuration, logs and errors
	// (config.ServiceBridge …).
	Name string
	// Run runs the service on the configuration and the connections until
	// ctx ends or it fails.
	Run RunFunc
}

// Define is the ServiceDef of the service name whose Run takes the Config
// its FromConfig makes of the configuration and the connections: every
// irisflow service (bridge, enricher, pivoter, writer).
func Define[C any](name string, from func(*config.Config, *Deps) C, run func(context.Context, C) error) ServiceDef {
	return ServiceDef{Name: name, Run: func(ctx context.Context, cfg *config.Config, d *Deps) error { return run(ctx, from(cfg, d)) }}
}

// On is s running on the configuration cfg and the connections d, for
// Deps.Run.
func (s ServiceDef) On(cfg *config.Config, d *Deps) Service {
	return Service{Name: s.Name, Run: func(ctx context.Context) error { return s.Run(ctx, cfg, d) }}
}

// Standalone is the life of a standalone service binary: it loads the
// configuration for s alone (config.LoadFor, the YAML file named by
// IRISFLOW_CONFIG and the IRISFLOW_* variables read with getenv), logs it
// once with secrets masked, opens the connections s needs and runs it
// next to the /healthz, /readyz and /metrics listener until ctx ends or it
// fails.
func Standalone(ctx context.Context, log *slog.Logger, s ServiceDef, version string, getenv func(string) string) error {
	cfg, err := config.LoadFor(s.Name, getenv("IRISFLOW_CONFIG"), getenv)
	if err != nil {
		return err
	}
	log.Info(s.Name+" starting", "version", version, "config", "\n"+cfg.String())
	d, err := Open(ctx, cfg, log, WithVersion(version))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Run(ctx, s.On(cfg, d))
}

// Main is the whole main of s's standalone binary: its flags (Args), the
// logger every irisflow binary uses (obs.NewLogger: --log-format /
// IRISFLOW_LOG_FORMAT, IRISFLOW_LOG_LEVEL), a context cancelled by SIGINT
// or SIGTERM, Standalone with the process environment, and the exit code
// for os.Exit (which stays in main): 0 after a graceful stop (or -h), 1
// after a failure, logged once, 2 for a bad command line.
func (s ServiceDef) Main(version string) int {
	getenv, err := Args(s.Name, os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil { // already written, with the usage
		return 2
	}
	log, err := obs.NewLogger(os.Stderr, getenv("IRISFLOW_LOG_FORMAT"), getenv("IRISFLOW_LOG_LEVEL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, s.Name+":", err)
		return 2
	}
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Standalone(ctx, log, s, version, getenv); err != nil {
		log.Error(s.Name+" stopped", "err", err)
		return 1
	}
	return 0
}
