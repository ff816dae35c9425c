package bridge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// ErrDisconnected is the transient error of a reply that arrives while the
// broker is unreachable: the reply is Nak'ed with a delay and sent later.
var ErrDisconnected = errors.New("bridge: not connected to the broker")

// ErrRefused marks a reply the broker answered with an ERROR frame (e.g.
// "User … is not authorized to write to: queue://acks.…").
var ErrRefused = errors.New("bridge: broker refused the reply")

const (
	// replyRetry is the redelivery delay of a reply that could not be sent.
	replyRetry = time.Second
	// connWait is how long a reply waits for a broker connection before it
	// is Nak'ed: while the broker is down, replies wait in order, one at a
	// time, instead of cycling through REPLIES with a log line each.
	connWait = 10 * time.Second
	// refusedLimit is how many times a reply the broker refuses is tried
	// before it is dead-lettered. go-stomp closes the connection on every
	// ERROR, so a reply the broker will never take must not be retried for
	// ever: each try cuts the frames of every destination. The reconnect
	// backoff spaces the tries.
	refusedLimit = 5
)

// sendReply is the REPLIES handler: SEND the reply to its reply-to with a
// receipt; the JetStream message is acked (by flow.Consume) only after the
// receipt. A final reply is stored in the invocation's frame record.
//
// A reply the broker refuses (an ERROR frame answering the SEND) is tried
// again on the next connection (go-stomp closes one on every ERROR), up to
// refusedLimit tries, then dead-lettered with the broker's reason.
func (b *bridge) sendReply(ctx context.Context, msg jetstream.Msg) error {
	r, err := flow.Decode[flow.Reply](msg.Data())
	if err != nil {
		return flow.Permanent(err)
	}
	var last *link
	for try := 1; ; try++ {
		conn := b.links.wait(ctx, connWait, last)
		if conn == nil {
			return &flow.RetryAfter{Err: ErrDisconnected, Delay: replyRetry}
		}
		err := b.send(conn, r)
		if err == nil {
			break
		}
		m, refused := brokerRefusal(err)
		if !refused {
			return &flow.RetryAfter{Err: err, Delay: replyRetry}
		}
		err = fmt.Errorf("%w: reply %s to %s (correlation-id %s), try %d of %d: %s", ErrRefused, r.ID, r.ReplyTo, r.CorrelationID, try, refusedLimit, m)
		if try >= refusedLimit {
			return flow.Permanent(err)
		}
		b.log.Warn("broker refused a reply; trying again on the next connection", "err", err)
		last = conn
	}
	if r.Final {
		if err := b.records.storeFinal(ctx, r); err != nil {
			b.log.Warn("final reply sent but not stored in the frame record", "reply_id", r.ID, "err", err)
		}
	}
	b.log.Debug("reply sent", "reply_id", r.ID, "correlation_id", r.CorrelationID, "final", r.Final)
	return nil
}

// send SENDs one reply and waits for the broker's receipt.
func (b *bridge) send(conn *link, r *flow.Reply) error {
	var opts []func(*frame.Frame) error
	if r.CorrelationID != "" {
		opts = append(opts, stomp.SendOpt.Header(resilient.HeaderCorrelationID, r.CorrelationID))
	}
	if err := conn.sendReceipted(b.receiptTimeout, r.ReplyTo, "application/json", r.Message, opts...); err != nil {
		return fmt.Errorf("send reply %s to %s: %w", r.ID, r.ReplyTo, err)
	}
	return nil
}
