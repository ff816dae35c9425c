package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/services/bridge"
)

// checkPostgres connects and checks that every migration is applied.
func checkPostgres(ctx context.Context, cfg *config.Config) []checkResult {
	r := checkResult{Name: "postgres", Target: masked(cfg).DatabaseURL}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		r.Err, r.Fix = err, "start PostgreSQL or correct database_url / IRISFLOW_DATABASE_URL (user, password, database)"
		return []checkResult{r}
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		if *cfg.Migrate { // irisflow run applies them: not a failure
			r.Detail = "connected; migrations pending, applied by irisflow run at start (migrate: true): " + err.Error()
			return []checkResult{r}
		}
		r.Err, r.Fix = err, "run irisflow migrate (migrate is off for this configuration)"
		return []checkResult{r}
	}
	r.Detail = "connected; every migration applied"
	return []checkResult{r}
}

// checkNATS connects and checks the server version, JetStream and the streams.
func checkNATS(ctx context.Context, cfg *config.Config) []checkResult {
	r := checkResult{Name: "nats", Target: masked(cfg).NATSURL}
	if cfg.NATSURL == config.NATSEmbedded {
		return []checkResult{checkEmbeddedNATS(cfg)}
	}
	opts := []nats.Option{nats.Name("irisflow-check"), nats.MaxReconnects(0)}
	if dl, ok := ctx.Deadline(); ok {
		opts = append(opts, nats.Timeout(max(0, time.Until(dl))))
	}
	nc, err := nats.Connect(cfg.NATSURL, opts...)
	if err != nil {
		r.Err, r.Fix = fmt.Errorf("connect: %w", err), "start nats-server 2.10+ with JetStream (-js), or correct nats_url / IRISFLOW_NATS_URL"
		return []checkResult{r}
	}
	defer nc.Close()
	if err := flow.CheckServerVersion(nc.ConnectedServerVersion()); err != nil {
		r.Err, r.Fix = err, "install nats-server 2.10 or newer (https://github.com/nats-io/nats-server/releases; Debian 12's package is 2.9), or, on one box, nats_url: embedded with nats_data_dir"
		return []checkResult{r}
	}
	js, err := jetstream.New(nc)
	if err == nil {
		_, err = js.AccountInfo(ctx)
	}
	if err != nil {
		r.Err, r.Fix = fmt.Errorf("jetstream: %w", err), "run nats-server with JetStream enabled (-js, or jetstream {} in its configuration) for this account"
		return []checkResult{r}
	}
	var present, missing []string
	for _, sc := range flow.StreamConfigs(flow.StreamOptions{Replicas: cfg.StreamReplicas}) {
		switch _, err := js.Stream(ctx, sc.Name); {
		case err == nil:
			present = append(present, sc.Name)
		case errors.Is(err, jetstream.ErrStreamNotFound):
			missing = append(missing, sc.Name)
		default:
			r.Err, r.Fix = fmt.Errorf("stream %s: %w", sc.Name, err), "check the NATS account's JetStream permissions"
			return []checkResult{r}
		}
	}
	r.Detail = fmt.Sprintf("nats-server %s, JetStream on", nc.ConnectedServerVersion())
	if len(present) > 0 {
		r.Detail += "; streams " + joinNames(present)
	}
	if len(missing) > 0 {
		r.Detail += "; irisflow run creates " + joinNames(missing)
	}
	return []checkResult{r}
}

// checkEmbeddedNATS checks that the embedded server's data directory can
// be written: irisflow run starts the server itself.
func checkEmbeddedNATS(cfg *config.Config) checkResult {
	r := checkResult{Name: "nats", Target: "embedded " + cfg.NATSDataDir}
	if err := os.MkdirAll(cfg.NATSDataDir, 0o700); err != nil {
		r.Err, r.Fix = err, "make nats_data_dir a directory irisflow may write"
		return r
	}
	f, err := os.CreateTemp(cfg.NATSDataDir, ".irisflow-check-*")
	if err != nil {
		r.Err, r.Fix = fmt.Errorf("data directory not writable: %w", err), "make nats_data_dir a directory irisflow may write"
		return r
	}
	f.Close()
	_ = os.Remove(f.Name())
	r.Detail = "data directory writable; irisflow run starts a single-node JetStream server in it"
	return r
}

