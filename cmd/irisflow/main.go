// Command irisflow is the all-in-one binary and operator/analyst CLI:
// run, demo, migrate, bench, pivots, history, iris, sim.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/obs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "irisflow:", err)
		os.Exit(1)
	}
}

// run runs the command line. Logs go to stderr as the standalone service
// binaries write them (obs.NewLogger): --log-format text|json|auto
// (default $IRISFLOW_LOG_FORMAT, else auto: text on a terminal, JSON
// otherwise), level IRISFLOW_LOG_LEVEL.
func run(ctx context.Context, args []string) error {
	root := newRootCmd()
	format := root.PersistentFlags().String("log-format", os.Getenv("IRISFLOW_LOG_FORMAT"), "log format on stderr: text, json or auto (text on a terminal, else JSON; default $IRISFLOW_LOG_FORMAT)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		log, err := obs.NewLogger(os.Stderr, *format, os.Getenv("IRISFLOW_LOG_LEVEL"))
		if err != nil {
			return err
		}
		slog.SetDefault(log)
		return nil
	}
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}
