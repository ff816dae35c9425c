package store

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// NormalizeDomain returns the form domains are stored and looked up in:
// trimmed, without a trailing dot, lower-case ASCII with IDN labels in
// punycode ("Bücher.Example." → "xn--bcher-kva.example"). Every store method
// that takes a domain normalises it, and every domain it returns is
// normalised.
func NormalizeDomain(d string) (string, error) {
	d = strings.TrimSuffix(strings.TrimSpace(d), ".")
	if d == "" {
		return "", fmt.Errorf("%w: empty domain", ErrInvalid)
	}
	a, err := idna.Punycode.ToASCII(strings.ToLower(d))
	if err != nil {
		return "", fmt.Errorf("%w: domain %q: %v", ErrInvalid, d, err)
	}
	return strings.ToLower(a), nil
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
