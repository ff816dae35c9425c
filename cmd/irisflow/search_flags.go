package main

import (
	"fmt"
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

// filter turns the flags into a store filter (the parser the console's API
// uses too); changed says which flags were given (min-risk 0 is a filter
// only when given). now anchors --since.
func (s *searchFlags) filter(changed func(string) bool, now time.Time) (store.SearchFilter, error) {
	v := map[string]string{"tag": s.tag, "registrar": s.registrar, "registrant": s.registrant, "email": s.email,
		"ip": s.ip, "ns": s.ns, "mx": s.mx, "ssl_hash": s.sslHash, "tracking_code": s.tracking,
		"created_after": s.createdAfter, "created_before": s.createdBefore, "incident": s.incident,
		"since": s.since, "like": s.like, "sort": s.sort}
	if changed("min-risk") {
		v["min_risk"] = strconv.Itoa(s.minRisk)
	}
	f, err := store.ParseSearchFilter(func(k string) string { return v[k] }, now)
	if err != nil {
		return f, &exitError{code: exitUsage, err: flagError(err)}
	}
	return f, nil
}

// flagError names the flag (created-after) where the store names the
// parameter (created_after).
func flagError(err error) error {
	msg := strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": ")
	name, rest, _ := strings.Cut(msg, " ")
	return fmt.Errorf("--%s %s", strings.ReplaceAll(name, "_", "-"), rest)
}

// parseIncident is store.ParseIncident with a usage error.
func parseIncident(v string) (org, incident int64, err error) {
	org, incident, err = store.ParseIncident(v)
	if err != nil {
		return 0, 0, &exitError{code: exitUsage, err: flagError(err)}
	}
	return org, incident, nil
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
