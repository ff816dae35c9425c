package irissim

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// searchQuery is a parsed pivot search.
type searchQuery struct {
	conds   []pair   // base params, ANDed
	tagAll  []string // tagged_with_all labels
	tagAny  []string // tagged_with_any labels
	filters []func(*record) bool
	sortBy  string
	desc    bool
	key     string // canonical form, binds position tokens
}

// pagingParams are not part of a query's identity.
var pagingParams = map[string]bool{
	"api_username": true, "api_key": true, "timestamp": true, "signature": true,
	"position": true, "page_size": true, "next": true, "format": true,
	"app_name": true, "app_version": true, "app_partner": true,
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = norm(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseSearch reads a search from form; the error text goes into a 400.
func (s *Server) parseSearch(form url.Values, now time.Time) (*searchQuery, error) {
	q := &searchQuery{sortBy: "domain"}
	var keyParts []string
	for k, vs := range form {
		if len(vs) == 0 {
			continue
		}
		v := strings.TrimSpace(vs[0])
		if !pagingParams[k] {
			keyParts = append(keyParts, k+"="+v)
		}
		switch {
		case unsupportedBase[k]:
			return nil, fmt.Errorf("the simulator does not support the %s parameter", k)
		case baseParams[k]:
			if v == "" {
				return nil, fmt.Errorf("empty value for %s", k)
			}
			q.conds = append(q.conds, pair{k, v})
		case k == "tagged_with_any":
			q.tagAny = splitList(v)
		case k == "tagged_with_all":
			q.tagAll = splitList(v)
		case k == "sort_by":
			switch v {
			case "domain", "create_date", "first_seen_since", "risk_score":
				q.sortBy = v
			default:
				return nil, fmt.Errorf("sort_by must be one of first_seen_since, create_date, domain, risk_score")
			}
		case k == "sort_direction":
			switch v {
			case "asc":
			case "dsc", "desc":
				q.desc = true
			default:
				return nil, fmt.Errorf("sort_direction must be asc or dsc")
			}
		default:
			f, err := parseFilter(k, v, now)
			if err != nil {
				return nil, err
			}
			if f != nil {
				q.filters = append(q.filters, f)
			}
		}
	}
	if len(q.conds) == 0 && len(q.tagAny) == 0 && len(q.tagAll) == 0 {
		return nil, fmt.Errorf("a search needs at least one search parameter (domain, ip, email, nameserver_host, ssl_hash, …); filters alone are not a search")
	}
	sort.Strings(keyParts)
	q.key = strings.Join(keyParts, "&")
	return q, nil
}

// parseFilter returns the predicate of a filter parameter, nil for a
// parameter that is not a filter (ignored).
func parseFilter(k, v string, now time.Time) (func(*record) bool, error) {
	bad := func(what string) error { return fmt.Errorf("%s must be %s, got %q", k, what, v) }
	switch k {
	case "active":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, bad("true or false")
		}
		return func(r *record) bool { return r.Active == b }, nil
	case "tld":
		tlds := splitList(strings.ReplaceAll(v, ".", ""))
		return func(r *record) bool { return slices.Contains(tlds, r.TLD) }, nil
	case "create_date", "expiration_date":
		cmp, err := dateComparison(v)
		if err != nil {
			return nil, bad("YYYY-MM-DD with an optional >, >=, < or <= prefix")
		}
		if k == "create_date" {
			return func(r *record) bool { return cmp(r.Created) }, nil
		}
		return func(r *record) bool { return cmp(r.Expires) }, nil
	case "create_date_within":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, bad("a number of days")
		}
		from := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -n)
		return func(r *record) bool { return !r.Created.Before(from) }, nil
	case "first_seen_since":
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, bad("an RFC 3339 time")
		}
		return func(r *record) bool { return !r.FirstSeen.Before(t) }, nil
	case "first_seen_within":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, bad("a number of seconds")
		}
		from := now.Add(-time.Duration(n) * time.Second)
		return func(r *record) bool { return !r.FirstSeen.Before(from) }, nil
	case "not_tagged_with_any":
		labels := splitList(v)
		return func(r *record) bool { return !hasAny(r, labels) }, nil
	case "not_tagged_with_all":
		labels := splitList(v)
		return func(r *record) bool { return !hasAll(r, labels) }, nil
	case "data_updated_after":
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, bad("YYYY-MM-DD")
			}
		}
		return func(r *record) bool { return !r.Updated.Before(t) }, nil
	}
	return nil, nil
}

func dateComparison(v string) (func(time.Time) bool, error) {
	op := ""
	for _, p := range []string{">=", "<=", ">", "<"} {
		if strings.HasPrefix(v, p) {
			op, v = p, v[len(p):]
			break
		}
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	if err != nil {
		return nil, err
	}
	return func(t time.Time) bool {
		t = t.UTC().Truncate(24 * time.Hour)
		switch op {
		case ">=":
			return !t.Before(d)
		case "<=":
			return !t.After(d)
		case ">":
			return t.After(d)
		case "<":
			return t.Before(d)
		}
		return t.Equal(d)
	}, nil
}

func hasAny(r *record, labels []string) bool {
	for _, t := range r.Tags {
		if slices.Contains(labels, norm(t.Label)) {
			return true
		}
	}
	return false
}

func hasAll(r *record, labels []string) bool {
	for _, l := range labels {
		if !hasAny(r, []string{l}) {
			return false
		}
	}
	return true
}

// run returns the ids of the matching domains in the query's order.
func (s *Server) run(q *searchQuery) []int32 {
	var ids []int32
	first := true
	and := func(l []int32) {
		if first {
			ids, first = l, false
			return
		}
		ids = intersect(ids, l)
	}
	for _, c := range q.conds {
		and(s.ix.ids(c.p, c.v))
	}
	if len(q.tagAny) > 0 {
		var lists [][]int32
		for _, l := range q.tagAny {
			lists = append(lists, s.ix.ids(pTag, l))
		}
		and(union(lists...))
	}
	for _, l := range q.tagAll {
		and(s.ix.ids(pTag, l))
	}
	out := make([]int32, 0, len(ids))
	for _, id := range ids {
		r := s.ix.recs[id]
		ok := true
		for _, f := range q.filters {
			if !f(r) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, id)
		}
	}
	if q.sortBy != "domain" || q.desc {
		recs := s.ix.recs
		slices.SortStableFunc(out, func(a, b int32) int {
			var c int
			switch q.sortBy {
			case "create_date":
				c = recs[a].Created.Compare(recs[b].Created)
			case "first_seen_since":
				c = recs[a].FirstSeen.Compare(recs[b].FirstSeen)
			case "risk_score":
				c = recs[a].Risk.Score - recs[b].Risk.Score
			}
			if c == 0 {
				c = int(a - b) // ids are in name order: a total order
			}
			if q.desc {
				c = -c
			}
			return c
		})
	}
	return out
}
