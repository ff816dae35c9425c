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

	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newHistoryCmd) }

func newHistoryCmd() *cobra.Command {
	var (
		format, tag    string
		minRisk, limit int
		since          time.Duration
	)
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "history [DOMAIN]",
		Short: "Cached Iris enrichment history: every fetch of a domain, or the latest profiles matching filters",
		Long: `With a DOMAIN: every stored Iris fetch of it, newest first (risk, tags, registrar,
create date, first IP), what changed between consecutive fetches (risk 40 → 92,
a new IP, a new tag…) and the incidents it appeared in; exit code 3 when
nothing is stored for it. Without: the newest profile of each domain matching the
filters (--min-risk, --tag, --since, --like), highest risk first.`,
		Example: `  irisflow history int-chase.com
  irisflow history --min-risk 90 --tag phishing --since 168h --format csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			if len(args) == 1 {
				return domainHistory(cmd, st, args[0], format, limit)
			}
			var ps []store.Profile
			{
				f := store.ProfileFilter{Tag: tag, Limit: limit, DomainLike: cmd.Flag("like").Value.String()}
				if cmd.Flags().Changed("min-risk") {
					f.MinRisk = &minRisk
				}
				if since > 0 {
					f.Since = time.Now().Add(-since)
				}
				ps, err = st.SearchProfiles(ctx, f)
			}
			if err != nil {
				return err
			}
			return printProfiles(cmd.OutOrStdout(), format, ps)
		},
	}
	f := cmd.Flags()
	cf.register(f)
	f.StringVar(&format, "format", "table", "output: table, json or csv")
	f.StringVar(&tag, "tag", "", "only domains carrying this Iris tag")
	f.IntVar(&minRisk, "min-risk", 0, "only domains whose risk score is at least this")
	f.DurationVar(&since, "since", 0, "only profiles fetched within this long (e.g. 24h)")
	f.String("like", "", "only domains containing this text (SQL LIKE with %)")
	f.IntVar(&limit, "limit", 100, "at most this many rows")
	return cmd
}

type profileRow struct {
	Domain        string    `json:"domain"`
	FetchedAt     time.Time `json:"fetched_at"`
	Found         bool      `json:"found"`
	RiskScore     *int      `json:"risk_score"`
	Tags          []string  `json:"tags"`
	CreateDate    string    `json:"create_date,omitempty"`
	Registrar     string    `json:"registrar,omitempty"`
	RegistrantOrg string    `json:"registrant_org,omitempty"`
	FirstIP       string    `json:"first_ip,omitempty"`
	CountryCode   string    `json:"country_code,omitempty"`
}

func toRows(ps []store.Profile) []profileRow {
	out := make([]profileRow, 0, len(ps))
	for _, p := range ps {
		r := profileRow{Domain: p.Domain, FetchedAt: p.FetchedAt.UTC(), Found: p.Found, RiskScore: p.RiskScore, Tags: p.Tags,
			Registrar: p.Registrar, RegistrantOrg: p.RegistrantOrg, FirstIP: p.FirstIP, CountryCode: p.CountryCode}
		if r.Tags == nil {
			r.Tags = []string{}
		}
		if p.CreateDate != nil {
			r.CreateDate = p.CreateDate.Format(time.DateOnly)
		}
		out = append(out, r)
	}
	return out
}

func printProfiles(w io.Writer, format string, ps []store.Profile) error {
	rows := toRows(ps)
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"domain", "fetched_at", "found", "risk_score", "tags", "create_date", "registrar", "registrant_org", "first_ip", "country_code"})
		for _, r := range rows {
			_ = cw.Write([]string{r.Domain, r.FetchedAt.Format(time.RFC3339), strconv.FormatBool(r.Found), intOrEmpty(r.RiskScore),
				strings.Join(r.Tags, ";"), r.CreateDate, r.Registrar, r.RegistrantOrg, r.FirstIP, r.CountryCode})
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		if len(rows) == 0 {
			_, err := fmt.Fprintln(w, "no stored profiles match")
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DOMAIN\tFETCHED (UTC)\tRISK\tTAGS\tCREATED\tREGISTRAR\tIP")
		for _, r := range rows {
			risk := intOrEmpty(r.RiskScore)
			if !r.Found {
				risk = "not found"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Domain, r.FetchedAt.Format("2006-01-02 15:04"), orDash(risk),
				orDash(strings.Join(r.Tags, ",")), orDash(r.CreateDate), orDash(r.Registrar), orDash(r.FirstIP))
		}
		return tw.Flush()
	default:
		return fmt.Errorf("unknown --format %q (want table, json or csv)", format)
	}
}

func intOrEmpty(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
