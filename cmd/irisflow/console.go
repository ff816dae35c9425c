package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/console"
	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newConsoleCmd) }

func newConsoleCmd() *cobra.Command {
	var cfgPath, dbURL, listen string
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Serve the analysts' web console: search, domain pages, risk over time, the pivot graph",
		Long: `Serves the console (and its JSON API, docs/console.md) on console.listen
(IRISFLOW_CONSOLE_LISTEN, default 127.0.0.1:8088) over the store at
database_url. With console.token (IRISFLOW_CONSOLE_TOKEN) set, every request
needs it (open the printed address with ?token=… once); without one the console
refuses to listen beyond loopback. It serves relative URLs only, so a reverse
proxy can mount it under a path prefix (with a trailing slash).`,
		Example: `  irisflow console
  IRISFLOW_CONSOLE_TOKEN=… irisflow console --listen 0.0.0.0:8088`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.LoadTool(cfgPath, nil)
			if err != nil {
				return usageError("console: %w", err)
			}
			if cmd.Flags().Changed("database-url") {
				cfg.DatabaseURL = dbURL
			}
			if listen != "" {
				cfg.Console.Listen = listen
			}
			return serveConsole(cmd.Context(), cmd.OutOrStdout(), cfg.DatabaseURL, cfg.Console, slog.Default())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfgPath, "config", "", "YAML configuration (as irisflow run); IRISFLOW_* override it")
	fl.StringVar(&dbURL, "database-url", "", "PostgreSQL URL (default database_url / IRISFLOW_DATABASE_URL)")
	fl.StringVar(&listen, "listen", "", "address (default console.listen, 127.0.0.1:8088)")
	return cmd
}

// serveConsole opens the store and serves the console until ctx ends,
// printing its address.
func serveConsole(ctx context.Context, out io.Writer, dbURL string, c config.Console, log *slog.Logger) error {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	return console.Serve(ctx, c.Listen, console.Config{Store: st, Token: c.Token, Logger: log}, func(addr string) {
		hint := ""
		if c.Token != "" {
			hint = " (open it once with ?token=…)"
		}
		fmt.Fprintf(out, "console: http://%s/%s\n", addr, hint)
	})
}
