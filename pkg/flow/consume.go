package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultGrace is how long in-flight handlers may finish after shutdown
// begins, unless ConsumeOptions.Grace says otherwise.
const DefaultGrace = 20 * time.Second

// pullExpiry is how long one pull request lives (heartbeats every half).
const pullExpiry = 3 * time.Second

// ErrConsumeStopped is returned (wrapped, with the server's reason when it
// gave one) by Consume when its message iterator closed while its context
// was still live: the consumer was deleted, or the server refused the pull.
// The caller must not carry on as if it were consuming: the process exits
// non-zero (deps.Run) and its supervisor restarts it.
var ErrConsumeStopped = errors.New("consumer stopped delivering")

// Handler processes one message. Its error drives the ack decision (Decide):
// nil acks, Permanent(...) terminates and dead-letters, anything else is
// redelivered with backoff.
type Handler func(ctx context.Context, msg jetstream.Msg) error

// DeadLetterHook runs after a message was terminated and dead-lettered, so
// that the service can send an error reply to Resilient.
type DeadLetterHook func(ctx context.Context, msg jetstream.Msg, reason string)

// ConsumeOptions configure Consume.
type ConsumeOptions struct {
	// Service names the consuming service in logs and dead letters.
	Service string
	// Concurrency is how many messages are handled at once. Default 16.
	Concurrency int
	// Grace is how long in-flight handlers may run after ctx is cancelled
	// before their own context is cancelled. Default 20s.
	Grace time.Duration
	// OrderKey, when set, gives each message an ordering key: messages with
	// the same key are handled one after the other, in delivery order, each
	// after the previous one was settled (acked, nak'ed or terminated);
	// messages of different keys run concurrently up to Concurrency. The
	// bridge keys replies by invocation, so that a status reply goes out
	// before the final one while many invocations are in flight.
	OrderKey func(jetstream.Msg) string
	// OnDeadLetter is optional.
	OnDeadLetter DeadLetterHook
	// IDKey is the log key of a message's id (its Nats-Msg-Id): "invocation"
	// for FN work, "command" for writes, "reply_id" for replies. Default
	// "msg_id".
	IDKey string
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Consume runs the consume loop of a durable consumer until ctx is done,
// then shuts down in two phases: stop fetching, let in-flight and already
// buffered messages finish within Grace, then cancel them (they are
// redelivered, not lost). Each handler gets InProgress heartbeats while it
// runs, and the ack decision of Decide.
func Consume(ctx context.Context, js jetstream.JetStream, c Consumer, h Handler, o ConsumeOptions) error {
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.IDKey == "" {
		o.IDKey = "msg_id"
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("service", o.Service, "consumer", c.Config.Durable)

	cons, err := c.Ensure(ctx, js)
	if err != nil {
		return err
	}
	// InProgress keeps a message while its handler runs, paced by the
	// server's AckWait (what it enforces, even if an operator edited it).
	c.Config.AckWait = cons.CachedInfo().Config.AckWait
	// A pull request lives pullExpiry instead of nats.go's 30s: a pull lost
	// is noticed after two missed heartbeats (pullExpiry). On a loaded
	// machine the bridge's replies (Concurrency 1) sometimes waited with no
	// pull parked on the server until the iterator re-pulled: ≈10s with
	// 10s pulls, ≤3s now (docs/DESIGN.md).
	it, err := cons.Messages(jetstream.PullMaxMessages(o.Concurrency), jetstream.PullExpiry(pullExpiry))
	if err != nil {
		return fmt.Errorf("consume %s: %w", c.Config.Durable, err)
	}

	// Handlers run under work, which outlives ctx by Grace.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done(): // Consume returned on its own
			return
		}
		it.Drain() // phase 1: stop fetching; buffered messages still come out of Next
		select {
		case <-time.After(o.Grace):
			cancelWork() // phase 2
		case <-work.Done():
		}
	}()

	pub := Publisher{JS: js}
	sem := make(chan struct{}, o.Concurrency)
	var order lanes
	var wg sync.WaitGroup
	defer wg.Wait()
	var lastErr error // the last fetch error: why a live iterator closed
	for {
		msg, err := it.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				wg.Wait()
				if ctx.Err() != nil {
					return nil // drained: a clean stop
				}
				it.Stop()
				if lastErr != nil {
					return fmt.Errorf("consume %s: %w: %w", c.Config.Durable, ErrConsumeStopped, lastErr)
				}
				return fmt.Errorf("consume %s: %w", c.Config.Durable, ErrConsumeStopped)
			}
			if ctx.Err() != nil {
				continue // draining
			}
			lastErr = err
			if terminal(err) {
				continue // the iterator is closed: the next Next says so
			}
			if gone := consumerGone(ctx, cons); gone != nil {
				// Deleted while no pull was parked on the server (a loaded
				// machine): nats.go saw only missed heartbeats and would
				// re-pull for ever.
				lastErr = gone
				it.Stop()
				continue // closed: the next Next says so
			}
			log.Warn("fetch failed; retrying", "err", err)
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		turn, settled := order.enter(o.OrderKey, msg)
		go func() {
			defer func() { settled(); <-sem; wg.Done() }()
			<-turn
			handleOne(work, log, pub, c, msg, h, o)
		}()
	}
}

