package pivot_test

import (
	"maps"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/pivot"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	// 1700000000000 ms = 2023-11-14T22:13:20Z; in UTC+10 it is already the 15th.
	upd := time.UnixMilli(1700000000000).In(time.FixedZone("x", 10*3600))
	cre := time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		upd, cre *time.Time
		want     map[string]string
		key      string
	}{
		{"none", nil, nil, map[string]string{}, ""},
		{"zero times", &time.Time{}, &time.Time{}, map[string]string{}, ""},
		{"updated only", &upd, nil, map[string]string{"data_updated_after": "2023-11-14"}, "data_updated_after=2023-11-14"},
		{"created only", nil, &cre, map[string]string{"create_date": "2020-02-29"}, "create_date=2020-02-29"},
		{"both", &upd, &cre, map[string]string{"data_updated_after": "2023-11-14", "create_date": "2020-02-29"},
			"create_date=2020-02-29&data_updated_after=2023-11-14"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := pivot.Filters(tc.upd, tc.cre)
			if got == nil || !maps.Equal(got, tc.want) {
				t.Errorf("Filters = %v, want %v", got, tc.want)
			}
			if k := pivot.FiltersKey(got); k != tc.key {
				t.Errorf("FiltersKey = %q, want %q", k, tc.key)
			}
		})
	}
}
