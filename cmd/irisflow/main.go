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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "irisflow:", err)
		os.Exit(exitCode(err))
	}
}

func run(ctx context.Context, args []string) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()}))
	slog.SetDefault(log)
	root := newRootCmd()
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("IRISFLOW_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}
