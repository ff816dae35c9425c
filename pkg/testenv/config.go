package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
)

// Config loads the configuration of one service as its binary would
// (config.LoadFor): yaml, when not empty, as the file, and env as the
// IRISFLOW_* variables. The test fails when the configuration is invalid.
func Config(t testing.TB, service, yaml string, env map[string]string) *config.Config {
	t.Helper()
	path := ""
	if yaml != "" {
		path = filepath.Join(t.TempDir(), "irisflow.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatalf("testenv: write config: %v", err)
		}
	}
	cfg, err := config.LoadFor(service, path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("testenv: load %s config: %v", service, err)
	}
	return cfg
}
