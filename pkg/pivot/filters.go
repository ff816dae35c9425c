package pivot

import (
	"slices"
	"strings"
	"time"
)

// Iris filter parameters an Execute Pivots call can add.
const (
	FilterDataUpdatedAfter = "data_updated_after"
	FilterCreateDate       = "create_date"
)

// Filters returns the Iris filters of an Execute Pivots call: the seed's
// dt_data_updated_after → data_updated_after and dt_created_date →
// create_date, each as YYYY-MM-DD in UTC; nil times are left out. The result
// is never nil.
func Filters(updatedAfter, createdDate *time.Time) map[string]string {
	f := make(map[string]string, 2)
	if updatedAfter != nil && !updatedAfter.IsZero() {
		f[FilterDataUpdatedAfter] = updatedAfter.UTC().Format(time.DateOnly)
	}
	if createdDate != nil && !createdDate.IsZero() {
		f[FilterCreateDate] = createdDate.UTC().Format(time.DateOnly)
	}
	return f
}

// FiltersKey is the canonical form of filters for the pivot search cache:
// "name=value" pairs sorted by name, joined by "&"; "" for none.
func FiltersKey(filters map[string]string) string {
	names := make([]string, 0, len(filters))
	for n := range filters {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(filters[n])
	}
	return b.String()
}
