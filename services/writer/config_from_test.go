package writer

import (
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"IRISFLOW_RESILIENT_URL": "https://soar.example.com", "IRISFLOW_RESILIENT_API_KEY_ID": "key",
		"IRISFLOW_RESILIENT_API_KEY_SECRET": "s3cret",
	}
	tests := []struct {
		name                  string
		yaml                  string
		wantRate              float64
		wantConcurrency       int
		wantAuthProbeInterval time.Duration
	}{
		{"defaults", "", 10, 8, 30 * time.Second},
		{"file", "resilient:\n  rate_per_second: 2.5\nwriter:\n  concurrency: 3\n  auth_probe_interval: 5s\n", 2.5, 3, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Config(t, config.ServiceWriter, tt.yaml, env)
			errNoOrg := errors.New("no such org")
			d := &deps.Deps{Ready: obs.NewReadiness(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Resilient: func(int64) (*resilient.Client, error) { return nil, errNoOrg }}
			c := FromConfig(cfg, d)
			if c.RatePerSecond != tt.wantRate || c.Concurrency != tt.wantConcurrency || c.AuthProbeInterval != tt.wantAuthProbeInterval {
				t.Errorf("rate %v concurrency %d probe %v", c.RatePerSecond, c.Concurrency, c.AuthProbeInterval)
			}
			if c.Ready != d.Ready || c.Logger != d.Log {
				t.Errorf("deps not passed: %+v", c)
			}
			if c.Clients == nil {
				t.Fatal("no Resilient clients")
			}
			if _, err := c.Clients(201); !errors.Is(err, errNoOrg) {
				t.Errorf("Clients is not deps' Resilient: %v", err)
			}
		})
	}
}