// checkSTOMP logs in and subscribes to each destination as the bridge does.
func checkSTOMP(ctx context.Context, cfg *config.Config) []checkResult {
	bc := bridge.FromConfig(cfg, &deps.Deps{Log: slog.New(slog.DiscardHandler)})
	target := masked(cfg).STOMP.URL
	got, err := bridge.Probe(ctx, bc)
	if err != nil {
		return []checkResult{{Name: "stomp", Target: target, Err: err, Fix: "correct stomp.url / stomp.cafile"}}
	}
	var out []checkResult
	for _, d := range bc.Destinations {
		r := checkResult{Name: "stomp", Target: target + " " + d.Queue(), Detail: "logged in; may subscribe"}
		if r.Err = got[d.Queue()]; r.Err != nil {
			r.Fix = stompFix(r.Err, d)
		}
		out = append(out, r)
	}
	return out
}

func stompFix(err error, d bridge.Destination) string {
	switch msg := err.Error(); {
	case strings.Contains(msg, "refused the login"), strings.Contains(msg, "nvalid"), strings.Contains(msg, "assword"):
		return "check resilient.api_key_id / api_key_secret: the broker logs in with the API key"
	case strings.Contains(msg, "not authorized"):
		return fmt.Sprintf("in SOAR, give the API key's role access to message destination %q of org %d (Users → API Keys → Permissions, or the destination's users)", d.Name, d.Org)
	case strings.Contains(msg, "certificate"), strings.Contains(msg, "x509"):
		return "set stomp.cafile (or resilient.cafile) to the CA of SOAR's certificate"
	default:
		return "check that SOAR's STOMP port (65001) is reachable from here and stomp.url is right"
	}
}

// checkResilient checks the credentials, read on each org and the app's data table.
func checkResilient(ctx context.Context, cfg *config.Config) []checkResult {
	var out []checkResult
	for i, org := range cfg.DestinationOrgs() {
		target := fmt.Sprintf("%s org %d", cfg.Resilient.URL, org)
		c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: cfg.Resilient.URL, Org: org,
			APIKeyID: cfg.Resilient.APIKeyID, APIKeySecret: cfg.Resilient.APIKeySecret,
			Email: cfg.Resilient.Email, Password: cfg.Resilient.Password,
			CAFile: cfg.Resilient.CAFile, Insecure: cfg.Resilient.Insecure, MaxRetries: -1,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return append(out, checkResult{Name: "resilient", Target: target, Err: err, Fix: "correct resilient.url / resilient.cafile"})
		}
		if i == 0 {
			r := checkResult{Name: "resilient", Target: cfg.Resilient.URL + " credentials"}
			s, err := c.Session(ctx)
			if err != nil {
				r.Err, r.Fix = err, resilientFix(err, org)
				return append(out, r) // nothing else can pass
			}
			r.Detail = fmt.Sprintf("accepted; orgs %s", sessionOrgs(s))
			out = append(out, r)
		}
		r := checkResult{Name: "resilient", Target: target}
		o, err := c.GetOrg(ctx)
		if err != nil {
			r.Err, r.Fix = err, resilientFix(err, org)
			out = append(out, r)
			continue
		}
		t, err := c.GetType(ctx, resilient.ResultsTable)
		switch {
		case errors.Is(err, resilient.ErrNotFound):
			r.Err = fmt.Errorf("org %q has no data table %s", o.Name, resilient.ResultsTable)
			r.Fix = "import the DomainTools app's customizations into the org (resilient-circuits customize -y -l fn-domaintools), as for the DomainTools app"
		case err != nil:
			r.Err, r.Fix = err, resilientFix(err, org)
		default:
			var lacking []string
			for _, col := range resilient.ResultsColumns {
				if _, ok := t.Fields[col]; !ok {
					lacking = append(lacking, col)
				}
			}
			if len(lacking) > 0 {
				r.Err = fmt.Errorf("data table %s lacks the columns %s", resilient.ResultsTable, joinNames(lacking))
				r.Fix = "re-import the DomainTools app's customizations (its newer data table)"
			} else {
				r.Detail = fmt.Sprintf("org %q readable; data table %s present", o.Name, resilient.ResultsTable)
			}
		}
		out = append(out, r)
	}
	return out
}

