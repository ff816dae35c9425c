package deps_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// irisflow reads the account's limits at start, as DomainTools' client does
// (python_api, domaintools/api.py, _rate_limit), and warns when the shared
// quota is above them; the check takes nothing from the shared quota.
func TestOpenWarnsWhenTheQuotaExceedsTheAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		simMinute, simHour int
		perMinute, perHour int
		warnings           int
	}{
		{"within", 20, 0, 20, 0, 0},
		{"minute over", 20, 0, 60, 0, 1},
		{"minute and hour over", 20, 600, 60, 0, 2},
		{"hour set within", 20, 600, 20, 600, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, err := irissim.New(irissim.Config{Users: map[string]string{"u": "k"}, PerMinute: tc.simMinute, PerHour: tc.simHour})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim.Handler())
			t.Cleanup(srv.Close)
			cfg := configFor(t, config.ServicePivoter)
			cfg.Iris.URL, cfg.Iris.PerMinute, cfg.Iris.PerHour = srv.URL, tc.perMinute, tc.perHour
			var logs testenv.LogBuffer
			d, err := deps.Open(context.Background(), cfg, logs.Logger())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			t.Cleanup(func() {
				if t.Failed() {
					t.Log(logs.String())
				}
			})
			if n := logs.Count("the configured quota exceeds the account's limit"); n != tc.warnings {
				t.Errorf("%d quota warnings, want %d", n, tc.warnings)
			}
			if n := logs.Count("could not read the account"); n != 0 {
				t.Errorf("the account was not read")
			}
			if sim.Counters().Requests == 0 {
				t.Error("the simulator saw no request")
			}
			st, err := d.Quota.State(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.HourUsed != 0 {
				t.Errorf("the account check took %d requests of the shared quota, want 0", st.HourUsed)
			}
		})
	}
}

// An unreachable Iris does not stop the start: the check is logged.
func TestOpenStartsWhenTheAccountCannotBeRead(t *testing.T) {
	t.Parallel()
	cfg := configFor(t, config.ServiceEnricher) // Iris at 127.0.0.1:1
	var logs testenv.LogBuffer
	d, err := deps.Open(context.Background(), cfg, logs.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := logs.Count("could not read the account's limits"); n != 1 {
		t.Fatalf("%d warnings about the account, want 1:\n%s", n, logs.String())
	}
}
