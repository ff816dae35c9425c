package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newSearchCmd) }

func newSearchCmd() *cobra.Command {
	var (
		sf            searchFlags
		dbURL, format string
		limit, page   int
	)
	cmd := &cobra.Command{
		Use:   "search [FILTERS]",
		Short: "Search every domain's newest stored profile: risk, tag, registrar, registrant, e-mail, IP, NS, MX, SSL, tracking code, dates, incident",
		Long: `Filters apply to each domain's newest stored Iris profile (a domain that has
since moved off an IP no longer matches --ip); text values match exactly,
ignoring case. Filters combine with AND. Every filter is an index lookup
(migration 00008). Results are sorted by --sort and paged by --limit/--page.

Exit codes: 0 something matched, 1 failure, 2 bad usage, 3 nothing matched.`,
		Example: `  irisflow search --ip 45.77.148.62
  irisflow search --email domains@example.org --format csv
  irisflow search --tag phishing --min-risk 90 --since 168h
  irisflow search --incident 201/4206 --sort domain --limit 20 --page 2`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json", "csv"); err != nil {
				return err
			}
			f, err := sf.filter(cmd.Flags().Changed, time.Now())
			if err != nil {
				return err
			}
			if limit <= 0 || limit > 1000 || page < 1 {
				return usageError("--limit must be 1..1000 and --page at least 1")
			}
			f.Limit, f.Offset = limit, (page-1)*limit
			ctx := cmd.Context()
			st, err := store.Open(ctx, dbURL)
			if err != nil {
				return err
			}
			defer st.Close()
			ps, err := st.Search(ctx, f)
			if err != nil {
				return err
			}
			if len(ps) == 0 {
				if format == "table" {
					return noMatch("no stored profiles match")
				}
				_ = printProfiles(cmd.OutOrStdout(), format, ps)
				return noMatch("no stored profiles match")
			}
			return printProfiles(cmd.OutOrStdout(), format, ps)
		},
	}
	fl := cmd.Flags()
	sf.register(fl)
	fl.StringVar(&dbURL, "database-url", databaseURLDefault(), "PostgreSQL URL (IRISFLOW_DATABASE_URL)")
	fl.StringVar(&format, "format", "table", "output: table, json or csv")
	fl.IntVar(&limit, "limit", 100, "rows per page (at most 1000)")
	fl.IntVar(&page, "page", 1, "page number, from 1")
	return cmd
}
