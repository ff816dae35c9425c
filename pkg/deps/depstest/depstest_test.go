package depstest

import (
	"errors"
	"log/slog"
	"maps"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/obs"
)

func TestEnv(t *testing.T) {
	t.Parallel()
	base := map[string]string{"A": "1", "B": "2"}
	got := Env(base, "B", "3", "C", "4")
	if want := map[string]string{"A": "1", "B": "3", "C": "4"}; !maps.Equal(got, want) {
		t.Errorf("Env = %v, want %v", got, want)
	}
	if want := map[string]string{"A": "1", "B": "2"}; !maps.Equal(base, want) {
		t.Errorf("base changed to %v", base)
	}
	if got := Env(nil, "A", "1"); !maps.Equal(got, map[string]string{"A": "1"}) {
		t.Errorf("Env(nil) = %v", got)
	}
	if got := IrisEnv(); got["IRISFLOW_IRIS_USER"] != "u" || got["IRISFLOW_IRIS_KEY"] != "k" {
		t.Errorf("IrisEnv = %v", got)
	}
}

// FromConfig hands every case's configuration and Deps to from, checks
// that what from made holds the Deps' connections and runs the case's check
// on it.
func TestFromConfig(t *testing.T) {
	t.Parallel()
	client := IrisClient(t)
	var checked atomic.Int32
	type made struct {
		cfg     *config.Config
		d       *deps.Deps
		Logger  *slog.Logger
		Ready   *obs.Readiness
		Version string
	}
	from := func(cfg *config.Config, d *deps.Deps) made {
		if d.Ready == nil || d.Log == nil || d.Metrics == nil || d.Version != Version {
			t.Errorf("deps %+v", d)
		}
		if _, err := d.Resilient(201); !errors.Is(err, ErrNoResilient) {
			t.Errorf("Resilient: %v", err)
		}
		return made{cfg: cfg, d: d, Logger: d.Log, Ready: d.Ready, Version: d.Version}
	}
	t.Run("cases", func(t *testing.T) {
		FromConfig(t, config.ServiceEnricher, from,
			Case[made]{Name: "env", Env: IrisEnv("IRISFLOW_CACHE_TTL", "2h"), Iris: client, Check: func(t *testing.T, m made) {
				checked.Add(1)
				if m.cfg.Enricher.CacheTTL.String() != "2h0m0s" || m.d.Iris != client {
					t.Errorf("cache ttl %v, iris %v", m.cfg.Enricher.CacheTTL, m.d.Iris)
				}
			}},
			Case[made]{Name: "file", Env: IrisEnv(), YAML: "enricher:\n  concurrency: 7\n", Check: func(t *testing.T, m made) {
				checked.Add(1)
				if m.cfg.Enricher.Concurrency != 7 || m.d.Iris != nil {
					t.Errorf("concurrency %d, iris %v", m.cfg.Enricher.Concurrency, m.d.Iris)
				}
			}},
		)
	})
	if checked.Load() != 2 {
		t.Errorf("the checks ran %d times, want 2", checked.Load())
	}
}

// Passed names every connection a Config does not hold, and a Config
// without a logger or a readiness.
func TestPassed(t *testing.T) {
	t.Parallel()
	type serviceConfig struct {
		Logger  *slog.Logger
		Ready   *obs.Readiness
		Metrics *obs.Metrics
		Version string
		other   *slog.Logger // unexported: not looked at
	}
	d := Deps(nil)
	ok := serviceConfig{Logger: d.Log, Ready: d.Ready, Metrics: d.Metrics, Version: d.Version, other: slog.Default()}
	if err := Passed(ok, d); err != nil {
		t.Errorf("all passed: %v", err)
	}
	err := Passed(serviceConfig{Logger: slog.Default(), Ready: d.Ready, Version: "dev"}, d)
	for _, want := range []string{"field Logger", "field Metrics", `field Version is "dev"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Passed = %v, want it to name %s", err, want)
		}
	}
	if err == nil || strings.Contains(err.Error(), "Ready") {
		t.Errorf("Passed = %v, want Ready passed", err)
	}
	type bare struct{ Name string }
	err = Passed(bare{}, d)
	for _, want := range []string{"no *slog.Logger field", "no *obs.Readiness field"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Passed(no logger, no readiness) = %v, want %s", err, want)
		}
	}
	if err := Passed(&ok, d); err == nil {
		t.Error("Passed of a pointer: nil, want an error")
	}
}
