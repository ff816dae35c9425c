package pivot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknownType is returned (wrapped, naming the type and the valid ones)
// by Param for a pivot type irisflow cannot map to an Iris search parameter.
var ErrUnknownType = errors.New("unknown pivot type")

// params are the Iris Investigate search parameters a pivot can use: the
// "base" parameters of iris-api.md §1 plus tagged_with_any / tagged_with_all,
// which Iris accepts as the only criterion of a search (the XSOAR pivot
// command offers them so). Each maps to itself.
var params = []string{
	// Identity and registration.
	"domain", "email", "email_domain", "email_dns_soa", "registrant", "registrant_org",
	"registrar", "historical_registrant", "historical_free_text", "whois",
	"contact_name", "contact_phone", "contact_street", "iana_id",
	// Infrastructure.
	"ip", "nameserver_host", "nameserver_domain", "nameserver_ip",
	"mailserver_host", "mailserver_domain", "mailserver_ip",
	"redirect_domain", "server_type", "website_title",
	// SSL.
	"ssl_hash", "ssl_subject", "ssl_email", "ssl_org", "ssl_common_name",
	"ssl_alt_names", "ssl_duration",
	// Trackers.
	"google_analytics", "adsense", "google_analytics_4", "google_tag_manager",
	"facebook", "hotjar", "baidu_analytics", "yandex_metrica", "matomo",
	"statcounter_project", "statcounter_security",
	// Saved search and tags.
	"search_hash", "tagged_with_any", "tagged_with_all",
}

// aliases are other names for a parameter: the misspellings the seed app's
// guide prints in the dt_pivot_type LOV (nameserver_hspot, registrant_orf,
// mailserver_hspot, ssl_dhash) — a deployment whose LOV really says that
// keeps working — and the guide's own word ip_address.
var aliases = map[string]string{
	"nameserver_hspot": "nameserver_host",
	"registrant_orf":   "registrant_org",
	"mailserver_hspot": "mailserver_host",
	"ssl_dhash":        "ssl_hash",
	"ip_address":       "ip",
	"registrant_name":  "registrant",
}

// SeedTypes are the 19 pivot types of the seed app's dt_pivot_type LOV,
// spelled correctly, in the LOV's order.
var SeedTypes = []string{
	"ip", "email", "email_domain", "nameserver_host", "nameserver_domain",
	"nameserver_ip", "registrar", "registrant", "registrant_org", "mailserver_host",
	"mailserver_domain", "mailserver_ip", "redirect_domain", "ssl_hash",
	"ssl_subject", "ssl_email", "ssl_org", "google_analytics", "adsense",
}

var paramSet = func() map[string]bool {
	m := make(map[string]bool, len(params))
	for _, p := range params {
		m[p] = true
	}
	return m
}()

// Param returns the Iris search parameter of pivot type typ, and false for
// a type irisflow does not know. The type is matched case-insensitively,
// with surrounding space trimmed and inner spaces or dashes read as
// underscores ("SSL Hash" → ssl_hash); aliases (see Types) are accepted.
func Param(typ string) (param string, ok bool) {
	t := canonical(typ)
	if paramSet[t] {
		return t, true
	}
	p, ok := aliases[t]
	return p, ok
}

// Resolve is Param with an error for an unknown type: it wraps
// ErrUnknownType, names the type and lists the valid ones.
func Resolve(typ string) (string, error) {
	if p, ok := Param(typ); ok {
		return p, nil
	}
	return "", fmt.Errorf("%w %q: valid types are %s", ErrUnknownType, typ, strings.Join(Types(), ", "))
}

// Types returns every accepted pivot type, parameters then aliases, sorted
// within each group.
func Types() []string {
	out := slices.Sorted(slices.Values(params))
	al := make([]string, 0, len(aliases))
	for a := range aliases {
		al = append(al, a)
	}
	slices.Sort(al)
	return append(out, al...)
}

func canonical(typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, t)
}
