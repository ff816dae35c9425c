package pivoter

import (
	"context"
	"fmt"
	"log/slog"

	"golang.org/x/sync/singleflight"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/work"
)

// ReadinessComponent is the name of this service in logs, dead letters and
// readiness.
const ReadinessComponent = "pivoter"

// pivoter holds what its workers (pkg/work) share.
type pivoter struct {
	cfg     Config
	log     *slog.Logger
	workers *work.Workers
	// flights shares one Iris call among concurrent identical searches.
	flights singleflight.Group
	// profiles is the shared profile cache (pkg/profile), built by Run.
	profiles *profile.Profiler
}

// Run consumes pivot work until ctx ends, then finishes in-flight work
// within Grace. It returns an error only when it cannot start, or when its
// consumer stops delivering.
func Run(ctx context.Context, cfg Config) error {
	p, err := newPivoter(cfg)
	if err != nil {
		return err
	}
	// Batches run under a context that outlives ctx's cancellation, so that
	// work finishing during the shutdown grace still gets its answers.
	p.profiles, err = profile.New(context.WithoutCancel(ctx), profile.Config{Store: p.cfg.Store, Iris: p.cfg.Iris,
		TTL: p.cfg.ProfileTTL, Observe: p.workers.IrisAnswered, Now: p.cfg.Now, Logger: p.log})
	if err != nil {
		return fmt.Errorf("pivoter: %w", err)
	}
	defer p.profiles.Close()
	p.log.Info("pivoter consuming", "threshold", p.cfg.Threshold, "auto_types", p.cfg.AutoTypes,
		"max_depth", p.cfg.MaxDepth, "search_ttl", p.cfg.SearchTTL, "concurrency", p.cfg.Concurrency)
	return p.workers.Run(ctx)
}

func newPivoter(cfg Config) (*pivoter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &pivoter{cfg: cfg, log: cfg.Logger.With("service", ReadinessComponent)}
	p.workers = work.New(work.Config{
		Service: ReadinessComponent, JS: cfg.JS, Consumer: flow.PivoterConsumer,
		Concurrency: cfg.Concurrency, Grace: cfg.Grace, Quota: cfg.Quota, Ready: cfg.Ready,
		Version: cfg.Version, Now: cfg.Now, Observer: cfg.Observer, Logger: cfg.Logger,
	})
	work.Register(p.workers, flow.KindPivotsDiscover, discoverWorker{p})
	work.Register(p.workers, flow.KindPivotsExecute, executeWorker{p})
	work.Register(p.workers, flow.KindPivotsAuto, autoWorker{p})
	return p, nil
}

// profile returns the Iris profile of domain (normalised) through the
// shared profile cache: the stored one when younger than ProfileTTL (the
// enricher has usually just stored it), else Iris Investigate's, stored for
// the next reader. found is false when Iris has no data for the domain.
func (p *pivoter) profile(ctx context.Context, domain string) (r *iris.Result, found bool, err error) {
	a, err := p.profiles.One(ctx, domain, false)
	if err != nil {
		return nil, false, fmt.Errorf("profile %s: %w", domain, err)
	}
	return a.Result, a.Found(), nil
}
