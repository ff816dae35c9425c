package depstest

import (
	"errors"
	"maps"
	"sync/atomic"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
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

// FromConfig hands every case's configuration and Deps to from, and runs
// passed and the case's check on what from made.
func TestFromConfig(t *testing.T) {
	t.Parallel()
	client := IrisClient(t)
	var passed, checked atomic.Int32
	type made struct {
		cfg *config.Config
		d   *deps.Deps
	}
	from := func(cfg *config.Config, d *deps.Deps) made { return made{cfg, d} }
	t.Run("cases", func(t *testing.T) {
		FromConfig(t, config.ServiceEnricher, from,
			func(t *testing.T, m made, d *deps.Deps) {
				passed.Add(1)
				if m.d != d || d.Ready == nil || d.Log == nil || d.Version != Version {
					t.Errorf("deps %+v", d)
				}
				if _, err := d.Resilient(201); !errors.Is(err, ErrNoResilient) {
					t.Errorf("Resilient: %v", err)
				}
			},
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
	if passed.Load() != 2 || checked.Load() != 2 {
		t.Errorf("passed ran %d times, the checks %d; want 2 and 2", passed.Load(), checked.Load())
	}
}
