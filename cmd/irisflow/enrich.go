package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
)

func init() { addCommand(newEnrichCmd) }

// enrichChunk is how many domains one step hands the profiler: one Iris
// call's worth.
const enrichChunk = profile.DefaultSize

func newEnrichCmd() *cobra.Command {
	var (
		cfgPath, file, incident, format string
		force                           bool
	)
	cmd := &cobra.Command{
		Use:   "enrich --file FILE|-",
		Short: "Bulk-enrich a list of domains through the profile cache, inside the shared Iris quota",
		Long: `Reads domains (one a line; blank lines and # comments skipped) from FILE, or
stdin with "-", and profiles them the way the enricher does, in this process:
pkg/profile with the store's profile cache (a profile younger than cache_ttl
costs no Iris query), cold domains batched 100 to an Iris call, and every call
taking a token from the Iris quota shared with every enricher and pivoter
(the PostgreSQL token bucket), so a bulk run never overspends the account
while the pipeline runs. Profiles land in the store's history like the
enricher's. A progress bar on a terminal shows the ETA the quota allows.

With --incident ORG/ID, each found domain's domaintools_results row is
published to the pipeline's WRITES stream (nats_url) for the running writer,
with an id per incident and domain, so re-running never adds a second row.

Configuration as irisflow run: --config FILE and IRISFLOW_* (database_url,
iris.*, nats_url, cache_ttl).

Exit codes: 0 every domain enriched, 1 failure, 2 bad usage, 4 some domains not
enriched (each named on stderr).`,
		Example: `  irisflow enrich --file suspects.txt
  cut -d, -f1 export.csv | irisflow enrich --file - --incident 201/4206 --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json", "csv"); err != nil {
				return err
			}
			if file == "" {
				return usageError("--file FILE (or - for stdin) is required")
			}
			var org, inc int64
			if incident != "" {
				var err error
				if org, inc, err = parseIncident(incident); err != nil {
					return err
				}
				if org == 0 {
					return usageError("--incident %q: give ORG/ID: the row is written in that org", incident)
				}
			}
			in := cmd.InOrStdin()
			if file != "-" {
				f, err := os.Open(file)
				if err != nil {
					return fmt.Errorf("enrich: %w", err)
				}
				defer f.Close()
				in = f
			}
			domains, bad, err := readDomains(in)
			if err != nil {
				return err
			}
			cfg, err := config.LoadFor(config.ServiceEnricher, cfgPath, os.Getenv)
			if err != nil {
				return usageError("enrich: %w", err)
			}
			return runEnrich(cmd, cfg, enrichRun{domains: domains, bad: bad, org: org, incident: inc, force: force, format: format})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfgPath, "config", "", "YAML configuration (as irisflow run); IRISFLOW_* override it")
	fl.StringVarP(&file, "file", "f", "", "domains, one a line; - for stdin")
	fl.StringVar(&incident, "incident", "", "ORG/ID: also write each found domain's domaintools_results row on this incident (through the writer)")
	fl.BoolVar(&force, "force", false, "ask Iris even for domains with a fresh cached profile")
	fl.StringVar(&format, "format", "table", "output: table, json or csv")
	return cmd
}

// readDomains reads one domain a line; what does not normalise is returned
// in bad with the reason.
func readDomains(r io.Reader) (domains []string, bad map[string]error, err error) {
	bad = map[string]error{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		d, err := store.NormalizeDomain(line)
		if err != nil {
			bad[line] = err
			continue
		}
		if !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("enrich: read domains: %w", err)
	}
	return domains, bad, nil
}

type enrichRun struct {
	domains       []string
	bad           map[string]error
	org, incident int64
	force         bool
	format        string
}

func runEnrich(cmd *cobra.Command, cfg *config.Config, r enrichRun) error {
	ctx := cmd.Context()
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	quota, err := st.Quota(ctx, store.QuotaConfig{PerMinute: cfg.Iris.PerMinute, PerHour: cfg.Iris.PerHour, PerMonth: cfg.Iris.PerMonth})
	if err != nil {
		return fmt.Errorf("enrich: iris quota: %w", err)
	}
	mode, err := iris.ParseAuthMode(cfg.Iris.Auth)
	if err != nil {
		return usageError("enrich: iris.auth: %w", err)
	}
	client, err := iris.New(iris.Config{BaseURL: cfg.Iris.URL, Username: cfg.Iris.User, APIKey: cfg.Iris.Key, Auth: mode,
		Timeout: cfg.Iris.Timeout, Limiter: quota, AppName: "irisflow"})
	if err != nil {
		return fmt.Errorf("enrich: %w", err)
	}
	var pub *flow.Publisher
	if r.incident != 0 {
		nc, err := nats.Connect(cfg.NATSURL, nats.Name("irisflow-enrich"))
		if err != nil {
			return fmt.Errorf("enrich: --incident needs the pipeline's NATS: %w", err)
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			return fmt.Errorf("enrich: jetstream: %w", err)
		}
		if _, err := js.Stream(ctx, flow.StreamWrites); err != nil {
			return fmt.Errorf("enrich: --incident: stream %s not found on %s (start the pipeline first): %w",
				flow.StreamWrites, config.Config{NATSURL: cfg.NATSURL}.Masked().NATSURL, err)
		}
		pub = &flow.Publisher{JS: js}
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prof, err := profile.New(pctx, profile.Config{Store: st, Iris: client, TTL: cfg.Enricher.CacheTTL})
	if err != nil {
		return err
	}
	defer prof.Close()

	// The ETA: cold domains need ceil(cold/100) Iris calls, each a token of
	// the shared bucket.
	cold := len(r.domains)
	if !r.force {
		cached, err := st.LatestProfiles(ctx, r.domains, cfg.Enricher.CacheTTL)
		if err != nil {
			return err
		}
		cold -= len(cached)
	}
	bar := newProgress(cmd.ErrOrStderr(), "enrich", int64(len(r.domains)))
	coldLeft := cold
	bar.eta = func(int64) time.Duration { return quotaETA(ctx, quota, coldLeft) }

	var results []enrichResult
	for start := 0; start < len(r.domains); start += enrichChunk {
		chunk := r.domains[start:min(start+enrichChunk, len(r.domains))]
		answers, err := prof.Profile(ctx, chunk, r.force)
		var de *profile.DomainError
		if err != nil && !errors.As(err, &de) {
			return fmt.Errorf("enrich: %w", err) // Iris or the store failed: stop, what is saved stays
		}
		for _, d := range chunk {
			a, ok := answers[d]
			res := enrichResult{Domain: d}
			switch {
			case !ok:
				res.Error = "no answer"
				if de != nil && de.Domain == d {
					res.Error = de.Error()
				}
			default:
				res.Found, res.Cached, res.FetchedAt = a.Found(), a.Cached, a.FetchedAt.UTC()
				if a.Found() {
					if v, ok := a.Result.RiskScore(); ok {
						res.RiskScore = &v
					}
					res.Tags = a.Result.TagLabels()
				}
				if !a.Cached {
					coldLeft--
				}
				if pub != nil && a.Found() {
					if err := pub.Write(ctx, enrichRow(r.org, r.incident, a)); err != nil {
						return fmt.Errorf("enrich: %w", err)
					}
					res.Written = true
				}
			}
			results = append(results, res)
		}
		bar.add(int64(len(chunk)))
	}
	bar.finish()
	if err := printEnrich(cmd.OutOrStdout(), r.format, results); err != nil {
		return err
	}
	failed := 0
	for _, res := range results {
		if res.Error != "" {
			failed++
			fmt.Fprintf(cmd.ErrOrStderr(), "not enriched: %s: %s\n", res.Domain, res.Error)
		}
	}
	for line, err := range r.bad {
		failed++
		fmt.Fprintf(cmd.ErrOrStderr(), "not enriched: %q: %v\n", line, err)
	}
	if failed > 0 {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("%s of %d not enriched", pluralize(failed, "domain"), len(results)+len(r.bad))}
	}
	return nil
}

// quotaETA is how long the shared bucket makes coldLeft domains wait:
// the calls beyond the tokens available now, at the refill rate.
func quotaETA(ctx context.Context, q *store.Quota, coldLeft int) time.Duration {
	calls := math.Ceil(float64(max(coldLeft, 0)) / enrichChunk)
	st, err := q.State(ctx)
	if err != nil || st.RefillPerSec <= 0 {
		return 0
	}
	wait := max(calls-st.Tokens, 0) / st.RefillPerSec
	if st.PausedUntil != nil {
		wait += max(time.Until(*st.PausedUntil).Seconds(), 0)
	}
	return time.Duration(wait * float64(time.Second))
}

// enrichRow is the domaintools_results row of a, for the writer; its id is
// the same for every run on that incident and domain.
func enrichRow(org, incident int64, a profile.Answer) *flow.WriteCommand {
	id := fmt.Sprintf("enrich:%d:%d:%s:row", org, incident, a.Domain)
	return &flow.WriteCommand{Version: flow.Version, ID: id, InvocationID: id, Org: org, IncidentID: incident, Kind: flow.WriteRow,
		Row: &flow.Row{Table: seed.TableName, Cells: seed.Row(seed.Format(a.Result, nil, time.Now()))}}
}

// enrichResult is one domain in enrich's output.
type enrichResult struct {
	Domain    string    `json:"domain"`
	Found     bool      `json:"found"`
	Cached    bool      `json:"cached"`
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	RiskScore *int      `json:"risk_score"`
	Tags      []string  `json:"tags,omitempty"`
	Written   bool      `json:"row_written,omitempty"`
	Error     string    `json:"error,omitempty"`
}
