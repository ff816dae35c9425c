package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newIrisCmd) }

// irisFlags are the connection flags shared by the iris subcommands.
type irisFlags struct {
	cf                   configFlags
	url, user, key, auth string
	quota                bool
	json                 bool
	timeout              time.Duration
	retries              int
}

func newIrisCmd() *cobra.Command {
	f := &irisFlags{}
	cmd := &cobra.Command{
		Use:   "iris",
		Short: "Talk to DomainTools Iris directly: account limits, domain profiles, pivot searches",
		Long: `Operator commands against DomainTools Iris (or the simulator).

Credentials come from --user/--key, or irisflow run's configuration (--config,
IRISFLOW_IRIS_USER / IRISFLOW_IRIS_KEY; prefer the environment for the key: flags
show up in process listings); the endpoint from --url or iris.url / IRISFLOW_IRIS_URL
(default ` + iris.DefaultBaseURL + `). Every request is taken from the shared Iris
quota in irisflow's database (the one the services take from; --quota=false goes
without it).`,
	}
	pf := cmd.PersistentFlags()
	f.cf.register(pf)
	pf.StringVar(&f.url, "url", "", "Iris base URL (default iris.url / $IRISFLOW_IRIS_URL, else "+iris.DefaultBaseURL+")")
	pf.StringVar(&f.user, "user", "", "API username (default iris.user / $IRISFLOW_IRIS_USER)")
	pf.StringVar(&f.key, "key", "", "API key (default iris.key / $IRISFLOW_IRIS_KEY)")
	pf.StringVar(&f.auth, "auth", "", "authentication: sha256, sha1 (HMAC-signed) or open (key sent as is); default iris.auth, else sha256")
	pf.BoolVar(&f.quota, "quota", true, "take each request from the shared Iris quota in the database (iris.per_minute / per_hour / per_month)")
	pf.BoolVar(&f.json, "json", false, "print JSON instead of a table")
	pf.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this long, retries included")
	pf.IntVar(&f.retries, "retries", 4, "retries of a failed request (503, 5xx, timeouts, network); 0 for none")
	cmd.AddCommand(newIrisAccountCmd(f), newIrisInvestigateCmd(f), newIrisPivotCmd(f))
	return cmd
}

// client builds the Iris client from the flags over irisflow run's
// configuration, on the shared quota unless --quota=false; done releases
// the database.
func (f *irisFlags) client(ctx context.Context) (_ *iris.Client, done func(), err error) {
	cfg, err := f.cf.load()
	if err != nil {
		return nil, nil, err
	}
	mode, err := iris.ParseAuthMode(irisFirstNonEmpty(f.auth, cfg.Iris.Auth))
	if err != nil {
		return nil, nil, err
	}
	user := irisFirstNonEmpty(f.user, cfg.Iris.User)
	key := irisFirstNonEmpty(f.key, cfg.Iris.Key)
	if user == "" || key == "" {
		return nil, nil, errors.New("iris: no credentials: set --user and --key, or IRISFLOW_IRIS_USER and IRISFLOW_IRIS_KEY (or iris.user / iris.key in --config)")
	}
	retries := f.retries
	if retries <= 0 {
		retries = iris.NoRetries
	}
	done = func() {}
	var limiter iris.Limiter
	if f.quota {
		st, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, nil, fmt.Errorf("iris: the shared Iris quota: %w (the database of irisflow run: --config, --database-url, IRISFLOW_DATABASE_URL; --quota=false goes without it)", err)
		}
		q, err := st.Quota(ctx, store.QuotaConfig{PerMinute: cfg.Iris.PerMinute, PerHour: cfg.Iris.PerHour, PerMonth: cfg.Iris.PerMonth})
		if err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("iris: the shared Iris quota: %w", err)
		}
		limiter, done = q, st.Close
	}
	c, err := iris.New(iris.Config{BaseURL: irisFirstNonEmpty(f.url, cfg.Iris.URL), Username: user, APIKey: key, Auth: mode,
		MaxRetries: retries, AppName: "irisflow", Limiter: limiter})
	if err != nil {
		done()
		return nil, nil, err
	}
	return c, done, nil
}

// run gives fn a client and a context bounded by --timeout, and explains
// the failures an operator can act on.
func (f *irisFlags) run(cmd *cobra.Command, fn func(ctx context.Context, c *iris.Client) error) error {
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	c, done, err := f.client(ctx)
	if err != nil {
		return err
	}
	defer done()
	return explainIrisError(fn(ctx, c))
}

