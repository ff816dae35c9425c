package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/services/bridge"
	"github.com/irisflow/irisflow/services/enricher"
	"github.com/irisflow/irisflow/services/pivoter"
	"github.com/irisflow/irisflow/services/writer"
)

// pipeline is irisflow's services in one process, sharing one NATS
// connection, one database pool, one Iris client (on the shared quota) and
// one readiness registry.
type pipeline struct {
	cfg   *config.Config
	log   *slog.Logger
	nc    *nats.Conn
	js    jetstream.JetStream
	store *store.Store
	quota *store.Quota
	iris  *iris.Client
	ready *obs.Readiness
	// httpAddr is where /healthz, /readyz and /metrics listen, once serving.
	httpAddr string
}

// newPipeline connects everything the configured services need: it
// migrates the database (unless configured not to), creates the streams,
// and builds the shared clients. Close releases them.
func newPipeline(ctx context.Context, cfg *config.Config, log *slog.Logger) (_ *pipeline, err error) {
	p := &pipeline{cfg: cfg, log: log, ready: obs.NewReadiness()}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if *cfg.Migrate {
		if err := store.Migrate(ctx, cfg.DatabaseURL, store.WithMigrateLogger(log)); err != nil {
			return nil, err
		}
	}
	if p.store, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	p.nc, err = nats.Connect(cfg.NATSURL, nats.Name("irisflow"), nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected; reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("nats reconnected") }))
	if err != nil {
		return nil, fmt.Errorf("connect nats %s: %w", cfg.NATSURL, err)
	}
	if p.js, err = jetstream.New(p.nc); err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if err := flow.EnsureStreams(ctx, p.js, flow.StreamOptions{Replicas: cfg.StreamReplicas}); err != nil {
		return nil, err
	}
	if cfg.Runs(config.ServiceEnricher) || cfg.Runs(config.ServicePivoter) {
		if p.quota, err = p.store.Quota(ctx, store.QuotaConfig{PerMinute: cfg.Iris.PerMinute, PerHour: cfg.Iris.PerHour, PerMonth: cfg.Iris.PerMonth}); err != nil {
			return nil, err
		}
		mode, err := iris.ParseAuthMode(cfg.Iris.Auth)
		if err != nil {
			return nil, err
		}
		if p.iris, err = iris.New(iris.Config{BaseURL: cfg.Iris.URL, Username: cfg.Iris.User, APIKey: cfg.Iris.Key, Auth: mode,
			Timeout: cfg.Iris.Timeout, Limiter: p.quota, AppName: "irisflow", AppVersion: version, Logger: log}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Close releases the connections.
func (p *pipeline) Close() {
	if p.nc != nil {
		p.nc.Close()
	}
	if p.store != nil {
		p.store.Close()
	}
}

// Run runs the configured services (and the /healthz, /readyz, /metrics
// listener) until ctx ends or one of them fails; then it shuts all of them
// down gracefully.
func (p *pipeline) Run(ctx context.Context) error {
	cfg := p.cfg
	g, ctx := errgroup.WithContext(ctx)
	if cfg.HTTPListen != "off" {
		l, err := net.Listen("tcp", cfg.HTTPListen)
		if err != nil {
			return fmt.Errorf("http listen %s: %w", cfg.HTTPListen, err)
		}
		p.httpAddr = l.Addr().String()
		srv := &http.Server{Handler: obs.Handler(p.ready, nil), ReadHeaderTimeout: 5 * time.Second}
		g.Go(func() error {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("http: %w", err)
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		})
		p.log.Info("serving /healthz /readyz /metrics", "addr", p.httpAddr)
	}
	run := func(name string, f func(context.Context) error) {
		g.Go(func() error {
			p.log.Info("service starting", "service", name)
			if err := f(ctx); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			p.log.Info("service stopped", "service", name)
			return nil
		})
	}
	if cfg.Runs(config.ServiceWriter) {
		w := writer.Config{JS: p.js, Store: p.store, Clients: p.resilientClients(), RatePerSecond: cfg.Resilient.RatePerSecond,
			Concurrency: cfg.Writer.Concurrency, AuthProbeInterval: cfg.Writer.AuthProbeInterval, Ready: p.ready, Logger: p.log}
		run(config.ServiceWriter, func(ctx context.Context) error { return writer.Run(ctx, w) })
	}
	if cfg.Runs(config.ServicePivoter) {
		pc := pivoter.Config{JS: p.js, Store: p.store, Iris: p.iris, ProfileTTL: cfg.Enricher.CacheTTL, SearchTTL: cfg.Pivoter.SearchTTL,
			Threshold: cfg.Playbook.PivotThreshold, AutoTypes: cfg.Playbook.PivotTypes, MaxResults: cfg.Pivoter.MaxResults,
			MaxArtifactsPerPivot: cfg.Pivoter.MaxArtifactsPerPivot, MaxArtifactsPerIncident: cfg.Pivoter.MaxArtifactsPerIncident,
			MaxDepth: cfg.Playbook.MaxDepth, Concurrency: cfg.Pivoter.Concurrency, Ready: p.ready, Logger: p.log}
		run(config.ServicePivoter, func(ctx context.Context) error { return pivoter.Run(ctx, pc) })
	}
	if cfg.Runs(config.ServiceEnricher) {
		ec := enricher.Config{JS: p.js, Store: p.store, Iris: p.iris, Quota: p.quota, CacheTTL: cfg.Enricher.CacheTTL,
			BatchWindow: cfg.Enricher.BatchWindow, Concurrency: cfg.Enricher.Concurrency, Playbook: playbook(cfg.Playbook),
			Orgs: map[int64]enricher.PlaybookConfig{}, Ready: p.ready, Logger: p.log, Version: version}
		for org, pb := range cfg.Orgs {
			ec.Orgs[org] = playbook(pb)
		}
		run(config.ServiceEnricher, func(ctx context.Context) error { return enricher.Run(ctx, ec) })
	}
	if cfg.Runs(config.ServiceBridge) {
		bc := bridge.Config{StompURL: cfg.STOMP.URL, CAFile: firstNonEmpty(cfg.STOMP.CAFile, cfg.Resilient.CAFile),
			InsecureSkipVerify: cfg.STOMP.InsecureSkipVerify, Login: cfg.Resilient.APIKeyID, Passcode: cfg.Resilient.APIKeySecret,
			Prefetch: cfg.STOMP.Prefetch, HeartBeat: cfg.STOMP.HeartBeat, FunctionKinds: cfg.Functions, NATS: p.js,
			Streams: flow.StreamOptions{Replicas: cfg.StreamReplicas}, Logger: p.log}
		for _, d := range cfg.STOMP.Destinations {
			bc.Destinations = append(bc.Destinations, bridge.Destination{Org: d.Org, Name: d.Name})
		}
		run(config.ServiceBridge, func(ctx context.Context) error { return bridge.Run(ctx, bc) })
	}
	return g.Wait()
}

// resilientClients builds one REST client per org on first use.
func (p *pipeline) resilientClients() func(org int64) (*resilient.Client, error) {
	var mu sync.Mutex
	clients := map[int64]*resilient.Client{}
	return func(org int64) (*resilient.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := clients[org]; ok {
			return c, nil
		}
		c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: p.cfg.Resilient.URL, Org: org,
			APIKeyID: p.cfg.Resilient.APIKeyID, APIKeySecret: p.cfg.Resilient.APIKeySecret,
			CAFile: p.cfg.Resilient.CAFile, Insecure: p.cfg.Resilient.Insecure, Logger: p.log})
		if err != nil {
			return nil, err
		}
		clients[org] = c
		return c, nil
	}
}

func playbook(p config.Playbook) enricher.PlaybookConfig {
	return enricher.PlaybookConfig{Automatic: p.Automatic, RiskThreshold: p.RiskThreshold, Tags: p.Tags, AutoPivot: *p.AutoPivot,
		PivotTypes: p.PivotTypes, PivotThreshold: p.PivotThreshold, PivotMaxDepth: p.MaxDepth}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// hostname for logs.
func hostname() string {
	h, _ := os.Hostname()
	return h
}
