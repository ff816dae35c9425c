package enricher

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/nats-io/nats.go/jetstream"
)

// ReadinessComponent is the component name Run reports in Config.Ready.
const ReadinessComponent = "enricher"

// service is one running enricher.
type service struct {
	cfg      Config
	log      *slog.Logger
	pub      flow.Publisher
	profiler *profile.Profiler
	coming   profile.Arrivals
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
	if _, err := flow.EnricherConsumer.Ensure(ctx, s.cfg.JS); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		s.setReady(false, err.Error())
		return fmt.Errorf("enricher: %w", err)
	}
	s.setReady(true, "")
	s.log.Info("enricher consuming", "concurrency", s.cfg.Concurrency, "cache_ttl", s.cfg.CacheTTL,
		"batch_window", s.cfg.BatchWindow, "batch_size", s.cfg.BatchSize)
	err = flow.Consume(ctx, s.cfg.JS, flow.EnricherConsumer, s.handle, flow.ConsumeOptions{
		Service:      "enricher",
		Concurrency:  s.cfg.Concurrency,
		Grace:        s.cfg.Grace,
		OnDeadLetter: s.onDeadLetter,
		Logger:       s.log,
	})
	s.setReady(false, "stopped")
	if err != nil && ctx.Err() != nil {
		return nil // stopped while starting to consume
	}
	if err != nil {
		return fmt.Errorf("enricher: %w", err)
	}
	return nil
}

func newService(ctx context.Context, cfg Config) (*service, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Host == "" {
		cfg.Host, _ = os.Hostname()
	}
	s := &service{cfg: cfg, log: cfg.Logger.With("service", "enricher"), pub: flow.Publisher{JS: cfg.JS}}
	s.coming.SetCapacity(cfg.Concurrency)
	// Batches run under a context that outlives ctx's cancellation, so that
	// messages finishing during the shutdown grace still get their answers.
	s.profiler, err = profile.New(context.WithoutCancel(ctx), profile.Config{Store: cfg.Store, Iris: cfg.Iris,
		TTL: cfg.CacheTTL, Window: cfg.BatchWindow, MaxWait: cfg.BatchMaxWait, Size: cfg.BatchSize,
		Arrivals: &s.coming, Observe: s.observeIris, Now: cfg.Now, Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("enricher: %w", err)
	}
	return s, nil
}

func (s *service) setReady(ready bool, reason string) {
	if s.cfg.Ready != nil {
		s.cfg.Ready.Set(ReadinessComponent, ready, reason)
	}
}

// observeIris turns readiness back on after an Iris call succeeds again.
func (s *service) observeIris(err error) {
	if err == nil && s.cfg.Ready != nil {
		if ok, _ := s.cfg.Ready.Ready(); !ok {
			for _, name := range s.cfg.Ready.NotReady() {
				if name == ReadinessComponent {
					s.setReady(true, "")
				}
			}
		}
	}
}

// handle is the flow.Handler of FN messages.
func (s *service) handle(ctx context.Context, msg jetstream.Msg) error {
	ctx, arrived := s.coming.Start(ctx)
	defer arrived.End()
	if meta, err := msg.Metadata(); err == nil {
		// The messages behind this one are on their way too: a batch of
		// cold domains waits for them rather than leave on a short gap.
		s.coming.Queued(meta.Sequence.Consumer, meta.NumPending)
	}
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil {
		return flow.Permanent(fmt.Errorf("decode invocation: %w", err))
	}
	log := s.log.With("invocation", inv.ID, "org", inv.Org, "kind", inv.Kind)
	if inv.IncidentID != 0 {
		log = log.With("incident", inv.IncidentID)
	}
	start := time.Now()
	switch inv.Kind {
	case flow.KindProfile, flow.KindFormat, flow.KindRisk, flow.KindTags:
		err = s.function(ctx, log, inv, start)
	case flow.KindAuto:
		err = s.automatic(ctx, log, inv)
	default:
		err = flow.Permanentf("the enricher does not handle %s work", inv.Kind)
	}
	if err != nil {
		log.Warn("invocation failed", "err", err, "permanent", flow.IsPermanent(err))
	}
	return err
}

// finalSeq is the sequence number of an invocation's final reply (a
// function's result or error, an action's acknowledgement); seq 0 is the
// function's status message.
const finalSeq = 1

// reply publishes one reply of inv; a route without reply-to gets none.
func (s *service) reply(ctx context.Context, inv *flow.Invocation, seq int, final bool, message []byte) error {
	if !inv.Route.CanReply() {
		return nil
	}
	err := s.pub.Reply(ctx, &flow.Reply{
		InvocationID: inv.ID, Seq: seq, Final: final, Route: inv.Route, Message: json.RawMessage(message),
	})
	if err != nil {
		return fmt.Errorf("reply %d of %s: %w", seq, inv.ID, err)
	}
	return nil
}

// onDeadLetter tells Resilient about an invocation irisflow gave up on.
func (s *service) onDeadLetter(ctx context.Context, msg jetstream.Msg, reason string) {
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil || !inv.Route.CanReply() {
		return
	}
	if err := s.reply(ctx, inv, finalSeq, true, resilient.ErrorReply("irisflow: "+reason)); err != nil {
		s.log.Error("error reply failed", "invocation", inv.ID, "err", err)
	}
}