// consumerGone asks the server whether the consumer still exists after a
// fetch error: the error when the server says it does not, else nil (it
// exists, or the server could not say).
func consumerGone(ctx context.Context, cons jetstream.Consumer) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cons.Info(ctx); errors.Is(err, jetstream.ErrConsumerNotFound) {
		return err
	}
	return nil
}

// terminal reports whether a fetch error ends nats.go's iterator (it
// stops itself and returns ErrMsgIteratorClosed next).
func terminal(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrBadRequest)
}

func handleOne(ctx context.Context, log *slog.Logger, pub Publisher, c Consumer, msg jetstream.Msg, h Handler, o ConsumeOptions) {
	meta, err := msg.Metadata()
	delivered := 1
	if err == nil {
		delivered = int(meta.NumDelivered)
	}
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	log = log.With("subject", msg.Subject(), o.IDKey, id, "delivered", delivered)

	stop := keepAlive(ctx, msg, c.Config.AckWait)
	herr := safeHandle(ctx, h, msg)
	stop()

	d := Decide(herr, delivered, c.Config.MaxDeliver)
	switch d.Action {
	case Ack:
		if err := msg.DoubleAck(ctx); err != nil {
			log.Warn("ack failed; the message will be redelivered", "err", err)
		}
	case Nak:
		log.Warn("handler failed; will retry", "err", herr, "delay", d.Delay)
		if err := msg.NakWithDelay(d.Delay); err != nil {
			log.Warn("nak failed", "err", err)
		}
	case Term:
		log.Error("message dead-lettered", "reason", clip(d.Reason, maxReason))
		dl := &DeadLetter{
			ID:        id,
			Source:    c.Stream,
			Subject:   msg.Subject(),
			Service:   o.Service,
			Reason:    d.Reason,
			Delivered: delivered,
			Data:      redactContextToken(msg.Data()),
		}
		if id == "" && meta != nil {
			dl.ID = strconv.FormatUint(meta.Sequence.Stream, 10)
		}
		if err := pub.DeadLetter(ctx, dl); err != nil {
			// Without the record the message must not disappear: retry later.
			log.Error("dead letter publish failed; will retry the message", "err", err)
			_ = msg.NakWithDelay(Backoff(delivered))
			return
		}
		if o.OnDeadLetter != nil {
			o.OnDeadLetter(ctx, msg, clip(d.Reason, maxReason)) // the error reply must fit too
		}
		if err := msg.TermWithReason(truncate(d.Reason, 200)); err != nil {
			log.Warn("term failed", "err", err)
		}
	}
}

// safeHandle turns a handler panic into a permanent error, so one poison
// message cannot take the service down.
func safeHandle(ctx context.Context, h Handler, msg jetstream.Msg) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanentf("handler panic: %v", r)
		}
	}()
	return h(ctx, msg)
}

// keepAlive sends InProgress every third of ackWait until stopped.
func keepAlive(ctx context.Context, msg jetstream.Msg, ackWait time.Duration) (stop func()) {
	if ackWait <= 0 {
		ackWait = 30 * time.Second
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(ackWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// redactContextToken blanks the Resilient context token of an envelope kept
// in a dead letter: the record is kept for days, the token is a credential.
// Data that is not a JSON object with the field is kept as it is.
func redactContextToken(data []byte) []byte {
	if !bytes.Contains(data, []byte(`"context_token"`)) {
		return data
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return data
	}
	if _, ok := m["context_token"]; !ok {
		return data
	}
	m["context_token"] = json.RawMessage(`"[redacted]"`)
	out, err := json.Marshal(m)
	if err != nil {
		return data
	}
	return out
}
