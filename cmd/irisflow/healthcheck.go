package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
)

func init() { addCommand(newHealthcheckCmd) }

// newHealthcheckCmd is "irisflow healthcheck": a container health check that
// needs no shell or curl in the image. It GETs /readyz of the process whose
// IRISFLOW_HTTP_LISTEN it shares (or --url) and exits 0 on 2xx, 1 otherwise.
func newHealthcheckCmd() *cobra.Command {
	var target string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the service's /readyz answers 2xx (a container health check)",
		Long: `GET --url (default: /readyz on IRISFLOW_HTTP_LISTEN, with an unspecified host
read as 127.0.0.1) and exit 0 on a 2xx answer, 1 otherwise. For Docker and
Compose health checks in images without a shell.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				u, err := readyzURL(os.Getenv("IRISFLOW_HTTP_LISTEN"))
				if err != nil {
					return usageError("healthcheck: %v", err)
				}
				target = u
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return usageError("healthcheck: %v", err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("healthcheck: %w", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				return fmt.Errorf("healthcheck: %s answered %s", target, resp.Status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "url", "", "URL to GET (default http://IRISFLOW_HTTP_LISTEN/readyz)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return cmd
}

// readyzURL is the /readyz URL of a process listening on listen (the
// IRISFLOW_HTTP_LISTEN form host:port; empty is the default 127.0.0.1:9090).
func readyzURL(listen string) (string, error) {
	if listen == "" {
		listen = "127.0.0.1:9090"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("IRISFLOW_HTTP_LISTEN=%q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
