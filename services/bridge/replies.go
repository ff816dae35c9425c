package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
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
// forgets on a restart. The bridge claims the record before each SEND
// attempt; a copy of the reply held by another bridge waits for the claim
// (Nak with the lease's remainder as delay) and is then acked without a
// SEND; a different, later final is dead-lettered. A status reply whose
// invocation has its final, sent or being sent, is acked without a SEND.
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
	if !r.Final {
		var rec *FrameRecord
		if err := retry(ctx, func() error {
			var err error
			rec, _, err = b.records.get(ctx, r.InvocationID)
			return err
		}); err != nil {
			return &flow.RetryAfter{Err: err, Delay: replyRetry}
		}
		if rec != nil && (rec.Final != nil || rec.Claim != nil) {
			log.Info("status reply after its invocation's final reply; not sent")
			return nil
		}
	}
	headers := []string{}
	if r.CorrelationID != "" {
		headers = append(headers, resilient.HeaderCorrelationID, r.CorrelationID)
	}
	var (
		last  *replyConn
		claim finalClaim
		// holder names this handling of the reply in its claim: another
		// handling of the same final in this process (a copy redelivered
		// after a nats-server crash while this one still stores its
		// record) waits for it like another bridge would, instead of
		// taking the claim as its own and sending again (make chaos,
		// docs/reliability.md finding 4).
		holder = b.id + "/" + strconv.FormatUint(uint64(rand.Uint32()), 16)
	)
	for try := 1; ; {
		conn := b.replyLinks.wait(ctx, 0, last)
		if conn == nil {
			return &flow.RetryAfter{Err: ErrDisconnected, Delay: replyRetry}
		}
		if r.Final {
			if claim, err = b.claimFinal(ctx, log, r, holder); err != nil || claim.sent {
				return err
			}
		}
		if b.beforeSend != nil && b.beforeSend(r) {
			return &flow.RetryAfter{Err: errors.New("test: the bridge died before the SEND"), Delay: time.Hour}
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
		// Stored before the ack, however long NATS is away: a final sent
		// but not recorded, its ack lost too (a nats-server crash), came
		// back to this bridge, found its own claim and was sent again
		// (make chaos through ActiveMQ, 2026-12-03).
		var later error
		err := retry(ctx, func() error {
			err := b.records.storeFinal(ctx, r, claim)
			if errors.Is(err, ErrLaterFinal) {
				later, err = err, nil
			}
			return err
		})
		switch {
		case later != nil: // another bridge sent after this one's lease lapsed
			log.Error("a second final reply was sent; the frame record keeps the first", "err", later)
		case err != nil: // the bridge is stopping; SOAR has the reply, so it is acked
			log.Warn("final reply sent but not stored in the frame record", "err", err)
		}
	}
	log.Debug("reply sent")
	return nil
}

// claimFinal claims the frame record for the final reply r before a SEND
// attempt (see FrameRecord). It returns the claim, sent: true when the
// record holds r already (nothing to send), a permanent error for a later
// final, and a *flow.RetryAfter while another bridge holds the claim (until
// its lease ends) or the record cannot be read.
func (b *bridge) claimFinal(ctx context.Context, log *slog.Logger, r *flow.Reply, holder string) (finalClaim, error) {
	var (
		c    finalClaim
		done error // an answer, not a failure to read or write the record
	)
	err := retry(ctx, func() error {
		var err error
		c, err = b.records.claimFinal(ctx, r, holder, b.claimLease)
		var held *claimedError
		if errors.Is(err, ErrLaterFinal) || errors.As(err, &held) {
			done, err = err, nil
		}
		return err
	})
	if err == nil {
		err = done
	}
	var held *claimedError
	switch {
	case err == nil && c.sent:
		log.Info("final reply already sent; not sending it again")
		return c, nil
	case err == nil:
		if c.lapsed != nil {
			log.Warn(takeOverLine+"; it may have sent it before it stopped, so SOAR may get it twice",
				"claimed_by", c.lapsed.Bridge, "claimed_until", c.lapsed.Until)
		}
		return c, nil
	case errors.Is(err, ErrLaterFinal):
		return c, flow.Permanent(err)
	case errors.As(err, &held):
		log.Info("another bridge is sending this final reply; waiting for it", "claimed_by", held.claim.Bridge)
		return c, &flow.RetryAfter{Err: err, Delay: max(time.Until(held.claim.Until), replyRetry)}
	default:
		return c, &flow.RetryAfter{Err: err, Delay: replyRetry}
	}
}

// takeOverLine begins the warning of a bridge sending a final reply whose
// claim by another bridge lapsed (make chaos reads it).
const takeOverLine = "sending a final reply whose claim by another bridge lapsed"

// claimLease is how long a bridge's claim to send a final reply holds
// without renewal: longer than one SEND attempt (its RECEIPT comes within
// receiptTimeout, or the link is found dead sooner by its heart-beats). A
// bridge that dies holding a claim delays that reply by at most this long.
const claimLease = 3 * receiptTimeout
