package main

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/irisflow/irisflow/pkg/config"
)

// configFlags are the flags of every command that touches the database or
// Iris without running a service: --config, as irisflow run takes it, and
// --database-url over its database_url.
type configFlags struct {
	file, dbURL string
}

func (f *configFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.file, "config", os.Getenv("IRISFLOW_CONFIG"), "YAML configuration file, as irisflow run takes it (IRISFLOW_* variables override it; default $IRISFLOW_CONFIG)")
	fs.StringVar(&f.dbURL, "database-url", "", "PostgreSQL URL (default the configuration's database_url / IRISFLOW_DATABASE_URL)")
}

// load reads the configuration (config.LoadCommand), --database-url over it.
func (f *configFlags) load() (*config.Config, error) {
	cfg, err := config.LoadCommand(f.file, os.Getenv)
	if err != nil {
		return nil, err
	}
	if f.dbURL != "" {
		cfg.DatabaseURL = f.dbURL
	}
	return cfg, nil
}

// databaseURLDefault is IRISFLOW_DATABASE_URL, else the configuration default.
func databaseURLDefault() string {
	if v := os.Getenv("IRISFLOW_DATABASE_URL"); v != "" {
		return v
	}
	return config.DefaultDatabaseURL
}
