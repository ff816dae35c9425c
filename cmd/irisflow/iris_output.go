package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/irisflow/irisflow/pkg/iris"
)

// profilesJSON is the --json output of iris investigate: the results as
// Iris sent them.
type profilesJSON struct {
	Results []json.RawMessage `json:"results"`
	Missing []string          `json:"missing"`
}

// pivotJSON is the --json output of iris pivot.
type pivotJSON struct {
	Query      string            `json:"query"`
	TotalCount int               `json:"total_count"`
	Truncated  bool              `json:"truncated"`
	Results    []json.RawMessage `json:"results"`
}

func irisWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// orderedResults returns the found results in the order the domains were
// given, once each.
func irisOrderedResults(asked []string, p *iris.Profiles) []*iris.Result {
	var out []*iris.Result
	seen := map[*iris.Result]bool{}
	for _, d := range asked {
		if r, ok := p.Get(d); ok && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func irisPointers(rs []iris.Result) []*iris.Result {
	out := make([]*iris.Result, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	return out
}

// rawResults returns each result as received, or re-encoded when built in
// code.
func irisRawResults(rs []*iris.Result) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(rs))
	for _, r := range rs {
		if len(r.Raw) > 0 {
			out = append(out, r.Raw)
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			continue
		}
		out = append(out, b)
	}
	return out
}

func irisNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func irisRiskText(r *iris.Result) string {
	if n, ok := r.RiskScore(); ok {
		return strconv.Itoa(n)
	}
	return "-"
}

func irisOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printIrisProfiles(w io.Writer, rs []*iris.Result, missing []string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tRISK\tTAGS\tCREATED\tREGISTRAR\tIP")
	for _, r := range rs {
		ip := "-"
		if ips := r.IPAddresses(); len(ips) > 0 {
			ip = ips[0]
			if len(ips) > 1 {
				ip += fmt.Sprintf(" (+%d)", len(ips)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Domain, irisRiskText(r), irisOrDash(strings.Join(r.TagLabels(), ",")),
			irisOrDash(r.CreateDate.Value), irisOrDash(r.Registrar.Value), ip)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(missing) > 0 {
		_, err := fmt.Fprintf(w, "no Iris data for: %s\n", strings.Join(missing, ", "))
		return err
	}
	return nil
}

func printIrisPivot(w io.Writer, q iris.Query, res *iris.SearchResult) error {
	head := fmt.Sprintf("%s: %d domains", q, len(res.Results))
	if res.Truncated {
		head += fmt.Sprintf(" (first %d of %d; raise --max for more)", len(res.Results), res.TotalCount)
	}
	fmt.Fprintln(w, head)
	if len(res.Results) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tRISK\tCREATED\tTAGS")
	for i := range res.Results {
		r := &res.Results[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Domain, irisRiskText(r), irisOrDash(r.CreateDate.Value), irisOrDash(strings.Join(r.TagLabels(), ",")))
	}
	return tw.Flush()
}

func irisIntText(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func printIrisAccount(w io.Writer, a *iris.Account) error {
	state := "active"
	if !a.Active {
		state = "INACTIVE"
	}
	fmt.Fprintf(w, "account %s (%s)\n", a.Username, state)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PRODUCT\tPER MIN\tPER HOUR\tPER MONTH\tABSOLUTE\tUSED TODAY\tUSED MONTH\tEXPIRES")
	for _, p := range a.Products {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, irisIntText(p.PerMinuteLimit), irisIntText(p.PerHourLimit),
			irisIntText(p.PerMonthLimit), irisIntText(p.AbsoluteLimit), irisIntText(p.UsageToday), irisIntText(p.UsageMonth), irisOrDash(p.ExpirationDate))
	}
	return tw.Flush()
}
