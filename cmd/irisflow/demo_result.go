package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// demoResult is what the demo prints: the incident as an analyst sees it,
// and how the pipeline got there.
type demoResult struct {
	Org       int64          `json:"org"`
	Incident  int64          `json:"incident"`
	Steps     []demoStep     `json:"steps"`
	Notes     []demoNote     `json:"notes"`
	Rows      []demoRow      `json:"rows"`
	Artifacts []demoArtifact `json:"artifacts"`
	Summary   demoSummary    `json:"summary"`
	Unsettled string         `json:"unsettled,omitempty"`
	Elapsed   string         `json:"elapsed"`
}

type demoStep struct {
	Part      int    `json:"part"`
	What      string `json:"what"`
	Functions int    `json:"functions,omitempty"`
	Error     string `json:"error,omitempty"`
}

type demoNote struct {
	ID      int64     `json:"id"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
}

// demoRow is a domaintools_results row: the columns an analyst scans first,
// and every cell.
type demoRow struct {
	Domain string         `json:"domain_name"`
	Cells  map[string]any `json:"cells"`
}

type demoArtifact struct {
	ID          int64  `json:"id"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

type demoSummary struct {
	Invocations    int   `json:"invocations"`
	Unanswered     int   `json:"unanswered"`
	ErrorReplies   int   `json:"error_replies"`
	IrisRequests   int64 `json:"iris_requests"`
	IrisDomains    int64 `json:"iris_domains_asked"`
	IrisSearches   int64 `json:"iris_pivot_searches"`
	WritesApplied  int   `json:"writes_applied"`
	WritesPending  int   `json:"writes_pending"`
	WritesFailed   int   `json:"writes_failed"`
	DeadLetters    int   `json:"dead_letters"`
	ProfilesStored int   `json:"profiles_stored"`
	PivotRuns      int   `json:"pivot_runs"`
}

// collect reads the incident from the Resilient simulator and the counts
// from the simulators, the ledger and the DLQ stream.
func (r *demoResult) collect(ctx context.Context, env *demoEnv) {
	for _, n := range env.sim.Notes(demoOrg, demoIncident) {
		r.Notes = append(r.Notes, demoNote{ID: n.ID, Created: n.CreateDate.Time.UTC(), Text: n.Text.Content})
	}
	for _, row := range env.sim.Rows(demoOrg, demoIncident, resilient.ResultsTable) {
		cells := map[string]any{}
		for k, c := range row.Cells {
			cells[k] = c.Value
		}
		r.Rows = append(r.Rows, demoRow{Domain: fmt.Sprint(cells["domain_name"]), Cells: cells})
	}
	for _, a := range env.sim.Artifacts(demoOrg, demoIncident) {
		r.Artifacts = append(r.Artifacts, demoArtifact{ID: a.ID, Value: a.Value, Description: a.Description.Content})
	}

	s := &r.Summary
	for _, inv := range env.soar.Sent() {
		s.Invocations++
		final := false
		for _, a := range env.soar.Replies(inv.CorrelationID) {
			if a.Complete {
				final = true
				if a.MessageType == resilient.MessageError {
					s.ErrorReplies++
				}
			}
		}
		if !final {
			s.Unanswered++
		}
	}
	c := env.iris.Counters()
	// The account check at start (/v1/account/) is not a query: Iris
	// counts it against no Iris product.
	s.IrisRequests, s.IrisDomains, s.IrisSearches = c.Requests-c.ByEndpoint[irissim.PathAccount], c.Domains, c.Searches

	pool := env.pipeline.store.Pool()
	rows, err := pool.Query(ctx, `SELECT state, count(*) FROM write_ledger GROUP BY state`)
	if err == nil {
		for rows.Next() {
			var state string
			var n int
			if rows.Scan(&state, &n) == nil {
				switch state {
				case "applied":
					s.WritesApplied = n
				case "pending":
					s.WritesPending = n
				default:
					s.WritesFailed += n
				}
			}
		}
		rows.Close()
	}
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM iris_profiles`).Scan(&s.ProfilesStored)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM pivot_runs`).Scan(&s.PivotRuns)
	if st, err := env.pipeline.js.Stream(ctx, flow.StreamDLQ); err == nil {
		if info, err := st.Info(ctx); err == nil {
			s.DeadLetters = int(info.State.Msgs)
		}
	}
}

func (r *demoResult) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// rowColumns are the domaintools_results columns shown in the text table.
var rowColumns = []struct{ col, title string }{
	{"domain_name", "DOMAIN"}, {"overall_risk_score", "RISK"}, {"proximity_risk_score", "PROX"},
	{"threat_profile_risk_score", "THREAT"}, {"age", "AGE"}, {"created_date", "CREATED"},
	{"domain_registrar", "REGISTRAR"}, {"ip_addresses", "IP"}, {"ip_country_code", "CC"},
}

func (r *demoResult) writeText(w io.Writer) {
	fmt.Fprintf(w, "irisflow demo — incident %d \"PhishMe_Ident2\" (org %d)\n\n", r.Incident, r.Org)
	fmt.Fprintln(w, "Scenario")
	for _, s := range r.Steps {
		status := "ok"
		if s.Error != "" {
			status = "FAILED: " + s.Error
		}
		fmt.Fprintf(w, "  %d. %-58s %s\n", s.Part, s.What, status)
	}

	fmt.Fprintf(w, "\nNotes (%d, oldest first)\n", len(r.Notes))
	for _, n := range r.Notes {
		lines := strings.Split(strings.TrimSpace(n.Text), "\n")
		fmt.Fprintf(w, "  • %s\n", lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}

	fmt.Fprintf(w, "\nDomainTools Results data table (%d rows; 32 columns, the first shown)\n", len(r.Rows))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	titles := make([]string, len(rowColumns))
	for i, c := range rowColumns {
		titles[i] = c.title
	}
	fmt.Fprintln(tw, "  "+strings.Join(titles, "\t"))
	sorted := append([]demoRow(nil), r.Rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Domain < sorted[j].Domain })
	for _, row := range sorted {
		vals := make([]string, len(rowColumns))
		for i, c := range rowColumns {
			vals[i] = cellText(row.Cells[c.col])
		}
		fmt.Fprintln(tw, "  "+strings.Join(vals, "\t"))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nDNS Name artifacts (%d)\n", len(r.Artifacts))
	for _, a := range r.Artifacts {
		fmt.Fprintf(w, "  %-40s %s\n", a.Value, a.Description)
	}

	s := r.Summary
	fmt.Fprintf(w, "\nPipeline\n")
	fmt.Fprintf(w, "  invocations: %d sent, %d without a final reply, %d error replies\n", s.Invocations, s.Unanswered, s.ErrorReplies)
	fmt.Fprintf(w, "  Iris: %d requests (%d domains profiled, %d pivot searches); %d profiles cached; %d pivot runs recorded\n",
		s.IrisRequests, s.IrisDomains, s.IrisSearches, s.ProfilesStored, s.PivotRuns)
	fmt.Fprintf(w, "  writes: %d applied, %d pending, %d failed; dead letters: %d\n", s.WritesApplied, s.WritesPending, s.WritesFailed, s.DeadLetters)
	if r.Unsettled != "" {
		fmt.Fprintf(w, "  NOT SETTLED: %s\n", r.Unsettled)
	}
	fmt.Fprintf(w, "  elapsed: %s\n", r.Elapsed)
}

func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case string:
		if v == "" {
			return "-"
		}
		if len(v) > 32 {
			return v[:29] + "..."
		}
		return v
	default:
		return fmt.Sprint(v)
	}
}
