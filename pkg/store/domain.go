package store

import (
	"fmt"

	"github.com/irisflow/irisflow/pkg/domain"
)

// NormalizeDomain returns the form domains are stored and looked up in, as
// pkg/domain defines it: lower-case ASCII with IDN labels in punycode, no
// trailing dot ("Bücher.Example." → "xn--bcher-kva.example"). Every store
// method that takes a domain normalises it, and every domain it returns is
// normalised. What is not a domain is refused with ErrInvalid.
func NormalizeDomain(d string) (string, error) {
	n, err := domain.Normalize(d)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return n.ASCII, nil
}

// normalizeAll normalises ds, dropping duplicates while keeping first-seen
// order.
func normalizeAll(ds []string) ([]string, error) {
	out := make([]string, 0, len(ds))
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		n, err := NormalizeDomain(d)
		if err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}
