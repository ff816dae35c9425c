package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SearchParams are the names of the search filters as text parameters: the
// flags of `irisflow search` (with - for _) and the console API's query
// parameters.
var SearchParams = []string{"min_risk", "tag", "registrar", "registrant", "email", "ip", "ns", "mx", "ssl_hash",
	"tracking_code", "created_after", "created_before", "incident", "since", "like", "sort"}

// ParseSearchFilter reads a SearchFilter from text parameters (names of
// SearchParams; absent or "" = no filter). Dates are YYYY-MM-DD; incident
// is ID or ORG/ID; since is a duration back from now (168h), a date or an
// RFC 3339 time. A bad value is an ErrInvalid naming the parameter. Limit
// and Offset are left to the caller.
func ParseSearchFilter(get func(name string) string, now time.Time) (SearchFilter, error) {
	f := SearchFilter{Tag: get("tag"), Registrar: get("registrar"), Registrant: get("registrant"), Email: get("email"),
		IP: get("ip"), NameServer: get("ns"), MX: get("mx"), SSLHash: get("ssl_hash"), TrackingCode: get("tracking_code"),
		DomainLike: get("like"), Sort: get("sort")}
	if v := get("min_risk"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, fmt.Errorf("%w: min_risk %q: want a number", ErrInvalid, v)
		}
		f.MinRisk = &n
	}
	if f.Sort != "" && !slices.Contains(SortOrders, f.Sort) {
		return f, fmt.Errorf("%w: sort %q (want one of %s)", ErrInvalid, f.Sort, strings.Join(SortOrders, ", "))
	}
	var err error
	if f.CreatedAfter, err = parseDate("created_after", get("created_after")); err != nil {
		return f, err
	}
	if f.CreatedBefore, err = parseDate("created_before", get("created_before")); err != nil {
		return f, err
	}
	if f.Org, f.Incident, err = ParseIncident(get("incident")); err != nil {
		return f, err
	}
	if v := get("since"); v != "" {
		if f.FetchedSince, err = parseSince(v, now); err != nil {
			return f, err
		}
	}
	return f, nil
}

func parseDate(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, fmt.Errorf("%w: %s %q: want a date YYYY-MM-DD", ErrInvalid, name, v)
	}
	return t, nil
}

// ParseIncident reads "4206" (org 0: any org) or "201/4206"; "" is 0, 0.
func ParseIncident(v string) (org, incident int64, err error) {
	if v == "" {
		return 0, 0, nil
	}
	orgText, incText, ok := strings.Cut(v, "/")
	if !ok {
		orgText, incText = "", v
	}
	incident, err = strconv.ParseInt(incText, 10, 64)
	if err == nil && orgText != "" {
		org, err = strconv.ParseInt(orgText, 10, 64)
	}
	if err != nil || incident <= 0 || org < 0 {
		return 0, 0, fmt.Errorf("%w: incident %q: want an incident id or ORG/ID, e.g. 4206 or 201/4206", ErrInvalid, v)
	}
	return org, incident, nil
}

func parseSince(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: since %q: want a duration (168h), a date (YYYY-MM-DD) or an RFC 3339 time", ErrInvalid, v)
}
