package testenv_test

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestConfigReadsFileAndEnv(t *testing.T) {
	t.Parallel()
	cfg := testenv.Config(t, config.ServiceEnricher, "enricher:\n  concurrency: 64\n",
		map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k", "IRISFLOW_SERVICES": "bridge"})
	if cfg.Enricher.Concurrency != 64 || cfg.Iris.User != "u" || len(cfg.Services) != 1 || cfg.Services[0] != config.ServiceEnricher {
		t.Fatalf("config %+v", cfg)
	}
}
