package work

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Reply sequence numbers: one status message, then one final reply (result,
// acknowledgement or error), so that a retried invocation never answers twice.
const (
	SeqStatus = 0
	SeqFinal  = 1
)

// Unsuccessful is implemented by a function's result that answers with
// success false (a final answer, not an error: an Iris search too large to
// run). A non-empty reason makes the result unsuccessful.
type Unsuccessful interface {
	Unsuccessful() (reason string)
}

// Acker is implemented by a rule action's answer: the acknowledgement text.
type Acker interface {
	AckText() string
}

// Ack is the answer of a rule action: the text of its acknowledgement.
type Ack string

// AckText returns the acknowledgement text.
func (a Ack) AckText() string { return string(a) }

func (ws *Workers) reply(ctx context.Context, inv *flow.Invocation, seq int, final bool, message []byte) error {
	if !inv.CanReply() {
		return nil
	}
	err := ws.pub.Reply(ctx, &flow.Reply{
		InvocationID: inv.ID, Seq: seq, Final: final, Route: inv.Route, Message: json.RawMessage(message),
	})
	if err != nil {
		return fmt.Errorf("reply %d of %s: %w", seq, inv.ID, err)
	}
	return nil
}

func (ws *Workers) statusReply(ctx context.Context, inv *flow.Invocation, text string) error {
	return ws.reply(ctx, inv, SeqStatus, false, resilient.StatusReply(text))
}

// finalMessage is the final reply of an answered invocation: a function's
// result, an action's acknowledgement; nil for work without reply-to.
func (ws *Workers) finalMessage(r *run, out any) []byte {
	inv := r.msg.Invocation
	if !inv.CanReply() {
		return nil
	}
	if r.msg.Action != nil {
		if a, ok := out.(Acker); ok {
			return resilient.ActionAck(a.AckText())
		}
		return resilient.ActionAck(fmt.Sprint(out))
	}
	p := resilient.ResultPayload{
		Success: true,
		Content: out,
		Metrics: resilient.Metrics{
			Package: "irisflow", PackageVersion: ws.cfg.Version, Host: ws.cfg.Host,
			ExecutionTimeMS: ws.cfg.Now().Sub(r.start).Milliseconds(), Timestamp: ws.cfg.Now(),
		},
	}
	if r.msg.Function != nil {
		p.Inputs = r.msg.Function.Inputs.Flatten()
	}
	if u, ok := out.(Unsuccessful); ok {
		if reason := u.Unsuccessful(); reason != "" {
			p.Success, p.Reason = false, reason
		}
	}
	return resilient.ResultReply(p)
}

// finish publishes what a worker answered, in order: its writes, its
// follow-up work, then the final reply. An answer with writes is final only
// once they have landed: its final reply rides on every write command
// (flow.Final) and the writer that settles the last one sends it, or the
// failure of one instead.
func (ws *Workers) finish(ctx context.Context, r *run, out any) error {
	inv := r.msg.Invocation
	final := ws.finalMessage(r, out)
	var held *flow.Final
	if final != nil && len(r.writes) > 0 {
		held = &flow.Final{Seq: SeqFinal, Message: final, Writes: make([]string, len(r.writes))}
		for i, cmd := range r.writes {
			held.Writes[i] = cmd.ID
		}
	}
	for _, cmd := range r.writes {
		ws.complete(inv, cmd)
		if held != nil {
			cmd.Final = held
		}
		if err := ws.pub.Write(ctx, cmd); err != nil {
			return fmt.Errorf("publish write %s: %w", cmd.ID, err)
		}
	}
	for _, next := range r.follow {
		if err := ws.pub.Invocation(ctx, next); err != nil {
			return fmt.Errorf("publish %s work %s: %w", next.Kind, next.ID, err)
		}
	}
	if final == nil || held != nil {
		return nil
	}
	return ws.reply(ctx, inv, SeqFinal, true, final)
}

// complete fills in what every write command of inv carries.
func (ws *Workers) complete(inv *flow.Invocation, cmd *flow.WriteCommand) {
	if cmd.InvocationID == "" {
		cmd.InvocationID = inv.ID
	}
	if cmd.Org == 0 {
		cmd.Org = inv.Org
	}
	if cmd.ContextToken == "" {
		cmd.ContextToken = inv.ContextToken
	}
	if cmd.CreatedAt.IsZero() {
		cmd.CreatedAt = ws.cfg.Now().UTC()
	}
	if cmd.Reply == nil && inv.CanReply() {
		route := inv.Route
		cmd.Reply = &route
	}
}

// deadLettered answers an invocation the consume loop gave up on with an
// error reply naming the reason.
func (ws *Workers) deadLettered(ctx context.Context, msg jetstream.Msg, reason string) {
	inv, err := flow.Decode[flow.Invocation](msg.Data())
	if err != nil || !inv.CanReply() {
		return
	}
	if err := ws.reply(ctx, inv, SeqFinal, true, resilient.ErrorReply("irisflow: "+reason)); err != nil {
		ws.log.Error("error reply not sent", "invocation", inv.ID, "err", err)
	}
}
