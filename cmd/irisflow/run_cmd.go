package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/config"
)

func init() { addCommand(newRunCmd) }

func newRunCmd() *cobra.Command {
	var file, appConfig string
	var migrate bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the bridge, enricher, pivoter and writer in one process against real endpoints",
		Long: `Run irisflow's services in one process (all four by default; IRISFLOW_SERVICES or
"services:" selects some) against a real Resilient, a real Iris account, NATS JetStream
and PostgreSQL. Configuration comes from --config (YAML) and IRISFLOW_* variables, is
validated at start and logged with secrets masked. See README.md for every option.
--config defaults to $IRISFLOW_CONFIG, as in the standalone service binaries.
--app-config reads a resilient-circuits app.config ([resilient] connection and
[fn_domaintools] credentials; default $IRISFLOW_APP_CONFIG, else ~/.resilient/app.config
when it exists and no --config is given); irisflow's own settings override it.
--migrate=false skips the SQL migrations at start (for operators who run
"irisflow migrate" separately); it overrides migrate: / IRISFLOW_MIGRATE.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(file, func(k string) string {
				if k == "IRISFLOW_APP_CONFIG" && appConfig != "" {
					return appConfig
				}
				return os.Getenv(k)
			})
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("migrate") {
				cfg.Migrate = &migrate
			}
			log := slog.Default().With("host", hostname())
			log.Info("irisflow starting", "version", version, "config", "\n"+cfg.String())
			p, err := newPipeline(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer p.Close()
			return p.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&file, "config", os.Getenv("IRISFLOW_CONFIG"), "YAML configuration file (IRISFLOW_* variables override it; default $IRISFLOW_CONFIG)")
	cmd.Flags().StringVar(&appConfig, "app-config", "", `resilient-circuits app.config to read the SOAR connection and DomainTools credentials from ("none": no app.config; default $IRISFLOW_APP_CONFIG, else ~/.resilient/app.config)`)
	cmd.Flags().BoolVar(&migrate, "migrate", true, "apply the SQL migrations at start (overrides migrate: and IRISFLOW_MIGRATE)")
	return cmd
}
