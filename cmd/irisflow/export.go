package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/snapshot"
	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newExportCmd) }

// exportRow is one domain in `irisflow export`: the search columns plus
// every pivotable value of the profile.
type exportRow struct {
	profileRow
	IPs           []string `json:"ips"`
	NameServers   []string `json:"name_servers"`
	MX            []string `json:"mx"`
	SSLHashes     []string `json:"ssl_hashes"`
	Emails        []string `json:"emails"`
	Registrants   []string `json:"registrants"`
	TrackingCodes []string `json:"tracking_codes"`
}

var exportHeader = []string{"domain", "fetched_at", "risk_score", "tags", "create_date", "registrar", "registrant_org",
	"country_code", "ips", "name_servers", "mx", "ssl_hashes", "emails", "registrants", "tracking_codes"}

func newExportCmd() *cobra.Command {
	var (
		sf                    searchFlags
		dbURL, format, output string
		limit                 int
	)
	cmd := &cobra.Command{
		Use:   "export [FILTERS]",
		Short: "Stream every domain matching the search filters as CSV or JSON lines",
		Long: `Writes every domain whose newest profile matches the filters (those of
irisflow search), streamed from the database as rows arrive, so a result set
of any size takes constant memory. --format csv (default) or json (one JSON
object a line). Lists (IPs, name servers, …) are joined with ";" in CSV.
A progress bar is drawn on stderr when stderr is a terminal.

Exit codes: 0 something exported, 1 failure, 2 bad usage, 3 nothing matched.`,
		Example: `  irisflow export --tag phishing --output phishing.csv
  irisflow export --ns ns1.example.net --format json | jq .domain`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "csv", "json"); err != nil {
				return err
			}
			f, err := sf.filter(cmd.Flags().Changed, time.Now())
			if err != nil {
				return err
			}
			if limit < 0 {
				return usageError("--limit must be 0 (all) or more")
			}
			f.Limit = limit
			ctx := cmd.Context()
			st, err := store.Open(ctx, dbURL)
			if err != nil {
				return err
			}
			defer st.Close()
			var out io.Writer = cmd.OutOrStdout()
			if output != "" && output != "-" {
				file, err := os.Create(output)
				if err != nil {
					return fmt.Errorf("export: %w", err)
				}
				defer file.Close()
				out = file
			}
			bar := newProgress(cmd.ErrOrStderr(), "export", 0)
			if bar.w != nil { // the count costs a query: only for a bar someone sees
				if bar.total, err = st.SearchCount(ctx, f); err != nil {
					return err
				}
				if limit > 0 {
					bar.total = min(bar.total, int64(limit))
				}
			}
			n, err := exportProfiles(out, format, func(fn func(store.Profile) error) error {
				return st.SearchEach(ctx, f, fn)
			}, bar)
			bar.finish()
			if err != nil {
				return err
			}
			if n == 0 {
				return noMatch("no stored profiles match")
			}
			if output != "" && output != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "exported %s to %s\n", pluralize(int(n), "domain"), output)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	sf.register(fl)
	fl.StringVar(&dbURL, "database-url", databaseURLDefault(), "PostgreSQL URL (IRISFLOW_DATABASE_URL)")
	fl.StringVar(&format, "format", "csv", "output: csv or json (JSON lines)")
	fl.StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	fl.IntVar(&limit, "limit", 0, "at most this many domains (0 = all)")
	return cmd
}

// exportProfiles writes the rows each produces and returns how many.
func exportProfiles(w io.Writer, format string, each func(func(store.Profile) error) error, bar *progress) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var (
		n   int64
		cw  *csv.Writer
		enc *json.Encoder
	)
	if format == "csv" {
		cw = csv.NewWriter(bw)
		if err := cw.Write(exportHeader); err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
	} else {
		enc = json.NewEncoder(bw)
	}
	err := each(func(p store.Profile) error {
		row, err := toExportRow(p)
		if err != nil {
			return err
		}
		if cw != nil {
			err = cw.Write([]string{row.Domain, row.FetchedAt.Format(time.RFC3339), intOrEmpty(row.RiskScore),
				strings.Join(row.Tags, ";"), row.CreateDate, row.Registrar, row.RegistrantOrg, row.CountryCode,
				strings.Join(row.IPs, ";"), strings.Join(row.NameServers, ";"), strings.Join(row.MX, ";"),
				strings.Join(row.SSLHashes, ";"), strings.Join(row.Emails, ";"), strings.Join(row.Registrants, ";"),
				strings.Join(row.TrackingCodes, ";")})
		} else {
			err = enc.Encode(row)
		}
		if err != nil {
			return fmt.Errorf("export: write %s: %w", p.Domain, err)
		}
		n++
		bar.add(1)
		return nil
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("export: %w", ferr)
	}
	return n, err
}

func toExportRow(p store.Profile) (exportRow, error) {
	f, err := snapshot.Of(p)
	if err != nil {
		return exportRow{}, err
	}
	nonNil := func(ss []string) []string {
		if ss == nil {
			return []string{}
		}
		return ss
	}
	return exportRow{profileRow: toRows([]store.Profile{p})[0],
		IPs: nonNil(f.OfKind(snapshot.KindIP)), NameServers: nonNil(f.OfKind(snapshot.KindNameServer)),
		MX: nonNil(f.OfKind(snapshot.KindMX)), SSLHashes: nonNil(f.OfKind(snapshot.KindSSL)),
		Emails: nonNil(f.OfKind(snapshot.KindEmail)), Registrants: nonNil(f.OfKind(snapshot.KindRegistrant)),
		TrackingCodes: nonNil(f.OfKind(snapshot.KindTracking))}, nil
}
