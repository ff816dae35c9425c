package deps_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func intp(n int) *int { return &n }

func TestQuotaProblems(t *testing.T) {
	t.Parallel()
	// The limits of DomainTools' recorded test account (python_api,
	// tests/fixtures/vcr/test_account_information.yaml): iris-investigate
	// 20 a minute, 10000 a month, no hourly limit.
	recorded := iris.Product{ID: iris.ProductInvestigate, PerMinuteLimit: intp(20), PerMonthLimit: intp(10000)}
	hourly := iris.Product{ID: iris.ProductInvestigate, PerMinuteLimit: intp(20), PerHourLimit: intp(100)}
	usedUp := iris.Product{ID: iris.ProductInvestigate, PerMonthLimit: intp(10000), UsageMonth: intp(10000)}
	tests := []struct {
		name    string
		cfg     config.Iris
		product iris.Product
		want    []string // a word of each problem, in order
	}{
		{"within", config.Iris{PerMinute: 20}, recorded, nil},
		{"minute over", config.Iris{PerMinute: 60}, recorded, []string{"iris.per_minute 60"}},
		{"month over when set", config.Iris{PerMinute: 20, PerMonth: 20000}, recorded, []string{"iris.per_month 20000"}},
		{"month used up", config.Iris{PerMinute: 20}, usedUp, []string{"used 10000"}},
		{"hour from per_minute", config.Iris{PerMinute: 10}, hourly, []string{"× 60 = 600"}},
		{"hour set within", config.Iris{PerMinute: 10, PerHour: 100}, hourly, nil},
		{"hour set over", config.Iris{PerMinute: 10, PerHour: 101}, hourly, []string{"iris.per_hour 101"}},
		{"no limits", config.Iris{PerMinute: 60}, iris.Product{ID: iris.ProductInvestigate}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := deps.QuotaProblems(tc.cfg, tc.product)
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %q does not say %q", got[i], w)
				}
			}
		})
	}
}

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
