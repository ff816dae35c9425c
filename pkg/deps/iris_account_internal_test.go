package deps

import (
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
)

func intp(n int) *int { return &n }

func TestQuotaExcesses(t *testing.T) {
	t.Parallel()
	// The limits of DomainTools' recorded test account (python_api,
	// tests/fixtures/vcr/test_account_information.yaml): iris-investigate
	// 20 a minute, 10000 a month, no hourly limit.
	recorded := iris.Product{ID: iris.ProductInvestigate, PerMinuteLimit: intp(20), PerMonthLimit: intp(10000)}
	hourly := iris.Product{ID: iris.ProductInvestigate, PerMinuteLimit: intp(20), PerHourLimit: intp(100)}
	tests := []struct {
		name    string
		cfg     config.Iris
		product iris.Product
		want    []string // window=setting
	}{
		{"within", config.Iris{PerMinute: 20}, recorded, nil},
		{"minute over", config.Iris{PerMinute: 60}, recorded, []string{"minute=iris.per_minute"}},
		{"minute unlimited", config.Iris{}, recorded, []string{"minute=iris.per_minute"}},
		{"month over when set", config.Iris{PerMinute: 20, PerMonth: 20000}, recorded, []string{"month=iris.per_month"}},
		{"hour from per_minute", config.Iris{PerMinute: 10}, hourly, []string{"hour=iris.per_hour (unset: 60 × iris.per_minute)"}},
		{"hour set within", config.Iris{PerMinute: 10, PerHour: 100}, hourly, nil},
		{"hour set over", config.Iris{PerMinute: 10, PerHour: 101}, hourly, []string{"hour=iris.per_hour"}},
		{"no limits", config.Iris{}, iris.Product{ID: iris.ProductInvestigate}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, e := range quotaExcesses(tc.cfg, tc.product) {
				got = append(got, e.window+"="+e.setting)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("excesses %v, want %v", got, tc.want)
			}
		})
	}
}
