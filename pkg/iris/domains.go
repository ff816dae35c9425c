package iris

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// MaxDomainsPerRequest is the most domains Iris takes in one Investigate or
// Enrich request.
const MaxDomainsPerRequest = 100

// normalizeDomain trims blanks and a trailing dot and lowercases.
func normalizeDomain(s string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
}

// domainKey is the comparison form of a domain: lowercase ASCII (punycode
// for IDNs), so that the Unicode form Iris returns matches a punycode query
// and the other way round.
func domainKey(s string) string {
	s = normalizeDomain(s)
	if a, err := idna.Lookup.ToASCII(s); err == nil && a != "" {
		return strings.ToLower(a)
	}
	if a, err := idna.Punycode.ToASCII(s); err == nil && a != "" {
		return strings.ToLower(a)
	}
	return s
}

// validateDomain rejects what would corrupt a comma-separated domain list.
func validateDomain(s string) error {
	if strings.ContainsAny(s, ", \t\r\n") {
		return fmt.Errorf("domain %q contains a comma or blank", s)
	}
	return nil
}

// domainSet is the deduplicated list of domains asked for, remembering the
// spellings the caller used for each.
type domainSet struct {
	keys     []string            // first-seen order
	send     map[string]string   // key → form sent to Iris
	spelling map[string][]string // key → caller's spellings (trimmed)
}

func newDomainSet(domains []string) (*domainSet, error) {
	s := &domainSet{send: map[string]string{}, spelling: map[string][]string{}}
	for _, d := range domains {
		trimmed := strings.TrimSpace(d)
		n := normalizeDomain(d)
		if n == "" {
			continue
		}
		if err := validateDomain(n); err != nil {
			return nil, err
		}
		k := domainKey(n)
		if _, ok := s.send[k]; !ok {
			s.keys = append(s.keys, k)
			s.send[k] = n
		}
		if !contains(s.spelling[k], trimmed) {
			s.spelling[k] = append(s.spelling[k], trimmed)
		}
	}
	return s, nil
}

// chunks splits the keys into batches of at most n.
func (s *domainSet) chunks(n int) [][]string {
	var out [][]string
	for i := 0; i < len(s.keys); i += n {
		out = append(out, s.keys[i:min(i+n, len(s.keys))])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
