package pivoter

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
)

// Service is the name of this service in logs, dead letters and readiness.
const Service = "pivoter"

// pivoter holds what the handlers share.
type pivoter struct {
	cfg     Config
	log     *slog.Logger
	pub     flow.Publisher
	flights flights
	// profiles is the shared profile cache (pkg/profile), built by Run.
	profiles *profile.Profiler
}

// Run consumes pivot work until ctx ends, then finishes in-flight work
// within Grace. It returns an error only when it cannot start.
func Run(ctx context.Context, cfg Config) error {
	p, err := newPivoter(cfg)
	if err != nil {
		return err
	}
	// Batches run under a context that outlives ctx's cancellation, so that
	// work finishing during the shutdown grace still gets its answers.
	p.profiles, err = profile.New(context.WithoutCancel(ctx), profile.Config{Store: p.cfg.Store, Iris: p.cfg.Iris,
		TTL: p.cfg.ProfileTTL, Observe: p.observeIris, Now: p.cfg.Now, Logger: p.log})
	if err != nil {
		return fmt.Errorf("pivoter: %w", err)
	}
	defer p.profiles.Close()
	p.setReady(true, "")
	defer p.setReady(false, "stopped")
	p.log.Info("pivoter consuming", "threshold", p.cfg.Threshold, "auto_types", p.cfg.AutoTypes,
		"max_depth", p.cfg.MaxDepth, "search_ttl", p.cfg.SearchTTL, "concurrency", p.cfg.Concurrency)
	err = flow.Consume(ctx, p.cfg.JS, flow.PivoterConsumer, p.handle, flow.ConsumeOptions{
		Service:      Service,
		Concurrency:  p.cfg.Concurrency,
		Grace:        p.cfg.Grace,
		OnDeadLetter: p.deadLettered,
		Logger:       p.log,
	})
	if err != nil {
		return fmt.Errorf("pivoter: %w", err)
	}
	return nil
}

func newPivoter(cfg Config) (*pivoter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &pivoter{
		cfg: cfg,
		log: cfg.Logger.With("service", Service),
		pub: flow.Publisher{JS: cfg.JS},
	}, nil
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

// observeIris sees every profile lookup's Iris call: a success makes the
// service ready again after a credentials failure.
func (p *pivoter) observeIris(err error) {
	if err == nil {
		p.irisOK()
	}
}

func (p *pivoter) setReady(ok bool, reason string) {
	if p.cfg.Ready != nil {
		p.cfg.Ready.Set(Service, ok, reason)
	}
}

// handle is the FN handler: decode, dispatch on the kind.
func (p *pivoter) handle(ctx context.Context, msg jetstream.Msg) error {
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil {
		return flow.Permanent(fmt.Errorf("pivoter: %w", err))
	}
	log := p.log.With("invocation", inv.ID, "org", inv.Org, "kind", inv.Kind)
	if inv.IncidentID != 0 {
		log = log.With("incident", inv.IncidentID)
	}
	switch inv.Kind {
	case flow.KindPivotsDiscover:
		err = p.discover(ctx, log, inv)
	case flow.KindPivotsExecute:
		err = p.execute(ctx, log, inv)
	case flow.KindPivotsAuto:
		err = p.auto(ctx, log, inv)
	default:
		err = flow.Permanentf("pivoter: kind %q is not pivot work", inv.Kind)
	}
	return p.classify(log, err)
}
