package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newPivotsCmd) }

func newPivotsCmd() *cobra.Command {
	var (
		format string
		limit  int
	)
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "pivots QUERY",
		Short: "Recorded pivots for a domain or a value: the incidents and the connected domains",
		Long: `Every recorded pivot run whose source domain or found domain is QUERY, or whose
pivot value is QUERY exactly (an IP, a certificate hash, an e-mail…), newest
first: the org and incident it ran for, the type and value, Iris's guided count
and total matches, and the connected domains it found (highest risk first).
The table ends with the incidents the runs belong to.`,
		Example: `  irisflow pivots whoissuggest.com
  irisflow pivots f17d5cd44c5e55827e7c4efd8896845e62e35b02 --format json
  irisflow pivots 199.30.228.112 --format csv --limit 500`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains([]string{"table", "json", "csv"}, format) {
				return fmt.Errorf("unknown --format %q (want table, json or csv)", format)
			}
			ctx := cmd.Context()
			cfg, err := cf.load()
			if err != nil {
				return err
			}
			st, err := store.Open(ctx, cfg.DatabaseURL)
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := st.PivotRunsFor(ctx, args[0], limit)
			if err != nil {
				return err
			}
			return printPivots(cmd.OutOrStdout(), format, args[0], runs)
		},
	}
	f := cmd.Flags()
	cf.register(f)
	f.StringVar(&format, "format", "table", "output: table, json or csv")
	f.IntVar(&limit, "limit", 50, "at most this many runs")
	return cmd
}

// pivotRow is one run in the json output.
type pivotRow struct {
	RunID         int64               `json:"run_id"`
	RunAt         time.Time           `json:"run_at"`
	Org           int64               `json:"org"`
	Incident      int64               `json:"incident"`
	SourceDomain  string              `json:"source_domain"`
	Type          string              `json:"type"`
	Value         string              `json:"value"`
	GuidedCount   int                 `json:"guided_count"`
	ResultCount   int                 `json:"result_count"`
	LimitExceeded bool                `json:"limit_exceeded"`
	Domains       []store.PivotResult `json:"domains"`
}

// tableDomains is how many connected domains a table row lists.
const tableDomains = 5

func printPivots(w io.Writer, format, query string, runs []store.PivotRun) error {
	switch format {
	case "json":
		rows := make([]pivotRow, 0, len(runs))
		for _, r := range runs {
			ds := r.Results
			if ds == nil {
				ds = []store.PivotResult{}
			}
			rows = append(rows, pivotRow{RunID: r.ID, RunAt: r.RunAt.UTC(), Org: r.Org, Incident: r.Incident,
				SourceDomain: r.SourceDomain, Type: r.Type, Value: r.Value, GuidedCount: r.GuidedCount,
				ResultCount: r.ResultCount, LimitExceeded: r.LimitExceeded, Domains: ds})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		// One line per connected domain; a run that found none has one line
		// with an empty domain.
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"run_id", "run_at", "org", "incident", "source_domain", "type", "value",
			"guided_count", "result_count", "limit_exceeded", "domain", "risk_score"})
		for _, r := range runs {
			head := []string{strconv.FormatInt(r.ID, 10), r.RunAt.UTC().Format(time.RFC3339), strconv.FormatInt(r.Org, 10),
				strconv.FormatInt(r.Incident, 10), r.SourceDomain, r.Type, r.Value, strconv.Itoa(r.GuidedCount),
				strconv.Itoa(r.ResultCount), strconv.FormatBool(r.LimitExceeded)}
			if len(r.Results) == 0 {
				_ = cw.Write(append(head, "", ""))
			}
			for _, d := range r.Results {
				_ = cw.Write(append(slices.Clone(head), d.Domain, intOrEmpty(d.RiskScore)))
			}
		}
		cw.Flush()
		return cw.Error()
	}
	if len(runs) == 0 {
		_, err := fmt.Fprintf(w, "no recorded pivots for %s\n", query)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN (UTC)\tORG\tINCIDENT\tSOURCE\tTYPE\tVALUE\tGUIDED\tMATCHED\tCONNECTED DOMAINS (RISK)")
	var incidents []string
	unknown := 0
	for _, r := range runs {
		matched := strconv.Itoa(r.ResultCount)
		switch {
		case r.LimitExceeded && r.ResultCount == 0: // Iris did not say how many
			matched = "too many"
		case r.LimitExceeded:
			matched += " (too many)"
		}
		incident := "-" // a function call that named no incident
		if r.Incident != 0 {
			incident = strconv.FormatInt(r.Incident, 10)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.RunAt.UTC().Format("2006-01-02 15:04"), r.Org, incident,
			orDash(r.SourceDomain), r.Type, shorten(r.Value, 48), r.GuidedCount, matched, connected(r.Results))
		if r.Incident == 0 {
			unknown++
			continue
		}
		inc := fmt.Sprintf("%d/%d", r.Org, r.Incident)
		if !slices.Contains(incidents, inc) {
			incidents = append(incidents, inc)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	summary := fmt.Sprintf("\n%s in %s (org/incident): %s", pluralize(len(runs), "run"), pluralize(len(incidents), "incident"),
		strings.Join(incidents, ", "))
	if unknown > 0 {
		summary += fmt.Sprintf("; %d without an incident (a workflow that passed no incident_id)", unknown)
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}

// pluralize is "1 run", "2 runs".
func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// connected lists the first tableDomains domains with their risk.
func connected(ds []store.PivotResult) string {
	if len(ds) == 0 {
		return "-"
	}
	parts := make([]string, 0, tableDomains+1)
	for i, d := range ds {
		if i == tableDomains {
			parts = append(parts, fmt.Sprintf("+%d more", len(ds)-tableDomains))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", d.Domain, orDash(intOrEmpty(d.RiskScore))))
	}
	return strings.Join(parts, ", ")
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
