package iris

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// BaseParams are the Iris Investigate search ("base") parameters
// (iris-api.md §1). A pivot search needs at least one of them, or a tag
// filter.
var BaseParams = []string{
	"domain", "email", "email_domain", "email_dns_soa", "registrant", "registrant_org", "registrar",
	"historical_registrant", "historical_free_text", "whois", "contact_name", "contact_phone", "contact_street", "iana_id",
	"ip", "nameserver_host", "nameserver_domain", "nameserver_ip", "mailserver_host", "mailserver_domain", "mailserver_ip",
	"redirect_domain", "server_type", "website_title",
	"ssl_hash", "ssl_subject", "ssl_email", "ssl_org", "ssl_common_name", "ssl_alt_names", "ssl_duration",
	"google_analytics", "adsense", "google_analytics_4", "google_tag_manager", "facebook", "hotjar",
	"baidu_analytics", "yandex_metrica", "matomo", "statcounter_project", "statcounter_security",
	"search_hash",
}

// FilterParams narrow a base search. The tag filters may also be used alone.
var FilterParams = []string{
	"active", "create_date", "create_date_within", "expiration_date", "first_seen_since", "first_seen_within",
	"tld", "tagged_with_any", "tagged_with_all", "not_tagged_with_any", "not_tagged_with_all",
	"data_updated_after",
}

// OutputParams shape the answer; position and page_size are set by Search
// itself (see WithPageSize).
var OutputParams = []string{"sort_by", "sort_direction", "parsed_whois", "parsed_domain_rdap"}

// standaloneFilters may form a search without a base parameter.
var standaloneFilters = []string{"tagged_with_any", "tagged_with_all"}

// Query is a pivot search: parameter names and values, built with NewQuery
// and With. Queries are values; With returns a modified copy.
type Query struct {
	params url.Values
}

// NewQuery starts a query with one parameter, e.g.
// NewQuery("ssl_hash", h).With("create_date", ">=2024-01-01").
func NewQuery(param, value string) Query {
	return Query{}.With(param, value)
}

// With returns a copy of q with param set to value (replacing any earlier
// value of param).
func (q Query) With(param, value string) Query {
	p := make(url.Values, len(q.params)+1)
	for k, v := range q.params {
		p[k] = slices.Clone(v)
	}
	p.Set(param, value)
	return Query{params: p}
}

// Values returns a copy of the parameters.
func (q Query) Values() url.Values {
	p := make(url.Values, len(q.params))
	for k, v := range q.params {
		p[k] = slices.Clone(v)
	}
	return p
}

// String returns the form encoding of the query.
func (q Query) String() string { return q.params.Encode() }

// Validate checks that every parameter is a known Iris Investigate
// parameter with a non-empty value and that the query has a base parameter
// (or a tag filter). Failures match ErrBadRequest.
func (q Query) Validate() error {
	if len(q.params) == 0 {
		return newError(KindBadRequest, PathInvestigate, 0, "empty query", nil)
	}
	hasBase := false
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range q.params {
			if !yield(k) {
				return
			}
		}
	}) {
		switch {
		case slices.Contains(BaseParams, name):
			hasBase = true
		case slices.Contains(standaloneFilters, name):
			hasBase = true
		case slices.Contains(FilterParams, name), slices.Contains(OutputParams, name):
		default:
			return newError(KindBadRequest, PathInvestigate, 0, fmt.Sprintf("unknown or reserved search parameter %q", name), nil)
		}
		if strings.TrimSpace(q.params.Get(name)) == "" {
			return newError(KindBadRequest, PathInvestigate, 0, fmt.Sprintf("search parameter %q has an empty value", name), nil)
		}
	}
	if !hasBase {
		return newError(KindBadRequest, PathInvestigate, 0, "a search needs a base parameter (e.g. ip, ssl_hash, registrant)", nil)
	}
	return nil
}

// IsSearchParam reports whether name may be used in a Query.
func IsSearchParam(name string) bool {
	return slices.Contains(BaseParams, name) || slices.Contains(FilterParams, name) || slices.Contains(OutputParams, name)
}
