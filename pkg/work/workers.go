package work

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/store"
)

// Worker works on one kind of FN work, in the shape of river's Worker[T]:
// Inputs reads the typed inputs from the decoded message (an error there
// is bad input: use BadInput), Work answers the call. Work returns the
// answer: for a function call the result content (an Unsuccessful one
// answers success false), for a rule action an Ack; internal work without
// reply-to answers nobody. A Work error is classified by Classify.
type Worker[In, Out any] interface {
	Inputs(m *Message) (In, error)
	Work(ctx context.Context, c *Call[In]) (Out, error)
}

// Config configures a set of workers: one service's consumer.
type Config struct {
	// Service names the service in logs, dead letters and readiness.
	Service string
	// JS publishes replies, writes and follow-up work, and consumes.
	JS jetstream.JetStream
	// Consumer is the durable consumer of the service's FN work.
	Consumer flow.Consumer
	// Concurrency and Grace are flow.ConsumeOptions'.
	Concurrency int
	Grace       time.Duration
	// Quota is the shared Iris budget: while its pause (after a 503) is in
	// force, work that Iris refused as unavailable is retried when it ends.
	// Optional.
	Quota *store.Quota
	// Ready receives the service's readiness (component Service). Optional.
	Ready *obs.Readiness
	// Version is the result metrics' package_version. Default "dev".
	Version string
	// Host names this replica in result metrics. Default os.Hostname().
	Host string
	// Now is the clock of result metrics. Default time.Now.
	Now func() time.Time
	// Arrive, when set, wraps each delivery: it gets the delivery's
	// metadata (nil when unknown) and returns the context the delivery runs
	// under and a function called when it ends (the enricher counts
	// messages on their way to fill its Iris batches).
	Arrive func(ctx context.Context, meta *jetstream.MsgMetadata) (context.Context, func())
	// Observer sees every delivery's outcome (metrics). Optional.
	Observer Observer
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Workers is a set of registered workers consumed from one durable
// consumer.
type Workers struct {
	cfg   Config
	log   *slog.Logger
	pub   flow.Publisher
	kinds map[flow.Kind]func(ctx context.Context, r *run) (any, error)

	mu       sync.Mutex
	authDown bool // readiness is false because Iris refused the credentials
}

// New returns an empty set of workers.
func New(cfg Config) *Workers {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.Host == "" {
		cfg.Host, _ = os.Hostname()
	}
	return &Workers{
		cfg: cfg, log: cfg.Logger.With("service", cfg.Service), pub: flow.Publisher{JS: cfg.JS},
		kinds: map[flow.Kind]func(context.Context, *run) (any, error){},
	}
}

// Register makes w answer the work of kind.
func Register[In, Out any](ws *Workers, kind flow.Kind, w Worker[In, Out]) {
	ws.kinds[kind] = func(ctx context.Context, r *run) (any, error) {
		in, err := w.Inputs(r.msg)
		if err != nil {
			return nil, err
		}
		return w.Work(ctx, &Call[In]{Invocation: r.msg.Invocation, Message: r.msg, In: in, Log: r.log, Start: r.start, r: r})
	}
}

// Run consumes the workers' consumer until ctx ends (flow.Consume: in-flight
// work finishes within Grace). The service is ready while it consumes; a
// consumer that stops delivering fails Run (flow.ErrConsumeStopped).
func (ws *Workers) Run(ctx context.Context) error {
	if _, err := ws.cfg.Consumer.Ensure(ctx, ws.cfg.JS); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		ws.setReady(false, err.Error())
		return fmt.Errorf("%s: %w", ws.cfg.Service, err)
	}
	ws.setReady(true, "")
	defer ws.setReady(false, "not consuming")
	err := flow.Consume(ctx, ws.cfg.JS, ws.cfg.Consumer, ws.handle, flow.ConsumeOptions{
		Service:      ws.cfg.Service,
		Concurrency:  ws.cfg.Concurrency,
		Grace:        ws.cfg.Grace,
		OnDeadLetter: ws.deadLettered,
		IDKey:        "invocation",
		Logger:       ws.cfg.Logger,
	})
	if err != nil && ctx.Err() != nil && !errors.Is(err, flow.ErrConsumeStopped) {
		return nil // stopped while starting to consume
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ws.cfg.Service, err)
	}
	return nil
}

// handle is the flow.Handler of the workers' consumer.
func (ws *Workers) handle(ctx context.Context, msg jetstream.Msg) error {
	meta, _ := msg.Metadata()
	if ws.cfg.Arrive != nil {
		var done func()
		ctx, done = ws.cfg.Arrive(ctx, meta)
		defer done()
	}
	start := ws.cfg.Now()
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil {
		err = flow.Permanent(fmt.Errorf("decode invocation: %w", err))
		ws.observe(Event{Service: ws.cfg.Service, Err: err}, meta, start)
		return err
	}
	err = ws.answer(ctx, inv, start)
	ws.observe(Event{Service: ws.cfg.Service, Kind: inv.Kind, Org: inv.Org, Invocation: inv.ID, Err: err}, meta, start)
	return err
}

// answer runs one invocation through its worker and sends what it
// answered; the error is classified for the ack decision.
func (ws *Workers) answer(ctx context.Context, inv *flow.Invocation, start time.Time) error {
	log := ws.log.With("invocation", inv.ID, "org", inv.Org, "kind", inv.Kind)
	if inv.IncidentID != 0 {
		log = log.With("incident", inv.IncidentID)
	}
	fn, ok := ws.kinds[inv.Kind]
	if !ok {
		return BadInput("the %s does not handle %s work", ws.cfg.Service, inv.Kind)
	}
	m, err := decodeMessage(inv)
	if err != nil {
		return err
	}
	r := &run{ws: ws, msg: m, log: log, start: start}
	out, err := fn(ctx, r)
	if serr := r.joinStatus(); serr != nil {
		return serr // the status goes out before anything final
	}
	if err != nil {
		return ws.classify(ctx, err)
	}
	if err := ws.finish(ctx, r, out); err != nil {
		return err
	}
	return nil
}

func (ws *Workers) setReady(ready bool, reason string) {
	ws.cfg.Ready.Set(ws.cfg.Service, ready, reason)
}

// IrisAnswered is the Observe hook of the service's Iris lookups: an Iris
// call that succeeds makes a service that Iris's credentials failure made
// not ready ready again.
func (ws *Workers) IrisAnswered(err error) {
	if err != nil {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.authDown {
		ws.authDown = false
		ws.setReady(true, "")
		ws.log.Info("DomainTools Iris accepts the credentials again")
	}
}

// irisRefused marks the service not ready after Iris refused the
// credentials; said once until they work again.
func (ws *Workers) irisRefused(err error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.setReady(false, "DomainTools Iris rejected the credentials: "+err.Error())
	if !ws.authDown {
		ws.authDown = true
		ws.log.Error("DomainTools Iris rejected the credentials; check IRISFLOW_IRIS_USER / IRISFLOW_IRIS_KEY", "err", err)
	}
}
