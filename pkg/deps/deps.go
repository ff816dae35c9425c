// Package deps connects what irisflow's services share in one process —
// the database (migrated), NATS JetStream and the streams, the shared Iris
// quota and client, Resilient REST clients, readiness — from one
// config.Config, and runs services next to the /healthz, /readyz and
// /metrics listener until they stop. The all-in-one `irisflow run` and each
// standalone service binary start the same way.
package deps

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

// Deps are the connections and clients the configured services share.
// Fields a configuration does not need are nil (see Open).
type Deps struct {
	// Config is the configuration Open connected.
	Config *config.Config
	// Log is the process's logger.
	Log *slog.Logger
	// NATS is the connection JS runs on.
	NATS *nats.Conn
	// JS is the JetStream context; the irisflow streams exist.
	JS jetstream.JetStream
	// Store is the database pool, migrated unless configured not to.
	Store *store.Store
	// Quota is the Iris request budget shared by every enricher and pivoter
	// replica; set when the enricher or the pivoter runs.
	Quota *store.Quota
	// Iris is the Iris client on Quota; set when the enricher or the
	// pivoter runs.
	Iris *iris.Client
	// Resilient returns the REST client of an org, built on first use and
	// kept; only the orgs of the configured destinations are served. Set
	// when the writer runs.
	Resilient func(org int64) (*resilient.Client, error)
	// Ready is the readiness registry /readyz reports.
	Ready *obs.Readiness
	// Metrics is the process's Prometheus registry /metrics serves; the
	// clients Open builds count into it (metrics.go).
	Metrics *obs.Metrics
	// Version is reported to Iris (app_version) and in metrics.
	Version string

	mu        sync.Mutex
	httpAddr  string
	debugAddr string         // debug.go
	embedded  *server.Server // nats_url: embedded (embedded.go)
}

// Option tunes Open.
type Option func(*Deps)

// WithVersion sets the version reported to Iris and in metrics. Default "dev".
func WithVersion(v string) Option { return func(d *Deps) { d.Version = v } }

// Open connects exactly what the services cfg runs need: it migrates the
// database (when cfg.Migrate; otherwise it checks that the schema is
// current), opens the store, connects NATS and ensures
// the streams, builds the shared quota and Iris client (enricher, pivoter)
// and the Resilient client factory (writer). Close releases them; on error
// nothing is left open.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger, opts ...Option) (_ *Deps, err error) {
	if log == nil {
		log = slog.Default()
	}
	d := &Deps{Config: cfg, Log: log, Ready: obs.NewReadiness(), Version: "dev"}
	for _, o := range opts {
		o(d)
	}
	d.Metrics = obs.NewMetrics(d.Version)
	d.Metrics.WatchReadiness(d.Ready)
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if cfg.Migrate == nil || *cfg.Migrate {
		if err := store.Migrate(ctx, cfg.DatabaseURL, store.WithMigrateLogger(log)); err != nil {
			return nil, fmt.Errorf("deps: %w", err)
		}
	}
	if d.Store, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("deps: %w", err)
	}
	if cfg.Migrate != nil && !*cfg.Migrate {
		// Migrated separately: refuse an older schema now, by name,
		// rather than fail on a missing table later.
		if err := d.Store.CheckSchema(ctx); err != nil {
			return nil, fmt.Errorf("deps: %w", err)
		}
	}
	if err := d.connectNATS(ctx); err != nil {
		return nil, err
	}
	if err := d.Metrics.Register(newConsumerCollector(d.JS)); err != nil {
		return nil, fmt.Errorf("deps: metrics: %w", err)
	}
	if cfg.Runs(config.ServiceEnricher) || cfg.Runs(config.ServicePivoter) {
		if err := d.openIris(ctx); err != nil {
			return nil, err
		}
	}
	if cfg.Runs(config.ServiceWriter) {
		d.Resilient = d.resilientClients()
	}
	return d, nil
}

