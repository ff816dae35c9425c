package config_test

import (
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
)

func TestPositiveAndMissing(t *testing.T) {
	t.Parallel()
	n, d, f := -1, time.Duration(0), 2.5
	config.Positive(&n, 8)
	config.Positive(&d, time.Minute)
	config.Positive(&f, 10)
	if n != 8 || d != time.Minute || f != 2.5 {
		t.Errorf("Positive: %d %v %v, want 8 1m0s 2.5 (a set value is kept)", n, d, f)
	}
	errs := config.Missing(config.Required{Field: "JS", Missing: true}, config.Required{Field: "Store"}, config.Required{Field: "Iris", Missing: true})
	if len(errs) != 2 || errs[0].Error() != "config: JS is required" || errs[1].Error() != "config: Iris is required" {
		t.Errorf("Missing = %v", errs)
	}
}
