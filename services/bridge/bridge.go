// Package bridge is the STOMP ⇄ JetStream bridge: it takes Resilient's
// function and action messages off the STOMP message destinations, hands
// them to JetStream (FN) durably, and sends the replies that the workers put
// on REPLIES back to Resilient's reply-to queues.
//
// Frame path (frames.go): MESSAGE → decode and validate (translate.go) →
// publish to FN with Nats-Msg-Id = message-id → frame record (record.go) →
// STOMP ACK. A frame is ACKed only after its PubAck; a frame that cannot be
// work is ACKed after its dead letter and error reply are stored.
//
// Reply path (replies.go, sender.go): REPLIES (durable consumer
// bridge-replies) → SEND to reply-to with correlation-id and a receipt, on a
// connection of its own with many receipts outstanding (an invocation's
// replies in order) → JetStream ack after each reply's own receipt. While the
// broker is unreachable, replies wait for the next connection.
package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	schedule "github.com/irisflow/irisflow/pkg/backoff"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
)

// Run runs the bridge until ctx is cancelled, then shuts down without losing
// anything: it stops taking frames, finishes the frames in flight (publish and
// ACK), lets the reply consumer drain, unsubscribes and disconnects. Frames
// delivered but not handled are un-ACKed and the broker redelivers them.
func Run(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return err
	}
	b, err := newBridge(ctx, cfg)
	if err != nil {
		return err
	}
	return b.run(ctx)
}

type bridge struct {
	cfg     Config
	log     *slog.Logger
	js      jetstream.JetStream
	pub     flow.Publisher
	records frameRecords
	dialer  *dialer
	links   *links[*link] // the frames' connection; nil while disconnected

	replyLinks *links[*replyConn] // the replies' connection; nil while disconnected
	ready      *readiness         // /readyz (ready.go)

	// receiptTimeout bounds the wait for a reply's RECEIPT (the package
	// constant receiptTimeout; tests shorten it).
	receiptTimeout time.Duration

	// id names this bridge process in the frame records' claims.
	id string
	// claimLease is how long a claim to send a final reply holds
	// (claimLease; tests shorten it).
	claimLease time.Duration

	// beforeSend, when set (tests), runs after a reply's claim, before its
	// SEND; returning true simulates the process dying there.
	beforeSend func(r *flow.Reply) bool
	// beforeAck, when set (tests), runs after an invocation's PubAck and
	// frame record, before its ACK; returning true simulates a crash there:
	// the connection is cut without ACK.
	beforeAck func(inv *flow.Invocation) bool
}

func newBridge(ctx context.Context, cfg Config) (*bridge, error) {
	log := cfg.Logger.With("service", "bridge")
	log.Info("bridge starting", "config", cfg)
	if err := flow.EnsureStreams(ctx, cfg.NATS, cfg.Streams); err != nil {
		return nil, fmt.Errorf("bridge: %w", err)
	}
	recs, err := ensureFrameRecords(ctx, cfg.NATS, cfg.FrameTTL, cfg.Streams.Replicas)
	if err != nil {
		return nil, fmt.Errorf("bridge: %w", err)
	}
	d, err := newDialer(cfg)
	if err != nil {
		return nil, err
	}
	return &bridge{
		cfg: cfg, log: log, js: cfg.NATS, pub: flow.Publisher{JS: cfg.NATS}, records: recs, dialer: d, links: newLinks[*link](), replyLinks: newLinks[*replyConn](),
		ready:          newReadiness(cfg.Ready),
		receiptTimeout: receiptTimeout,
		id:             obs.ProcessID(),
		claimLease:     claimLease,
	}, nil
}

func (b *bridge) run(ctx context.Context) error {
	// Replies run under their own context, cancelled only once the frames
	// are done, so that the connection stays up for them while they drain.
	replyCtx, stopReplies := context.WithCancel(context.WithoutCancel(ctx))
	defer stopReplies()
	// The reply connection outlives the reply consumer.
	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); b.replyConnLoop(senderCtx) }()
	defer func() { stopSender(); <-senderDone }()
	repliesDone := make(chan error, 1)
	go func() {
		repliesDone <- flow.Consume(replyCtx, b.js, flow.BridgeConsumer, b.sendReply, flow.ConsumeOptions{
			Service:     "bridge",
			Concurrency: b.cfg.ReplyConcurrency,
			Grace:       b.cfg.Grace,
			OrderKey:    replyOrder,
			IDKey:       "reply_id",
			Logger:      b.log,
		})
	}()

	// The frames stop with ctx, or when the reply consumer stops on its own
	// (its consumer deleted, say): a bridge that takes frames it can never
	// answer must not stay up and ready.
	framesCtx, stopFrames := context.WithCancel(ctx)
	defer stopFrames()
	lastc := make(chan *link, 1)
	go func() { lastc <- b.connectLoop(framesCtx) }() // returns after framesCtx is done, with the open connection if any

	var last *link
	var rerr error
	select {
	case last = <-lastc:
		stopReplies()
		select {
		case rerr = <-repliesDone:
		case <-time.After(b.cfg.Grace + 5*time.Second):
			rerr = errors.New("bridge: reply consumer did not stop within the grace period")
			if last != nil {
				last.fail()
			}
		}
	case rerr = <-repliesDone:
		b.ready.setReplies(fmt.Sprintf("reply consumer stopped: %v", rerr))
		b.log.Error("reply consumer stopped; the bridge stops taking frames", "err", rerr)
		stopFrames()
		last = <-lastc
		if rerr == nil {
			rerr = flow.ErrConsumeStopped
		}
		rerr = fmt.Errorf("bridge: replies: %w", rerr)
	}
	stopSender()
	<-senderDone
	b.links.set(nil)
	if last != nil {
		if err := last.Disconnect(); err != nil {
			b.log.Debug("disconnect", "err", err)
		}
	}
	b.ready.setFrames("stopped")
	b.log.Info("bridge stopped")
	return rerr
}

