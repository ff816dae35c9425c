package pivoter

import (
	"io"
	"log/slog"
	"slices"
	"strings"
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
	tests := []struct {
		name  string
		env   map[string]string
		yaml  string
		iris  *iris.Client
		check func(t *testing.T, c Config)
	}{
		{"defaults", creds, "", client, func(t *testing.T, c Config) {
			if c.ProfileTTL != 24*time.Hour || c.SearchTTL != 24*time.Hour || c.Threshold != 300 || c.MaxResults != 5000 ||
				c.MaxArtifactsPerPivot != 25 || c.MaxArtifactsPerIncident != 100 || c.MaxDepth != 1 || c.Concurrency != 8 ||
				!slices.Equal(c.AutoTypes, []string{"ssl_hash", "ip", "email"}) {
				t.Errorf("config %+v", c)
			}
			if c.Iris != client {
				t.Error("the Iris client of deps is not used")
			}
		}},
		{"environment", map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k", "IRISFLOW_CACHE_TTL": "90m",
			"IRISFLOW_PIVOT_THRESHOLD": "150", "IRISFLOW_AUTOPIVOT_TYPES": "ssl_hash, ip_address ,registrant_org"}, "", client,
			func(t *testing.T, c Config) {
				if c.ProfileTTL != 90*time.Minute || c.Threshold != 150 ||
					!slices.Equal(c.AutoTypes, []string{"ssl_hash", "ip_address", "registrant_org"}) {
					t.Errorf("config %+v", c)
				}
			}},
		{"file", creds, "pivoter:\n  search_ttl: 1h\n  max_results: 1000\n  max_artifacts_per_pivot: 5\n  max_artifacts_per_incident: 7\n  concurrency: 2\nplaybook:\n  max_depth: 3\n",
			client, func(t *testing.T, c Config) {
				if c.SearchTTL != time.Hour || c.MaxResults != 1000 || c.MaxArtifactsPerPivot != 5 || c.MaxArtifactsPerIncident != 7 ||
					c.Concurrency != 2 || c.MaxDepth != 3 {
					t.Errorf("config %+v", c)
				}
			}},
		{"no iris client", creds, "", nil, func(t *testing.T, c Config) {
			if c.Iris != nil {
				t.Error("a nil *iris.Client became a non-nil Iris")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Config(t, config.ServicePivoter, tt.yaml, tt.env)
			d := &deps.Deps{Iris: tt.iris, Ready: obs.NewReadiness(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			c := FromConfig(cfg, d)
			if c.Ready != d.Ready || c.Logger != d.Log {
				t.Errorf("deps not passed: %+v", c)
			}
			tt.check(t, c)
			// Apart from the connections deps holds, Run accepts it (the
			// pivot types resolve).
			if _, err := c.withDefaults(); err == nil || strings.Contains(err.Error(), "AutoTypes") || !strings.Contains(err.Error(), "JS is required") {
				t.Errorf("withDefaults: %v", err)
			}
		})
	}
}
