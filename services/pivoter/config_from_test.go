package pivoter

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps/depstest"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	client := depstest.IrisClient(t)
	// runnable fails the test unless Run accepts c apart from the
	// connections deps holds (the pivot types resolve).
	runnable := func(t *testing.T, c Config) {
		if _, err := c.withDefaults(); err == nil || strings.Contains(err.Error(), "AutoTypes") || !strings.Contains(err.Error(), "JS is required") {
			t.Errorf("withDefaults: %v", err)
		}
	}
	depstest.FromConfig(t, config.ServicePivoter, FromConfig,
		depstest.Case[Config]{Name: "defaults", Env: depstest.IrisEnv(), Iris: client, Check: func(t *testing.T, c Config) {
			runnable(t, c)
			if c.ProfileTTL != 24*time.Hour || c.SearchTTL != 24*time.Hour || c.Threshold != 300 || c.MaxResults != 5000 ||
				c.MaxArtifactsPerPivot != 25 || c.MaxArtifactsPerIncident != 100 || c.MaxDepth != 1 || c.Concurrency != 8 ||
				!slices.Equal(c.AutoTypes, []string{"ssl_hash", "ip", "email"}) {
				t.Errorf("config %+v", c)
			}
			if c.Iris != client {
				t.Error("the Iris client of deps is not used")
			}
		}},
		depstest.Case[Config]{Name: "environment", Env: depstest.IrisEnv("IRISFLOW_CACHE_TTL", "90m",
			"IRISFLOW_PIVOT_THRESHOLD", "150", "IRISFLOW_AUTOPIVOT_TYPES", "ssl_hash, ip_address ,registrant_org"), Iris: client,
			Check: func(t *testing.T, c Config) {
				runnable(t, c)
				if c.ProfileTTL != 90*time.Minute || c.Threshold != 150 ||
					!slices.Equal(c.AutoTypes, []string{"ssl_hash", "ip_address", "registrant_org"}) {
					t.Errorf("config %+v", c)
				}
			}},
		depstest.Case[Config]{Name: "file", Env: depstest.IrisEnv(),
			YAML: "pivoter:\n  search_ttl: 1h\n  max_results: 1000\n  max_artifacts_per_pivot: 5\n  max_artifacts_per_incident: 7\n  concurrency: 2\nplaybook:\n  max_depth: 3\n",
			Iris: client, Check: func(t *testing.T, c Config) {
				runnable(t, c)
				if c.SearchTTL != time.Hour || c.MaxResults != 1000 || c.MaxArtifactsPerPivot != 5 || c.MaxArtifactsPerIncident != 7 ||
					c.Concurrency != 2 || c.MaxDepth != 3 {
					t.Errorf("config %+v", c)
				}
			}},
		depstest.Case[Config]{Name: "no iris client", Env: depstest.IrisEnv(), Check: func(t *testing.T, c Config) {
			runnable(t, c)
			if c.Iris != nil {
				t.Error("a nil *iris.Client became a non-nil Iris")
			}
		}},
	)
}
