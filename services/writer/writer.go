package writer

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

// Run consumes the WRITES stream (durable consumer flow.WriterConsumer)
// and applies each command to Resilient until ctx is done, then shuts down
// as flow.Consume does: stop fetching, let in-flight commands finish within
// Config.Grace. The streams must exist (flow.EnsureStreams).
func Run(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return err
	}
	// stopped ends when ctx does or Run returns: handlers waiting on a
	// paused org then give their message back at once, and the credential
	// probes end.
	stopped, stop := context.WithCancel(ctx)
	w := &writer{
		cfg:     cfg,
		store:   cfg.Store,
		pub:     flow.Publisher{JS: cfg.JS},
		log:     cfg.Logger.With("service", "writer"),
		limits:  newOrgLimits(cfg.RatePerSecond),
		locks:   newKeyLocks(),
		id:      obs.ProcessID(),
		clients: map[int64]*resilient.Client{},
	}
	// Not ready once consuming ends (set after the probes stopped), until
	// the process exits: a consumer that stopped delivering fails Run
	// (flow.ErrConsumeStopped).
	defer cfg.Ready.Set(ReadinessComponent, false, "not consuming")
	w.gate = newAuthGate(stopped.Done(), cfg.AuthProbeInterval, cfg.Ready, w.log)
	defer w.gate.close()
	defer stop() // runs before gate.close
	cfg.Ready.Set(ReadinessComponent, true, "")

	err := flow.Consume(ctx, cfg.JS, flow.WriterConsumer, w.handle, flow.ConsumeOptions{
		Service:     "writer",
		Concurrency: cfg.Concurrency,
		Grace:       cfg.Grace,
		IDKey:       "command",
		Logger:      cfg.Logger,
	})
	if err != nil {
		return fmt.Errorf("writer: %w", err)
	}
	return nil
}

// writer is one running writer.
type writer struct {
	cfg    Config
	store  *store.Store
	pub    flow.Publisher
	log    *slog.Logger
	limits *orgLimits
	locks  *keyLocks
	id     string // names this process in its ledger claims (obs.ProcessID)
	gate   *authGate

	mu      sync.Mutex
	clients map[int64]*resilient.Client
}

// client returns the REST client of org, asking Config.Clients once.
func (w *writer) client(org int64) (*resilient.Client, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.clients[org]; ok {
		return c, nil
	}
	c, err := w.cfg.Clients(org)
	if err != nil {
		return nil, fmt.Errorf("no Resilient client for org %d: %w", org, err)
	}
	if c == nil {
		return nil, fmt.Errorf("no Resilient client for org %d", org)
	}
	w.clients[org] = c
	return c, nil
}

// handle is the flow.Handler of one WRITES message.
func (w *writer) handle(ctx context.Context, msg jetstream.Msg) error {
	cmd, err := flow.Decode[flow.WriteCommand](msg.Data())
	if err != nil {
		return flow.Permanent(fmt.Errorf("decode write command: %w", err))
	}
	log := w.log.With("org", cmd.Org, "incident", cmd.IncidentID, "command", cmd.ID, "kind", cmd.Kind)
	c, err := w.client(cmd.Org)
	if err != nil {
		return w.fail(ctx, log, cmd, err)
	}
	if cmd.ContextToken != "" {
		ctx = resilient.WithContextToken(ctx, cmd.ContextToken)
	}
	unlock := w.locks.lock(cmd.ID)
	defer unlock()
	for {
		if err := w.gate.wait(ctx, cmd.Org); err != nil {
			return err
		}
		err := w.apply(ctx, log, c, cmd)
		if err == nil {
			return w.settle(ctx, cmd)
		}
		var held *store.ClaimedError
		if errors.As(err, &held) {
			// Another replica is writing it (a copy redelivered while the
			// first was in flight): its outcome is seen on the redelivery.
			// flow.Consume logs it, once.
			w.cfg.Metrics.Write(string(cmd.Kind), "claimed")
			return &flow.RetryAfter{Err: err, Delay: min(max(held.Remaining, minClaimWait), w.cfg.ClaimLease)}
		}
		switch classify(err) {
		case unauthorized:
			w.cfg.Metrics.Write(string(cmd.Kind), "paused")
			incident := cmd.IncidentID
			w.gate.trip(cmd.Org, authStatus(err), func(ctx context.Context) error {
				_, err := c.GetIncident(ctx, incident)
				return err
			})
			continue // wait for the credentials, then start over
		case permanent:
			w.cfg.Metrics.Write(string(cmd.Kind), "failed")
			return w.fail(ctx, log, cmd, err)
		default:
			w.cfg.Metrics.Write(string(cmd.Kind), "retried")
			return retryLater(err) // flow.Consume logs it, once
		}
	}
}