func (d *Deps) connectNATS(ctx context.Context) error {
	cfg, log := d.Config, d.Log
	name := "irisflow"
	if !slices.Equal(cfg.Services, config.AllServices) {
		name += "-" + strings.Join(cfg.Services, "-")
	}
	url, err := d.natsURL()
	if err != nil {
		return err
	}
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected; reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("nats reconnected") }))
	if err != nil {
		return fmt.Errorf("deps: connect nats %s: %w", config.Config{NATSURL: cfg.NATSURL}.Masked().NATSURL, err)
	}
	d.NATS = nc
	if err := flow.CheckServerVersion(nc.ConnectedServerVersion()); err != nil {
		return fmt.Errorf("deps: NATS at %s: %w", config.Config{NATSURL: cfg.NATSURL}.Masked().NATSURL, err)
	}
	if d.JS, err = jetstream.New(nc); err != nil {
		return fmt.Errorf("deps: jetstream: %w", err)
	}
	if err := flow.EnsureStreams(ctx, d.JS, flow.StreamOptions{Replicas: cfg.StreamReplicas}); err != nil {
		return fmt.Errorf("deps: %w", err)
	}
	return nil
}

func (d *Deps) openIris(ctx context.Context) error {
	c := d.Config.Iris
	var err error
	if d.Quota, err = d.Store.Quota(ctx, store.QuotaConfig{PerMinute: c.PerMinute, PerHour: c.PerHour, PerMonth: c.PerMonth}); err != nil {
		return fmt.Errorf("deps: iris quota: %w", err)
	}
	mode, err := iris.ParseAuthMode(c.Auth)
	if err != nil {
		return fmt.Errorf("deps: iris.auth: %w", err)
	}
	if d.Iris, err = iris.New(iris.Config{BaseURL: c.URL, Username: c.User, APIKey: c.Key, Auth: mode, Timeout: c.Timeout,
		Limiter: d.Metrics.Quota(d.Quota), Observe: d.Metrics.IrisRequest,
		AppName: "irisflow", AppVersion: d.Version, Logger: d.Log}); err != nil {
		return fmt.Errorf("deps: %w", err)
	}
	d.checkIrisAccount(ctx)
	return nil
}

// resilientClients builds one REST client per org on first use, for the
// orgs of the configured destinations only.
func (d *Deps) resilientClients() func(org int64) (*resilient.Client, error) {
	cfg := d.Config
	orgs := cfg.DestinationOrgs()
	var mu sync.Mutex
	clients := map[int64]*resilient.Client{}
	return func(org int64) (*resilient.Client, error) {
		if !slices.Contains(orgs, org) {
			return nil, fmt.Errorf("org %d is not among the destinations' orgs %v (stomp.destinations / IRISFLOW_DESTINATIONS)", org, orgs)
		}
		mu.Lock()
		defer mu.Unlock()
		if c, ok := clients[org]; ok {
			return c, nil
		}
		c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: cfg.Resilient.URL, Org: org,
			APIKeyID: cfg.Resilient.APIKeyID, APIKeySecret: cfg.Resilient.APIKeySecret,
			Email: cfg.Resilient.Email, Password: cfg.Resilient.Password,
			CAFile: cfg.Resilient.CAFile, Insecure: cfg.Resilient.Insecure, Logger: d.Log,
			Observe: d.Metrics.ResilientRequest})
		if err != nil {
			return nil, fmt.Errorf("resilient client of org %d: %w", org, err)
		}
		clients[org] = c
		return c, nil
	}
}

// Close releases the connections: pending NATS publishes and acks are
// flushed first (bounded), then the connection and the pool close.
func (d *Deps) Close() {
	if d.NATS != nil {
		_ = d.NATS.FlushTimeout(2 * time.Second)
		d.NATS.Close()
		d.NATS = nil
	}
	d.stopEmbedded()
	if d.Store != nil {
		d.Store.Close()
		d.Store = nil
	}
}
