package pivoter

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Reply sequence numbers: one status message, then one final reply (result
// or error), so that a retried invocation never answers twice.
const (
	seqStatus = 0
	seqFinal  = 1
)

var hostname, _ = os.Hostname()

// reply publishes a reply on the invocation's route; nothing when the
// invocation has no reply-to (internal work).
func (p *pivoter) reply(ctx context.Context, inv *flow.Invocation, seq int, final bool, message []byte) error {
	if !inv.CanReply() {
		return nil
	}
	err := p.pub.Reply(ctx, &flow.Reply{
		InvocationID: inv.ID,
		Seq:          seq,
		Final:        final,
		Route:        inv.Route,
		Message:      json.RawMessage(message),
	})
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	return nil
}

// status sends a status message ("irisflow: …") for a function call.
func (p *pivoter) status(ctx context.Context, inv *flow.Invocation, text string) error {
	return p.reply(ctx, inv, seqStatus, false, resilient.StatusReply(text))
}

// result sends the final result of a function call.
func (p *pivoter) result(ctx context.Context, inv *flow.Invocation, inputs resilient.Inputs, start time.Time, success bool, reason string, content any) error {
	return p.reply(ctx, inv, seqFinal, true, resilient.ResultReply(resilient.ResultPayload{
		Success: success,
		Reason:  reason,
		Content: content,
		Inputs:  inputs.Flatten(),
		Metrics: resilient.Metrics{
			Package:         "irisflow",
			Host:            hostname,
			ExecutionTimeMS: p.cfg.Now().Sub(start).Milliseconds(),
			Timestamp:       p.cfg.Now(),
		},
	}))
}

// deadLettered answers a function call whose message was given up on with
// an error reply naming the reason.
func (p *pivoter) deadLettered(ctx context.Context, msg jetstream.Msg, reason string) {
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil || !inv.CanReply() {
		return
	}
	if err := p.reply(ctx, inv, seqFinal, true, resilient.ErrorReply("irisflow "+Service+": "+reason)); err != nil {
		p.log.Error("error reply not sent", "invocation", inv.ID, "err", err)
	}
}
