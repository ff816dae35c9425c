package enricher

import (
	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
)

// normalize turns an input value into a domain, or a permanent error that
// names the value and the input it came from.
func normalize(input, value string) (domain.Name, error) {
	n, err := domain.Normalize(value)
	if err != nil {
		return domain.Name{}, flow.Permanentf("%s: %w", input, err) // the error quotes the value, bounded
	}
	return n, nil
}

// displayName is how replies and notes name a domain: its Unicode form for
// an IDN, else the ASCII form.
func displayName(n domain.Name) string {
	if n.Unicode != "" {
		return n.Unicode
	}
	return n.ASCII
}