func sessionOrgs(s *resilient.Session) string {
	var names []string
	for _, o := range s.Orgs {
		names = append(names, fmt.Sprintf("%q (%d)", o.Name, o.ID))
	}
	return joinNames(names)
}

func resilientFix(err error, org int64) string {
	var e *resilient.Error
	switch {
	case errors.As(err, &e) && e.Status == 401:
		return "SOAR refused the credentials: check resilient.api_key_id / api_key_secret (or email / password)"
	case errors.As(err, &e) && e.Status == 403:
		return fmt.Sprintf("the credentials are not a member of org %d: add the API key to the org, or correct stomp.destinations", org)
	case errors.Is(err, resilient.ErrNetwork):
		return "check that SOAR is reachable at resilient.url, and resilient.cafile for its certificate"
	default:
		return "see SOAR's answer above"
	}
}

// checkIris checks the credentials and the account's limits against the
// configured quota.
func checkIris(ctx context.Context, cfg *config.Config) []checkResult {
	r := checkResult{Name: "iris", Target: cfg.Iris.URL + " user " + cfg.Iris.User}
	mode, err := iris.ParseAuthMode(cfg.Iris.Auth)
	if err != nil {
		r.Err, r.Fix = err, "set iris.auth to sha256, sha1 or open"
		return []checkResult{r}
	}
	c, err := iris.New(iris.Config{BaseURL: cfg.Iris.URL, Username: cfg.Iris.User, APIKey: cfg.Iris.Key, Auth: mode,
		MaxRetries: iris.NoRetries, AppName: "irisflow", AppVersion: version, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		r.Err, r.Fix = err, "correct iris.url"
		return []checkResult{r}
	}
	acc, err := c.Account(ctx)
	if err != nil {
		r.Err = err
		switch {
		case errors.Is(err, iris.ErrAuth):
			r.Fix = "check iris.user / iris.key (IRISFLOW_IRIS_USER, IRISFLOW_IRIS_KEY) and iris.auth"
		default:
			r.Fix = "check that Iris is reachable at iris.url"
		}
		return []checkResult{r}
	}
	if !acc.Active {
		r.Err, r.Fix = fmt.Errorf("account %s is not active", acc.Username), "ask DomainTools to activate the account"
		return []checkResult{r}
	}
	p, ok := acc.Product(iris.ProductInvestigate)
	if !ok {
		r.Err, r.Fix = fmt.Errorf("account %s has no %s product", acc.Username, iris.ProductInvestigate), "irisflow needs Iris Investigate; ask DomainTools for it"
		return []checkResult{r}
	}
	if problems := deps.QuotaProblems(cfg.Iris, p); len(problems) > 0 {
		r.Err, r.Fix = errors.New(joinNames(problems)), "lower the iris.* settings named (IRISFLOW_IRIS_PER_MINUTE / _PER_HOUR / _PER_MONTH) to the account's limits"
		return []checkResult{r}
	}
	r.Detail = fmt.Sprintf("account active; %s limits %s/min %s/h %s/month; irisflow's budget fits", p.ID,
		limitText(p.PerMinuteLimit), limitText(p.PerHourLimit), limitText(p.PerMonthLimit))
	return []checkResult{r}
}

func limitText(p *int) string {
	if p == nil {
		return "∞"
	}
	return strconv.Itoa(*p)
}
