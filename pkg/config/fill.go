package config

import (
	"errors"
	"time"
)

// Positive sets *v to def unless it is positive: the "unset" of a count, a
// rate or a duration in the services' Config defaults.
func Positive[T int | int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Required is one check of a field a service's Config cannot go without.
type Required struct {
	Field   string
	Missing bool
}

// Missing returns an error per missing field ("config: JS is required").
func Missing(fields ...Required) []error {
	var errs []error
	for _, f := range fields {
		if f.Missing {
			errs = append(errs, errors.New("config: "+f.Field+" is required"))
		}
	}
	return errs
}
