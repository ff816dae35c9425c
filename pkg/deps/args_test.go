package deps_test

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
)

// A standalone binary's flags override the variables they name, and only
// when given; the configuration loaded through them shows it.
func TestArgsOverrideTheEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"IRISFLOW_CONFIG": "/etc/irisflow.yaml", "IRISFLOW_MIGRATE": "false", "IRISFLOW_NATS_URL": "nats://n:4222"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		args               []string
		wantFile, wantMigr string
	}{
		{nil, "/etc/irisflow.yaml", "false"},
		{[]string{"--migrate=false"}, "/etc/irisflow.yaml", "false"},
		{[]string{"--migrate"}, "/etc/irisflow.yaml", "true"},
		{[]string{"--config", "/tmp/x.yaml", "--migrate=true"}, "/tmp/x.yaml", "true"},
	}
	for _, tt := range tests {
		got, err := deps.Args("writer", tt.args, getenv, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got("IRISFLOW_CONFIG") != tt.wantFile || got("IRISFLOW_MIGRATE") != tt.wantMigr || got("IRISFLOW_NATS_URL") != "nats://n:4222" {
			t.Errorf("%v: config %q migrate %q nats %q", tt.args, got("IRISFLOW_CONFIG"), got("IRISFLOW_MIGRATE"), got("IRISFLOW_NATS_URL"))
		}
	}

	// --migrate=false reaches the configuration Standalone loads.
	iris := map[string]string{"IRISFLOW_IRIS_USER": "demo", "IRISFLOW_IRIS_KEY": "k", "IRISFLOW_MIGRATE": "true"}
	off, err := deps.Args("enricher", []string{"--migrate=false"}, func(k string) string { return iris[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFor(config.ServiceEnricher, off("IRISFLOW_CONFIG"), off)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Migrate == nil || *cfg.Migrate {
		t.Errorf("Migrate %v after --migrate=false", cfg.Migrate)
	}
}

func TestArgsRefusesWhatItDoesNotKnow(t *testing.T) {
	t.Parallel()
	var usage strings.Builder
	if _, err := deps.Args("pivoter", []string{"--migrat=false"}, func(string) string { return "" }, &usage); err == nil {
		t.Error("a misspelt flag was accepted")
	}
	if !strings.Contains(usage.String(), "-migrate") {
		t.Errorf("usage does not list --migrate:\n%s", usage.String())
	}
	if _, err := deps.Args("pivoter", []string{"extra"}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "no arguments") {
		t.Errorf("stray argument: %v", err)
	}
	if _, err := deps.Args("pivoter", []string{"-h"}, func(string) string { return "" }, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

// --app-config reaches the configuration Standalone loads: the writer's
// SOAR connection comes from the app.config.
func TestArgsAppConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.config")
	app := "[resilient]\nhost=soar.example.com\napi_key_id=k\napi_key_secret=s\norg=207\n"
	if err := os.WriteFile(path, []byte(app), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv, err := deps.Args("writer", []string{"--app-config", path}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFor(config.ServiceWriter, getenv("IRISFLOW_CONFIG"), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Resilient.URL != "https://soar.example.com" || cfg.STOMP.Destinations[0].String() != "207:domaintools" {
		t.Errorf("app.config not applied: %+v %v", cfg.Resilient.URL, cfg.STOMP.Destinations)
	}
}

// --log-format overrides IRISFLOW_LOG_FORMAT, which Main hands to
// obs.NewLogger as irisflow does.
func TestArgsLogFormat(t *testing.T) {
	t.Parallel()
	env := map[string]string{"IRISFLOW_LOG_FORMAT": "json"}
	for args, want := range map[string]string{"": "json", "--log-format=text": "text"} {
		var argv []string
		if args != "" {
			argv = []string{args}
		}
		got, err := deps.Args("bridge", argv, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got("IRISFLOW_LOG_FORMAT") != want {
			t.Errorf("%q: IRISFLOW_LOG_FORMAT %q, want %q", args, got("IRISFLOW_LOG_FORMAT"), want)
		}
	}
}
