package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	irissim "github.com/irisflow/irisflow/sim/iris"
)

func init() { addSimCommand(newSimIrisCmd) }

// newSimIrisCmd is "irisflow sim iris": the DomainTools Iris simulator.
func newSimIrisCmd() *cobra.Command {
	var (
		listen, user, key, caFile string
		noOpenKey, useTLS         bool
	)
	cfg := irissim.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "iris",
		Short: "Run the DomainTools Iris simulator (Investigate, Enrich, account, risk)",
		Long: `Serves /v1/iris-investigate/, /v1/iris-enrich/, /v1/account/ and /v1/risk/
like api.domaintools.com (HMAC or open-key auth, 100-domain limit, paging,
result cap, per-minute and per-hour quotas answered 503 and advertised in
/v1/account/), with the seed-guide domains,
an optional seeded synthetic universe and optional recorded responses.
GET /_sim/counters shows what was served; POST /_sim/reset zeroes it.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := slog.Default()
			if user != "" || key != "" {
				if user == "" || key == "" {
					return fmt.Errorf("sim iris: --user and --key go together")
				}
				cfg.Users = map[string]string{user: key}
			}
			cfg.AllowOpenKey = !noOpenKey
			started := time.Now()
			s, err := irissim.New(cfg)
			if err != nil {
				return err
			}
			var tc *tls.Config
			if useTLS {
				certs, err := simCerts(log, "irisflow Iris simulator", caFile, listen)
				if err != nil {
					return err
				}
				tc = certs.ServerConfig()
			}
			url, stop, err := s.StartTLS(listen, tc)
			if err != nil {
				return err
			}
			users := make([]string, 0, len(cfg.Users))
			for u := range cfg.Users {
				users = append(users, u) // keys are secrets: never logged
			}
			log.Info("Iris simulator ready", "url", url, "domains", len(s.Domains()), "clusters", len(s.Clusters()),
				"universe", cfg.Universe, "seed", cfg.Seed, "fixtures", cfg.FixturesDir, "users", users,
				"per_minute", cfg.PerMinute, "per_hour", cfg.PerHour, "latency", cfg.Latency, "error_rate", cfg.ErrorRate,
				"result_cap", cfg.ResultCap, "built_in", time.Since(started).Round(time.Millisecond))
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := stop(sctx); err != nil {
				return err
			}
			log.Info("Iris simulator stopped", "counters", s.Counters())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8700", "address to serve on")
	f.BoolVar(&useTLS, "tls", false, "serve https:// with a generated certificate")
	f.StringVar(&caFile, "ca-file", defaultCAFile("iris"), "with --tls, where the generated CA is written")
	f.StringVar(&cfg.FixturesDir, "fixtures", "", "directory of recorded Iris responses (*.json)")
	f.IntVar(&cfg.Universe, "universe", 0, "number of synthetic domains besides the seed-guide ones")
	f.Int64Var(&cfg.Seed, "seed", 1, "universe seed")
	f.StringVar(&user, "user", "", "API username (default demo, with --key)")
	f.StringVar(&key, "key", "", "API key of --user (default demo-key)")
	f.BoolVar(&noOpenKey, "no-open-key", false, "accept HMAC-signed requests only")
	f.IntVar(&cfg.PerMinute, "per-minute", cfg.PerMinute, "per-user, per-product requests per minute before 503 (answered as per_minute_limit)")
	f.IntVar(&cfg.PerHour, "per-hour", 0, "per-user, per-product requests per hour before 503 (0 = none: per_hour_limit null)")
	f.DurationVar(&cfg.Latency, "latency", 0, "latency added to each request")
	f.Float64Var(&cfg.ErrorRate, "error-rate", 0, "fraction of requests answered 500")
	f.IntVar(&cfg.ResultCap, "result-cap", cfg.ResultCap, "largest search result served (above: limit_exceeded)")
	f.DurationVar(&cfg.MaxSkew, "max-skew", cfg.MaxSkew, "accepted clock skew of signed requests")
	return cmd
}
