package writer

import (
	"errors"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps/depstest"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"IRISFLOW_RESILIENT_URL": "https://soar.example.com", "IRISFLOW_RESILIENT_API_KEY_ID": "key",
		"IRISFLOW_RESILIENT_API_KEY_SECRET": "s3cret",
	}
	// tuned fails the test unless c has deps' Resilient clients and the
	// rate, concurrency and auth probe interval given.
	tuned := func(rate float64, concurrency int, probe time.Duration) func(t *testing.T, c Config) {
		return func(t *testing.T, c Config) {
			if c.Clients == nil {
				t.Fatal("no Resilient clients")
			}
			if _, err := c.Clients(201); !errors.Is(err, depstest.ErrNoResilient) {
				t.Errorf("Clients is not deps' Resilient: %v", err)
			}
			if c.RatePerSecond != rate || c.Concurrency != concurrency || c.AuthProbeInterval != probe {
				t.Errorf("rate %v concurrency %d probe %v, want %v %d %v", c.RatePerSecond, c.Concurrency, c.AuthProbeInterval, rate, concurrency, probe)
			}
		}
	}
	depstest.FromConfig(t, config.ServiceWriter, FromConfig,
		depstest.Case[Config]{Name: "defaults", Env: env, Check: tuned(10, 8, 30*time.Second)},
		depstest.Case[Config]{Name: "file", Env: env, YAML: "resilient:\n  rate_per_second: 2.5\nwriter:\n  concurrency: 3\n  auth_probe_interval: 5s\n",
			Check: tuned(2.5, 3, 5*time.Second)},
	)
}
