package main

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/irisflow/irisflow/pkg/store"
)

// searchFlags are the filters shared by `irisflow search` and `irisflow
// export` (and the console's query parameters, which have the same names).
type searchFlags struct {
	minRisk                                        int
	tag, registrar, registrant, email, ip, ns, mx  string
	sslHash, tracking, createdAfter, createdBefore string
	incident, since, like, sort                    string
}

func (s *searchFlags) register(f *pflag.FlagSet) {
	f.IntVar(&s.minRisk, "min-risk", 0, "risk score at least this")
	f.StringVar(&s.tag, "tag", "", "carries this Iris tag")
	f.StringVar(&s.registrar, "registrar", "", "registrar's name (exact, any case)")
	f.StringVar(&s.registrant, "registrant", "", "registrant's name or organisation (exact, any case)")
	f.StringVar(&s.email, "email", "", "any WHOIS, SOA or SSL e-mail")
	f.StringVar(&s.ip, "ip", "", "any A-record address")
	f.StringVar(&s.ns, "ns", "", "any name server host")
	f.StringVar(&s.mx, "mx", "", "any mail server host")
	f.StringVar(&s.sslHash, "ssl-hash", "", "any SSL certificate SHA-1")
	f.StringVar(&s.tracking, "tracking-code", "", "any analytics code (Google Analytics, AdSense, GA4, GTM, …)")
	f.StringVar(&s.createdAfter, "created-after", "", "registered on or after this date (YYYY-MM-DD)")
	f.StringVar(&s.createdBefore, "created-before", "", "registered on or before this date (YYYY-MM-DD)")
	f.StringVar(&s.incident, "incident", "", "seen in this incident: ID or ORG/ID")
	f.StringVar(&s.since, "since", "", "fetched within this long (e.g. 168h) or since this date/time (YYYY-MM-DD, RFC 3339)")
	f.StringVar(&s.like, "like", "", "domain contains this text (SQL LIKE with %)")
	f.StringVar(&s.sort, "sort", store.SortRisk, "order: "+strings.Join(store.SortOrders, ", "))
}

// filter turns the flags into a store filter; changed says which flags were
// given (min-risk 0 is a filter only when given). now anchors --since.
func (s *searchFlags) filter(changed func(string) bool, now time.Time) (store.SearchFilter, error) {
	f := store.SearchFilter{Tag: s.tag, Registrar: s.registrar, Registrant: s.registrant, Email: s.email, IP: s.ip,
		NameServer: s.ns, MX: s.mx, SSLHash: s.sslHash, TrackingCode: s.tracking, DomainLike: s.like, Sort: s.sort}
	if changed("min-risk") {
		f.MinRisk = &s.minRisk
	}
	if !slices.Contains(store.SortOrders, s.sort) {
		return f, usageError("unknown --sort %q (want one of %s)", s.sort, strings.Join(store.SortOrders, ", "))
	}
	var err error
	if f.CreatedAfter, err = parseDate("created-after", s.createdAfter); err != nil {
		return f, err
	}
	if f.CreatedBefore, err = parseDate("created-before", s.createdBefore); err != nil {
		return f, err
	}
	if f.Org, f.Incident, err = parseIncident(s.incident); err != nil {
		return f, err
	}
	if f.FetchedSince, err = parseSince(s.since, now); err != nil {
		return f, err
	}
	return f, nil
}

func parseDate(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, usageError("--%s %q: want a date YYYY-MM-DD", flag, v)
	}
	return t, nil
}

// parseIncident reads "4206" (any org) or "201/4206".
func parseIncident(v string) (org, incident int64, err error) {
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
		return 0, 0, usageError("--incident %q: want an incident id or ORG/ID, e.g. 4206 or 201/4206", v)
	}
	return org, incident, nil
}

// parseSince reads a duration back from now, a date or an RFC 3339 time.
func parseSince(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, usageError("--since %q: want a duration (168h), a date (YYYY-MM-DD) or an RFC 3339 time", v)
}

// checkFormat refuses an output format outside allowed.
func checkFormat(format string, allowed ...string) error {
	if !slices.Contains(allowed, format) {
		return usageError("unknown --format %q (want %s)", format, strings.Join(allowed, ", "))
	}
	return nil
}

// usageArgs wraps a cobra argument check so that its error exits 2.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		return nil
	}
}
