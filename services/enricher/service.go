package enricher

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/work"
)

// ReadinessComponent is the component name Run reports in Config.Ready.
const ReadinessComponent = "enricher"

// service is one running enricher: its workers (pkg/work) and what they
// share.
type service struct {
	cfg      Config
	log      *slog.Logger
	workers  *work.Workers
	profiler *profile.Profiler
	// stopBatches ends the profiler's batches (an Iris call, a quota wait)
	// once the workers have stopped.
	stopBatches context.CancelFunc
	coming      profile.Arrivals
}

// Profiled is the answer for one domain (profile.Answer).
type Profiled = profile.Answer

// Run consumes the enricher's FN work until ctx is done, then stops
// fetching, lets in-flight messages finish within Grace and returns.
func Run(ctx context.Context, cfg Config) error {
	s, err := newService(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.profiler.Close()
	// Once the workers are done (their grace over), nobody waits for a
	// batch any more: end the batches still waiting for Iris or for a quota
	// token instead of waiting out their timeout.
	defer s.stopBatches()
	s.log.Info("enricher consuming", "concurrency", s.cfg.Concurrency, "cache_ttl", s.cfg.CacheTTL,
		"batch_window", s.cfg.BatchWindow, "batch_size", s.cfg.BatchSize)
	return s.workers.Run(ctx)
}

func newService(ctx context.Context, cfg Config) (*service, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &service{cfg: cfg, log: cfg.Logger.With("service", ReadinessComponent)}
	s.coming.SetCapacity(cfg.Concurrency)
	s.workers = work.New(work.Config{
		Service: ReadinessComponent, JS: cfg.JS, Consumer: flow.EnricherConsumer,
		Concurrency: cfg.Concurrency, Grace: cfg.Grace, Quota: cfg.Quota, Ready: cfg.Ready,
		Version: cfg.Version, Host: cfg.Host, Now: cfg.Now, Arrive: s.arrive, Observer: cfg.Observer, Logger: cfg.Logger,
	})
	for _, kind := range []flow.Kind{flow.KindProfile, flow.KindFormat, flow.KindRisk, flow.KindTags} {
		work.Register(s.workers, kind, functionWorker{s: s, kind: kind})
	}
	work.Register(s.workers, flow.KindAuto, playbookWorker{s: s})
	// Batches run under a context that outlives ctx's cancellation, so that
	// messages finishing during the shutdown grace still get their answers;
	// Run ends it when the workers have stopped.
	base, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopBatches = stop
	s.profiler, err = profile.New(base, profile.Config{Store: cfg.Store, Iris: cfg.Iris,
		TTL: cfg.CacheTTL, Window: cfg.BatchWindow, MaxWait: cfg.BatchMaxWait, Size: cfg.BatchSize,
		Arrivals: &s.coming, Observe: s.workers.IrisAnswered, CacheLookup: cfg.Metrics.CacheLookup, Now: cfg.Now, Logger: s.log})
	if err != nil {
		stop()
		return nil, fmt.Errorf("enricher: %w", err)
	}
	return s, nil
}

// arrive counts a delivery while it runs, and the messages behind it: a
// batch of cold domains waits for them rather than leave on a short gap.
func (s *service) arrive(ctx context.Context, meta *jetstream.MsgMetadata) (context.Context, func()) {
	ctx, arrived := s.coming.Start(ctx)
	if meta != nil {
		s.coming.Queued(meta.Sequence.Consumer, meta.NumPending)
	}
	return ctx, arrived.End
}
