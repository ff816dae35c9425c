package deps_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestStandaloneRunsOneServiceFromTheEnvironment(t *testing.T) {
	t.Parallel()
	n := testenv.StartNATS(t)
	file := filepath.Join(t.TempDir(), "irisflow.yaml")
	if err := os.WriteFile(file, []byte("enricher:\n  concurrency: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"IRISFLOW_CONFIG": file, "IRISFLOW_SERVICES": "bridge,writer", // ignored: the binary runs the enricher
		"IRISFLOW_DATABASE_URL": testenv.EmptyPostgres(t), "IRISFLOW_NATS_URL": n.URL, "IRISFLOW_HTTP_LISTEN": "off",
		"IRISFLOW_IRIS_USER": "demo", "IRISFLOW_IRIS_KEY": "s3cr3t-iris-key", "IRISFLOW_IRIS_URL": "http://127.0.0.1:1",
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var got *config.Config
	var gotDeps *deps.Deps
	enricher := deps.ServiceDef{Name: config.ServiceEnricher, Run: func(_ context.Context, cfg *config.Config, d *deps.Deps) error {
		got, gotDeps = cfg, d
		return nil
	}}
	err := deps.Standalone(context.Background(), log, enricher, "1.2.3", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got.Services) != 1 || got.Services[0] != config.ServiceEnricher || got.Enricher.Concurrency != 7 {
		t.Fatalf("configuration %+v", got)
	}
	if gotDeps.Iris == nil || gotDeps.Resilient != nil || gotDeps.Version != "1.2.3" {
		t.Errorf("deps for the enricher: iris %v resilient %v version %q", gotDeps.Iris != nil, gotDeps.Resilient != nil, gotDeps.Version)
	}
	out := logs.String()
	if !strings.Contains(out, "enricher starting") || strings.Contains(out, "s3cr3t-iris-key") {
		t.Errorf("startup log must show the configuration once, masked:\n%s", out)
	}
}

func TestStandaloneReportsConfigurationErrors(t *testing.T) {
	t.Parallel()
	ran := false
	writer := deps.ServiceDef{Name: config.ServiceWriter, Run: func(context.Context, *config.Config, *deps.Deps) error { ran = true; return nil }}
	err := deps.Standalone(context.Background(), quiet(), writer, "dev", func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "IRISFLOW_RESILIENT_URL") || ran {
		t.Fatalf("err = %v (ran %v), want the configuration error and no service", err, ran)
	}
}

// Define's service runs on the Config its FromConfig makes of the
// configuration and the connections, under its name, and returns what its
// Run returns.
func TestDefine(t *testing.T) {
	t.Parallel()
	cfg, d := &config.Config{}, &deps.Deps{Version: "9.9.9"}
	type serviceConfig struct {
		cfg *config.Config
		d   *deps.Deps
	}
	errStopped := errors.New("stopped")
	var got serviceConfig
	def := deps.Define("probe",
		func(c *config.Config, d *deps.Deps) serviceConfig { return serviceConfig{c, d} },
		func(ctx context.Context, c serviceConfig) error { got = c; return errStopped })
	s := def.On(cfg, d)
	if s.Name != "probe" {
		t.Errorf("service name %q, want probe", s.Name)
	}
	if err := s.Run(context.Background()); !errors.Is(err, errStopped) {
		t.Errorf("Run returned %v, want the service's error", err)
	}
	if got.cfg != cfg || got.d != d {
		t.Errorf("Run got %+v, want FromConfig of the configuration and the connections", got)
	}
}