// explainIrisError adds what to do to the errors an operator meets.
func explainIrisError(err error) error {
	var e *iris.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, iris.ErrAuth):
		return fmt.Errorf("%w\nhint: check the API username and key (--user/--key or IRISFLOW_IRIS_USER/IRISFLOW_IRIS_KEY) and --auth", err)
	case errors.Is(err, iris.ErrLimitExceeded):
		total := ""
		if errors.As(err, &e) && e.TotalCount > 0 {
			total = fmt.Sprintf(" (%d matches)", e.TotalCount)
		}
		return fmt.Errorf("%w\nhint: the search matches more domains than Iris returns%s; narrow it with --filter (e.g. create_date_within=30, tld=com, active=true)", err, total)
	case errors.Is(err, iris.ErrUnavailable):
		return fmt.Errorf("%w\nhint: Iris is rate limiting or unavailable (HTTP 503); check the quota with 'irisflow iris account' and try again later", err)
	case errors.Is(err, iris.ErrNetwork), errors.Is(err, iris.ErrTimeout):
		return fmt.Errorf("%w\nhint: could not get an answer from Iris; check --url / IRISFLOW_IRIS_URL, the network and --timeout", err)
	}
	return err
}

func irisFirstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func newIrisAccountCmd(f *irisFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "account",
		Short:   "Show the account's per-product limits and usage",
		Example: "  IRISFLOW_IRIS_USER=me IRISFLOW_IRIS_KEY=... irisflow iris account",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd, func(ctx context.Context, c *iris.Client) error {
				acc, err := c.Account(ctx)
				if err != nil {
					return err
				}
				if f.json {
					return irisWriteJSON(cmd.OutOrStdout(), acc)
				}
				return printIrisAccount(cmd.OutOrStdout(), acc)
			})
		},
	}
}

func newIrisInvestigateCmd(f *irisFlags) *cobra.Command {
	var enrich bool
	cmd := &cobra.Command{
		Use:   "investigate DOMAIN...",
		Short: "Show the Iris profile of domains (risk, tags, create date, registrar, IP)",
		Example: `  irisflow iris investigate int-chase.com thegreatwatermelonheist.blog
  irisflow iris investigate --enrich --json example.com`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, c *iris.Client) error {
				lookup := c.Investigate
				if enrich {
					lookup = c.Enrich
				}
				p, err := lookup(ctx, args)
				if err != nil {
					return err
				}
				results := irisOrderedResults(args, p)
				if f.json {
					return irisWriteJSON(cmd.OutOrStdout(), profilesJSON{Results: irisRawResults(results), Missing: irisNonNil(p.Missing)})
				}
				return printIrisProfiles(cmd.OutOrStdout(), results, p.Missing)
			})
		},
	}
	cmd.Flags().BoolVar(&enrich, "enrich", false, "use Iris Enrich (no pivot counts, separate quota) instead of Investigate")
	return cmd
}

func newIrisPivotCmd(f *irisFlags) *cobra.Command {
	var (
		filters  []string
		max      int
		pageSize int
	)
	cmd := &cobra.Command{
		Use:   "pivot TYPE VALUE",
		Short: "Search the domains sharing a value (ip, ssl_hash, registrant_org, nameserver_host, ...)",
		Long: `Runs an Iris Investigate pivot search, following the pages to the end or --max.
TYPE is any Iris search parameter: ` + strings.Join(iris.BaseParams, ", ") + `.
Filters: ` + strings.Join(iris.FilterParams, ", ") + `.`,
		Example: `  irisflow iris pivot ip 199.30.228.112
  irisflow iris pivot ssl_hash 195152d01022a568719e7bc1d0b07c13f723934f --filter create_date_within=30 --max 50`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := iris.NewQuery(args[0], args[1])
			for _, kv := range filters {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("iris pivot: filter %q is not name=value", kv)
				}
				q = q.With(k, v)
			}
			if err := q.Validate(); err != nil {
				return err
			}
			opts := []iris.SearchOption{iris.WithMaxResults(max)}
			if pageSize > 0 {
				opts = append(opts, iris.WithPageSize(pageSize))
			}
			return f.run(cmd, func(ctx context.Context, c *iris.Client) error {
				res, err := c.Search(ctx, q, opts...)
				if err != nil {
					return err
				}
				if f.json {
					return irisWriteJSON(cmd.OutOrStdout(), pivotJSON{
						Query: q.String(), TotalCount: res.TotalCount, Truncated: res.Truncated,
						Results: irisRawResults(irisPointers(res.Results)),
					})
				}
				return printIrisPivot(cmd.OutOrStdout(), q, res)
			})
		},
	}
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "narrow the search: name=value (repeatable), e.g. create_date=>=2024-01-01")
	cmd.Flags().IntVar(&max, "max", 0, "stop after this many domains (0: all; each page costs a query)")
	cmd.Flags().IntVar(&pageSize, "page-size", 0, "results per page, 1-500 (default: Iris's 500, or --max when smaller)")
	return cmd
}
