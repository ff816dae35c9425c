package enricher

import (
	"slices"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps/depstest"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	client := depstest.IrisClient(t)
	yaml := "enricher:\n  batch_window: 40ms\n  concurrency: 64\norgs:\n  202:\n    automatic: false\n    risk_threshold: 70\n"
	depstest.FromConfig(t, config.ServiceEnricher, FromConfig,
		depstest.Case[Config]{Name: "defaults", Env: depstest.IrisEnv(), Iris: client, Check: func(t *testing.T, c Config) {
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
		depstest.Case[Config]{Name: "environment", Env: depstest.IrisEnv("IRISFLOW_CACHE_TTL", "2h", "IRISFLOW_AUTOPIVOT", "true", "IRISFLOW_RISK_THRESHOLD", "80",
			"IRISFLOW_TAGS", "apt29", "IRISFLOW_AUTOPIVOT_TYPES", "ip", "IRISFLOW_PIVOT_THRESHOLD", "50"), Iris: client, Check: func(t *testing.T, c Config) {
			p := c.Playbook
			if c.CacheTTL != 2*time.Hour || !p.AutoPivot || p.RiskThreshold != 80 || !slices.Equal(p.Tags, []string{"apt29"}) ||
				!slices.Equal(p.PivotTypes, []string{"ip"}) || p.PivotThreshold != 50 {
				t.Errorf("config %+v playbook %+v", c, p)
			}
		}},
		depstest.Case[Config]{Name: "file with an org override", Env: depstest.IrisEnv(), YAML: yaml, Iris: client, Check: func(t *testing.T, c Config) {
			if c.BatchWindow != 40*time.Millisecond || c.Concurrency != 64 {
				t.Errorf("tuning %v %d", c.BatchWindow, c.Concurrency)
			}
			o, ok := c.Orgs[202]
			if !ok || o.IsAutomatic() || o.RiskThreshold != 70 || !slices.Equal(o.Tags, []string{"phishing", "malware"}) {
				t.Errorf("org 202 %+v (ok %v)", o, ok)
			}
		}},
		depstest.Case[Config]{Name: "no iris client", Env: depstest.IrisEnv(), Check: func(t *testing.T, c Config) {
			if c.Iris != nil {
				t.Error("a nil *iris.Client became a non-nil Investigator")
			}
		}},
	)
}
