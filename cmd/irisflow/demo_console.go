package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"

	"github.com/irisflow/irisflow/pkg/config"
)

// keepWithConsole is the demo's --keep: after the scenario, serve the
// console on the demo's database (the pipeline and the simulators stay up)
// until ctx — the command's, not the scenario's timeout — ends, printing
// the address and how to reopen the data later.
func keepWithConsole(ctx context.Context, out io.Writer, listen string) func(dbURL string) error {
	return func(dbURL string) error {
		fmt.Fprintf(out, "\ndemo: data kept in %s\n", config.Config{DatabaseURL: dbURL}.Masked().DatabaseURL)
		if u, err := url.Parse(dbURL); err == nil && !hasPassword(u) {
			fmt.Fprintf(out, "demo: reopen it later with: irisflow console --database-url '%s'\n", dbURL)
		}
		fmt.Fprintln(out, "demo: serving the console until interrupted (Ctrl-C)")
		return serveConsole(ctx, out, dbURL, config.Console{Listen: listen}, slog.Default())
	}
}

func hasPassword(u *url.URL) bool {
	if u.User == nil {
		return false
	}
	_, ok := u.User.Password()
	return ok
}
