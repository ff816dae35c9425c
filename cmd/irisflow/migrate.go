package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newMigrateCmd) }

func newMigrateCmd() *cobra.Command {
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the PostgreSQL migrations (safe to run while services start)",
		Long: `Apply every pending SQL migration from migrations/ to the database.
Services do this at start unless configured not to (migrate: false /
IRISFLOW_MIGRATE=false), for operators who migrate separately.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := cf.load()
			if err != nil {
				return err
			}
			if err := store.Migrate(cmd.Context(), cfg.DatabaseURL); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "database schema is current")
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}
