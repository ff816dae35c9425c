package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/snapshot"
	"github.com/irisflow/irisflow/pkg/store"
)

// domainSnapshot is one fetch in `irisflow history DOMAIN --format json`.
type domainSnapshot struct {
	profileRow
	Changes []snapshot.Change `json:"changes"`
}

// domainHistoryJSON is `irisflow history DOMAIN --format json`.
type domainHistoryJSON struct {
	Domain    string                 `json:"domain"`
	Snapshots []domainSnapshot       `json:"snapshots"`
	Incidents []store.DomainIncident `json:"incidents"`
}

// domainHistory prints every fetch of domain with what changed since the
// fetch before it, and the incidents the domain appeared in.
func domainHistory(cmd *cobra.Command, st *store.Store, domain, format string, limit int) error {
	if err := checkFormat(format, "table", "json", "csv"); err != nil {
		return err
	}
	ctx := cmd.Context()
	ps, err := st.ProfileHistory(ctx, domain, limit)
	if err != nil {
		return err
	}
	steps, err := snapshot.Changes(ps)
	if err != nil {
		return err
	}
	incidents, err := st.DomainIncidents(ctx, domain)
	if err != nil {
		return err
	}
	if err := printDomainHistory(cmd.OutOrStdout(), format, ps, steps, incidents); err != nil {
		return err
	}
	if len(ps) == 0 {
		return noMatch("no stored profiles of %s", domain)
	}
	return nil
}

func printDomainHistory(w io.Writer, format string, ps []store.Profile, steps []snapshot.Step, incidents []store.DomainIncident) error {
	rows := toRows(ps)
	switch format {
	case "json":
		out := domainHistoryJSON{Snapshots: make([]domainSnapshot, len(rows)), Incidents: incidents}
		if out.Incidents == nil {
			out.Incidents = []store.DomainIncident{}
		}
		for i, r := range rows {
			out.Domain = r.Domain
			out.Snapshots[i] = domainSnapshot{profileRow: r, Changes: steps[i].Changes}
			if out.Snapshots[i].Changes == nil {
				out.Snapshots[i].Changes = []snapshot.Change{}
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"domain", "fetched_at", "found", "risk_score", "tags", "create_date", "registrar", "first_ip", "changes"})
		for i, r := range rows {
			_ = cw.Write([]string{r.Domain, r.FetchedAt.Format(time.RFC3339), strconv.FormatBool(r.Found), intOrEmpty(r.RiskScore),
				strings.Join(r.Tags, ";"), r.CreateDate, r.Registrar, r.FirstIP, changesText(steps[i].Changes)})
		}
		cw.Flush()
		return cw.Error()
	}
	if err := printProfiles(w, "table", ps); err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCHANGED (UTC)\tWHAT CHANGED SINCE THE FETCH BEFORE")
	changed := false
	for _, s := range steps {
		if len(s.Changes) > 0 {
			changed = true
			fmt.Fprintf(tw, "%s\t%s\n", s.FetchedAt.Format("2006-01-02 15:04"), changesText(s.Changes))
		}
	}
	if !changed {
		fmt.Fprintln(tw, "-\tno change between fetches")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(incidents) == 0 {
		_, err := fmt.Fprintln(w, "\nin no recorded incident")
		return err
	}
	fmt.Fprintln(w, "\nINCIDENTS (org/incident, how, first seen UTC)")
	for _, in := range incidents {
		fmt.Fprintf(w, "  %d/%d  %s  %s\n", in.Org, in.Incident, in.How, in.At.UTC().Format("2006-01-02 15:04"))
	}
	return nil
}

func changesText(cs []snapshot.Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}
