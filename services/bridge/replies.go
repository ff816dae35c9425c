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

// replyRetry is the redelivery delay of a reply that could not be sent.
const replyRetry = time.Second

// sendReply is the REPLIES handler: SEND the reply to its reply-to with a
// receipt; the JetStream message is acked (by flow.Consume) only after the
// receipt. A final reply is stored in the invocation's frame record.
func (b *bridge) sendReply(ctx context.Context, msg jetstream.Msg) error {
	r, err := flow.Decode[flow.Reply](msg.Data())
	if err != nil {
		return flow.Permanent(err)
	}
	conn := b.current()
	if conn == nil {
		return &flow.RetryAfter{Err: ErrDisconnected, Delay: replyRetry}
	}
	if err := b.send(conn, r); err != nil {
		return &flow.RetryAfter{Err: err, Delay: replyRetry}
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
func (b *bridge) send(conn *stomp.Conn, r *flow.Reply) error {
	opts := []func(*frame.Frame) error{stomp.SendOpt.Receipt}
	if r.CorrelationID != "" {
		opts = append(opts, stomp.SendOpt.Header(resilient.HeaderCorrelationID, r.CorrelationID))
	}
	if err := conn.Send(r.ReplyTo, "application/json", r.Message, opts...); err != nil {
		return fmt.Errorf("send reply %s to %s: %w", r.ID, r.ReplyTo, err)
	}
	return nil
}