// minClaimWait is the shortest wait before a command claimed by another
// writer is tried again (its lease may have just ended).
const minClaimWait = 500 * time.Millisecond

// apply runs the effectively-once protocol for one command: begin it in the
// ledger, claiming it (a *store.ClaimedError while another writer holds
// it), then write it, reconcile it, or do nothing, as the ledger says. The
// claim is held, renewed, from the reconcile to the ledger update, and
// released when apply returns.
func (w *writer) apply(ctx context.Context, log *slog.Logger, c *resilient.Client, cmd *flow.WriteCommand) (err error) {
	token := w.id + "/" + rand.Text()[:8]
	e, created, err := w.store.LedgerBegin(ctx, cmd.ID, cmd.Org, cmd.IncidentID, string(cmd.Kind), token, w.cfg.ClaimLease)
	if err != nil {
		return fmt.Errorf("ledger begin: %w", err)
	}
	st := ledgerStep(e, created)
	if st == stepDone {
		log.Debug("write already applied; nothing to do", "object_id", deref(e.ObjectID), "attempts", e.Attempts)
		w.cfg.Metrics.Write(string(cmd.Kind), "duplicate")
		return nil
	}
	ctx, release := w.hold(ctx, log, cmd.ID, token)
	defer func() { err = release(err) }()
	if st == stepReconcile {
		if err := w.limits.wait(ctx, cmd.Org); err != nil {
			return err
		}
		id, found, err := reconcile(ctx, c, cmd, e.PendingSince, w.cfg.ReconcileSkew)
		if err != nil {
			w.cfg.Metrics.Reconciled("failed")
			return fmt.Errorf("reconcile: %w", err)
		}
		result := "absent" // written again below
		if found {
			result = "found"
		}
		w.cfg.Metrics.Reconciled(result)
		if found {
			if err := w.applied(ctx, log, cmd, id); err != nil {
				return err
			}
			log.Info("write found in resilient from an earlier attempt; not written again", "object_id", id, "attempts", e.Attempts)
			w.cfg.Metrics.Write(string(cmd.Kind), "found")
			return nil
		}
	}
	if err := w.limits.wait(ctx, cmd.Org); err != nil {
		return err
	}
	if w.cfg.beforePost != nil {
		if err := w.cfg.beforePost(cmd); err != nil {
			return err
		}
	}
	id, err := post(ctx, c, cmd)
	if err != nil {
		return err
	}
	if w.cfg.afterPost != nil {
		if err := w.cfg.afterPost(cmd, id); err != nil {
			return err
		}
	}
	if err := w.applied(ctx, log, cmd, id); err != nil {
		return err
	}
	log.Info("write applied", "object_id", id, "attempts", e.Attempts, "reconciled", st == stepReconcile)
	w.cfg.Metrics.Write(string(cmd.Kind), "written")
	return nil
}

// applied records the object id in the ledger. Failing that, the error is
// transient: the next delivery reconciles and finds the object.
func (w *writer) applied(ctx context.Context, log *slog.Logger, cmd *flow.WriteCommand, id int64) error {
	err := w.store.LedgerApplied(ctx, cmd.ID, id)
	if errors.Is(err, store.ErrAlreadyApplied) {
		log.Warn("ledger already records another object for this command", "object_id", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger applied: %w", err)
	}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