// connectLoop connects, subscribes and serves frames, reconnecting with
// backoff, until ctx is done. It returns the connection still open at that
// moment (its subscriptions removed), or nil.
func (b *bridge) connectLoop(ctx context.Context) *link {
	bo := b.reconnectBackoff()
	for {
		if ctx.Err() != nil {
			return nil
		}
		conn, err := b.dialer.dial(ctx)
		b.cfg.Metrics.StompConnect("frames", err)
		if err != nil {
			d := bo.Next()
			b.log.Warn("broker unreachable; retrying", "err", err, "in", d)
			b.ready.setFrames("broker unreachable: " + err.Error())
			if !pause(ctx, d) {
				return nil
			}
			continue
		}
		b.log.Info("connected to broker", "addr", b.dialer.addr, "server", conn.Server())
		b.links.set(conn)
		err = b.serve(ctx, conn, bo.Reset) // subscribed: the next loss retries from ReconnectMin
		if err == nil {                    // ctx done, connection still good
			return conn
		}
		b.links.set(nil)
		b.ready.setFrames("broker connection lost: " + err.Error())
		conn.fail()
		_ = conn.MustDisconnect()
		d := bo.Next()
		if msg, ok := brokerError(err); ok {
			// e.g. "User … is not authorized to read from: queue://actions.201.…":
			// the broker refused a subscription or a reply; retried, as the
			// operator may fix the permission without restarting irisflow.
			b.log.Error("broker sent ERROR and closed the connection; reconnecting", "broker_message", msg, "server", b.dialer.addr, "in", d)
		} else {
			b.log.Warn("broker connection lost; reconnecting", "err", err, "in", d)
		}
		if !pause(ctx, d) {
			return nil
		}
	}
}

// replyConnLoop keeps a reply connection up, reconnecting with backoff,
// until ctx is done; then it disconnects.
func (b *bridge) replyConnLoop(ctx context.Context) {
	bo := b.reconnectBackoff()
	for ctx.Err() == nil {
		conn, err := b.dialer.dialReplies(ctx, b.receiptTimeout)
		b.cfg.Metrics.StompConnect("replies", err)
		if err != nil {
			d := bo.Next()
			b.log.Warn("broker unreachable for replies; retrying", "err", err, "in", d)
			b.ready.setReplies("broker unreachable: " + err.Error())
			pause(ctx, d)
			continue
		}
		b.log.Info("reply connection up", "addr", b.dialer.addr, "server", conn.server,
			"dead_after", conn.readTimeout, "receipt_timeout", conn.receiptTimeout)
		b.replyLinks.set(conn)
		b.ready.setReplies("")
		bo.Reset() // connected: the next loss retries from ReconnectMin
		select {
		case <-ctx.Done():
			b.replyLinks.set(nil)
			conn.close()
			return
		case <-conn.dead:
		}
		b.replyLinks.set(nil)
		b.ready.setReplies(fmt.Sprintf("lost: %v", conn.reason()))
		d := bo.Next()
		b.log.Warn("reply connection lost; reconnecting", "err", conn.reason(), "in", d)
		pause(ctx, d)
	}
}

// pause waits d, or until ctx is done; it reports whether ctx is still
// live (false: the caller stops).
func pause(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// reconnectBackoff is the delay sequence of a reconnect loop: from
// ReconnectMin, doubling to ReconnectMax, back to ReconnectMin once a
// connection is up (a loss after a long outage is retried at once, not after
// the outage's last delay).
func (b *bridge) reconnectBackoff() *schedule.Sequence {
	return &schedule.Sequence{Policy: schedule.Policy{Base: b.cfg.ReconnectMin, Max: b.cfg.ReconnectMax}}
}
