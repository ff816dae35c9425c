package enricher

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	client, err := iris.New(iris.Config{BaseURL: "http://127.0.0.1:1", Username: "u", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k"}
	yaml := "enricher:\n  batch_window: 40ms\n  concurrency: 64\norgs:\n  202:\n    automatic: false\n    risk_threshold: 70\n"
	tests := []struct {
		name  string
		env   map[string]string
		yaml  string
		iris  *iris.Client
		check func(t *testing.T, c Config)
	}{
		{"defaults", creds, "", client, func(t *testing.T, c Config) {
			if c.CacheTTL != 24*time.Hour || c.BatchWindow != 25*time.Millisecond || c.Concurrency != 1000 {
				t.Errorf("tuning %v %v %d", c.CacheTTL, c.BatchWindow, c.Concurrency)
			}
			p := c.Playbook
			if !p.IsAutomatic() || p.AutoPivot || p.RiskThreshold != 90 || p.PivotThreshold != 300 || p.PivotMaxDepth != 1 ||
				!slices.Equal(p.Tags, []string{"phishing", "malware"}) || !slices.Equal(p.PivotTypes, []string{"ssl_hash", "ip", "email"}) {
				t.Errorf("playbook %+v", p)
			}
			if len(c.Orgs) != 0 {
				t.Errorf("orgs %v", c.Orgs)
			}
			if c.Iris != client {
				t.Error("the Iris client of deps is not used")
			}
		}},
		{"environment", withEnv(creds, "IRISFLOW_CACHE_TTL", "2h", "IRISFLOW_AUTOPIVOT", "true", "IRISFLOW_RISK_THRESHOLD", "80",
			"IRISFLOW_TAGS", "apt29", "IRISFLOW_AUTOPIVOT_TYPES", "ip", "IRISFLOW_PIVOT_THRESHOLD", "50"), "", client, func(t *testing.T, c Config) {
			p := c.Playbook
			if c.CacheTTL != 2*time.Hour || !p.AutoPivot || p.RiskThreshold != 80 || !slices.Equal(p.Tags, []string{"apt29"}) ||
				!slices.Equal(p.PivotTypes, []string{"ip"}) || p.PivotThreshold != 50 {
				t.Errorf("config %+v playbook %+v", c, p)
			}
		}},
		{"file with an org override", creds, yaml, client, func(t *testing.T, c Config) {
			if c.BatchWindow != 40*time.Millisecond || c.Concurrency != 64 {
				t.Errorf("tuning %v %d", c.BatchWindow, c.Concurrency)
			}
			o, ok := c.Orgs[202]
			if !ok || o.IsAutomatic() || o.RiskThreshold != 70 || !slices.Equal(o.Tags, []string{"phishing", "malware"}) {
				t.Errorf("org 202 %+v (ok %v)", o, ok)
			}
		}},
		{"no iris client", creds, "", nil, func(t *testing.T, c Config) {
			if c.Iris != nil {
				t.Error("a nil *iris.Client became a non-nil Investigator")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Config(t, config.ServiceEnricher, tt.yaml, tt.env)
			d := &deps.Deps{Iris: tt.iris, Ready: obs.NewReadiness(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "1.2.3"}
			c := FromConfig(cfg, d)
			if c.Ready != d.Ready || c.Logger != d.Log || c.Version != "1.2.3" {
				t.Errorf("deps not passed: %+v", c)
			}
			tt.check(t, c)
		})
	}
}

func withEnv(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
