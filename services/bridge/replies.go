package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// ErrDisconnected is the transient error of a reply still waiting for a
// broker connection when the bridge shuts down: it is Nak'ed and sent by
// the next bridge.
var ErrDisconnected = errors.New("bridge: not connected to the broker")

// ErrRefused marks a reply the broker answered with an ERROR frame (e.g.
// "User … is not authorized to write to: queue://acks.…").
var ErrRefused = errors.New("bridge: broker refused the reply")

// ErrLaterFinal marks a final reply for an invocation that already has one
// in its frame record: it is dead-lettered, never sent, so that Resilient
// sees one final reply per invocation.
var ErrLaterFinal = errors.New("bridge: invocation already has a final reply")

const (
	// replyRetry is the redelivery delay of a reply Nak'ed on shutdown.
	replyRetry = time.Second
	// refusedLimit is how many times a reply the broker refuses is tried
	// before it is dead-lettered. The broker closes the connection on
	// every ERROR, so a reply it will never take must not be retried for
	// ever: each try cuts the reply connection. The reconnect backoff
	// spaces the tries.
	refusedLimit = 5
)

// replyOrder is the reply consumer's OrderKey: the invocation, the
// Nats-Msg-Id "<invocation>#<seq>" up to its last '#'. An invocation's
// replies are sent one after the other (the next after the previous one's
// RECEIPT); replies of different invocations are in flight together.
func replyOrder(msg jetstream.Msg) string {
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return id[:i]
	}
	return id
}

// sendReply is the REPLIES handler: SEND the reply to its reply-to with a
// receipt; the JetStream message is acked (by flow.Consume) only after the
// receipt. Many run at once (Config.ReplyConcurrency), ordered per
// invocation by replyOrder.
//
// A final reply is sent at most once per invocation: the frame record
// decides (see FrameRecord), not REPLIES' dedup window, which nats-server
// forgets on a restart. A final already recorded as sent is acked without
// a SEND; a different, later final is dead-lettered.
//
// While the broker is unreachable, or when the connection drops with the
// SEND unreceipted, the reply waits for the next connection and is sent
// there (the consumer keeps it with InProgress). A reply the broker refuses
// (an ERROR frame answering its SEND) is tried on the next connections up
// to refusedLimit times, then dead-lettered with the broker's reason.
func (b *bridge) sendReply(ctx context.Context, msg jetstream.Msg) error {
	r, err := flow.Decode[flow.Reply](msg.Data())
	if err != nil {
		return flow.Permanent(err)
	}
	log := b.log.With("invocation", r.InvocationID, "reply_id", r.ID, "correlation_id", r.CorrelationID, "final", r.Final)
	var (
		rec *FrameRecord
		rev uint64
	)
	if r.Final {
		if err := retry(ctx, func() error {
			var err error
			rec, rev, err = b.records.get(ctx, r.InvocationID)
			return err
		}); err != nil {
			return &flow.RetryAfter{Err: err, Delay: replyRetry}
		}
		if rec != nil && rec.Final != nil {
			if rec.Final.ID == r.ID {
				log.Info("final reply already sent; not sending it again")
				return nil
			}
			return flow.Permanent(fmt.Errorf("%w: %s was sent at %s; the later final %s is not sent",
				ErrLaterFinal, rec.Final.ID, rec.FinalAt.Format(time.RFC3339), r.ID))
		}
	}
	headers := []string{}
	if r.CorrelationID != "" {
		headers = append(headers, resilient.HeaderCorrelationID, r.CorrelationID)
	}
	var last *replyConn
	for try := 1; ; {
		conn := b.replyLinks.wait(ctx, 0, last)
		if conn == nil {
			return &flow.RetryAfter{Err: ErrDisconnected, Delay: replyRetry}
		}
		start := time.Now()
		b.cfg.Metrics.RepliesInFlight(1)
		err := conn.send(ctx, r.ReplyTo, "application/json", r.Message, headers...)
		b.cfg.Metrics.RepliesInFlight(-1)
		if err == nil {
			b.cfg.Metrics.ReplySent(r.Final, time.Since(start))
			break
		}
		if ctx.Err() != nil {
			return &flow.RetryAfter{Err: fmt.Errorf("send reply %s: %w", r.ID, err), Delay: replyRetry}
		}
		last = conn
		var refused *refusalError
		if !errors.As(err, &refused) {
			log.Debug("reply connection lost before the RECEIPT; sending again on the next one", "err", err)
			continue
		}
		err = fmt.Errorf("%w: reply %s to %s (correlation-id %s), try %d of %d: %s", ErrRefused, r.ID, r.ReplyTo, r.CorrelationID, try, refusedLimit, refused.message)
		if try >= refusedLimit {
			return flow.Permanent(err)
		}
		log.Warn("broker refused a reply; trying again on the next connection", "err", err)
		try++
	}
	if r.Final {
		if err := b.records.storeFinal(ctx, r, rec, rev); err != nil {
			if errors.Is(err, ErrLaterFinal) { // two bridges raced; the first stays
				log.Error("a second final reply was sent; the frame record keeps the first", "err", err)
			} else {
				log.Warn("final reply sent but not stored in the frame record", "err", err)
			}
		}
	}
	log.Debug("reply sent")
	return nil
}
