package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/config"
)

func init() { addCommand(newCheckCmd) }

// checkResult is one line of `irisflow check`.
type checkResult struct {
	// Name is what was checked: postgres, nats, stomp, resilient, iris.
	Name string
	// Target is where: a URL (password masked), a destination, an org.
	Target string
	// Err is nil when the check passed.
	Err error
	// Detail says what was found (a pass) or what failed.
	Detail string
	// Fix says what to do about a failure.
	Fix string
}

func (r checkResult) String() string {
	status, text := "ok  ", r.Detail
	if r.Err != nil {
		status, text = "FAIL", r.Err.Error()
	}
	line := fmt.Sprintf("%s  %-9s %s: %s", status, r.Name, r.Target, text)
	if r.Err != nil && r.Fix != "" {
		line += "\n      fix: " + r.Fix
	}
	return line
}

func newCheckCmd() *cobra.Command {
	var file, appConfig string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Preflight: connect to everything the configuration names and say what to fix",
		Long: `Connect to everything the configuration of "irisflow run" names, change nothing,
and print one line per check with what to fix:

  postgres   connects; every migration applied
  nats       nats-server 2.10 or newer, JetStream enabled, the irisflow streams
  stomp      (bridge) login, and permission to subscribe to each destination
  resilient  (bridge, writer) the credentials, read on each org, the data
             table domaintools_results
  iris       (enricher, pivoter) the credentials, an active account, and the
             account's limits against iris.per_minute / per_hour / per_month

The exit code is non-zero when any check fails. --config, --app-config and
the IRISFLOW_* variables are read as "irisflow run" reads them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			cfg, err := config.Load(file, func(k string) string {
				if k == "IRISFLOW_APP_CONFIG" && appConfig != "" {
					return appConfig
				}
				return os.Getenv(k)
			})
			if err != nil {
				fmt.Fprintln(out, checkResult{Name: "config", Target: configTarget(file), Err: err,
					Fix: "set what each line names (README.md, Configuration)"})
				return fmt.Errorf("check: the configuration is invalid")
			}
			return printChecks(out, runChecks(cmd.Context(), cfg, timeout))
		},
	}
	cmd.Flags().StringVar(&file, "config", os.Getenv("IRISFLOW_CONFIG"), "YAML configuration file (default $IRISFLOW_CONFIG)")
	cmd.Flags().StringVar(&appConfig, "app-config", "", "resilient-circuits app.config (default $IRISFLOW_APP_CONFIG, else ~/.resilient/app.config)")
	cmd.Flags().DurationVar(&timeout, "timeout", 15*time.Second, "bound of each check")
	return cmd
}

func configTarget(file string) string {
	if file == "" {
		return "environment"
	}
	return file
}

// printChecks writes the results and fails when one of them failed.
func printChecks(w io.Writer, results []checkResult) error {
	failed := 0
	for _, r := range results {
		fmt.Fprintln(w, r)
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("check: %d of %d checks failed", failed, len(results))
	}
	fmt.Fprintf(w, "all %d checks passed\n", len(results))
	return nil
}

// runChecks runs every check the configuration calls for, each bounded by
// timeout, in the order a start needs them.
func runChecks(ctx context.Context, cfg *config.Config, timeout time.Duration) []checkResult {
	bounded := func(f func(context.Context, *config.Config) []checkResult) []checkResult {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return f(ctx, cfg)
	}
	out := bounded(checkPostgres)
	out = append(out, bounded(checkNATS)...)
	if cfg.Runs(config.ServiceBridge) {
		out = append(out, bounded(checkSTOMP)...)
	}
	if cfg.Runs(config.ServiceBridge) || cfg.Runs(config.ServiceWriter) {
		out = append(out, bounded(checkResilient)...)
	}
	if cfg.Runs(config.ServiceEnricher) || cfg.Runs(config.ServicePivoter) {
		out = append(out, bounded(checkIris)...)
	}
	return out
}

func masked(cfg *config.Config) config.Config { return cfg.Masked() }

// joinNames lists names for a detail line.
func joinNames(names []string) string { return strings.Join(names, ", ") }
