package writer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

// outcome is the class of a failed write.
type outcome int

const (
	// transient: retry the message later (5xx, 429, 409, timeouts, network,
	// a ledger or listing failure); the ledger stays pending.
	transient outcome = iota
	// unauthorized: 401/403; pause the org's writes until the credentials work.
	unauthorized
	// permanent: any other 4xx (unknown column, no such incident...); no
	// retry can fix it.
	permanent
)

func (o outcome) String() string {
	return [...]string{"transient", "unauthorized", "permanent"}[o]
}

// classify says what a failed write means.
func classify(err error) outcome {
	switch {
	case errors.Is(err, resilient.ErrAuth):
		return unauthorized
	case flow.IsPermanent(err), errors.Is(err, resilient.ErrClient), errors.Is(err, resilient.ErrNotFound):
		return permanent
	}
	return transient
}

// retryLater wraps a transient error with Resilient's Retry-After, when it
// sent one, so the message is redelivered no sooner.
func retryLater(err error) error {
	var e *resilient.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return &flow.RetryAfter{Err: err, Delay: e.RetryAfter}
	}
	return err
}

// authStatus is the HTTP status of an auth failure (401 when unknown).
func authStatus(err error) int {
	var e *resilient.Error
	if errors.As(err, &e) && e.Status != 0 {
		return e.Status
	}
	return 401
}

// errorReplyID is the deterministic id of the error reply for a command
// that failed for good, so that a retried failure replies once.
func errorReplyID(cmd *flow.WriteCommand) string {
	return flow.ReplyID(invocationOf(cmd)+"/write-error/"+cmd.ID, 0)
}

func invocationOf(cmd *flow.WriteCommand) string {
	if cmd.InvocationID != "" {
		return cmd.InvocationID
	}
	return cmd.ID
}

// fail gives up on cmd: the ledger records the reason, the waiting
// invocation gets the failure as its final reply once its other writes have
// settled (cmd.Final; settle), or, for follow-up work without a final reply
// of its own, as an error notice (cmd.Reply); and the returned permanent
// error makes flow.Consume dead-letter the message with the reason. When
// the ledger or the reply cannot be written, a transient error is returned
// instead so that the failure is recorded on a later delivery.
func (w *writer) fail(ctx context.Context, log *slog.Logger, cmd *flow.WriteCommand, cause error) error {
	reason := fmt.Sprintf("write %s to incident %d of org %d failed: %v", cmd.Kind, cmd.IncidentID, cmd.Org, cause)
	if err := w.store.LedgerFailed(ctx, cmd.ID, reason); err != nil && !errors.Is(err, store.ErrNotFound) {
		if errors.Is(err, store.ErrAlreadyApplied) {
			log.Warn("write failed but the ledger says it was applied before; acknowledging", "err", cause)
			return nil
		}
		return fmt.Errorf("record failure of %s: %w", cmd.ID, err)
	}
	switch {
	case cmd.Final != nil:
		// The failure is the invocation's final reply, sent once every
		// write of it has settled.
		if err := w.settle(ctx, cmd); err != nil {
			return err
		}
	case cmd.Reply != nil && cmd.Reply.CanReply():
		// Follow-up work (an auto-pivot the playbook started) has no final
		// reply of its own: the failure is reported without replacing the
		// one SOAR has.
		text := fmt.Sprintf("irisflow could not write %s to incident %d: %v", objectNoun(cmd), cmd.IncidentID, cause)
		r := &flow.Reply{
			ID:           errorReplyID(cmd),
			InvocationID: invocationOf(cmd),
			Route:        *cmd.Reply,
			Message:      resilient.ErrorNotice(text),
		}
		if err := w.pub.Reply(ctx, r); err != nil {
			return fmt.Errorf("error reply for %s: %w", cmd.ID, err)
		}
	}
	return flow.Permanent(errors.New(reason)) // flow.Consume logs it, once
}

// settle sends the final reply cmd carries once every write of its
// invocation has settled: Final.Message when all landed, else an error
// reply naming the first that failed for good. A write not yet settled
// will settle it in its turn; concurrent settlers send the same reply
// under the same id, which the stream keeps once.
func (w *writer) settle(ctx context.Context, cmd *flow.WriteCommand) error {
	f := cmd.Final
	if f == nil || cmd.Reply == nil || !cmd.Reply.CanReply() {
		return nil
	}
	entries, err := w.store.LedgerLookupMany(ctx, f.Writes)
	if err != nil {
		return fmt.Errorf("settle %s: %w", invocationOf(cmd), err)
	}
	var failed []string
	for _, id := range f.Writes {
		e, ok := entries[id]
		if !ok || e.State == store.LedgerPending {
			return nil
		}
		if e.State == store.LedgerFailed {
			failed = append(failed, e.LastError)
		}
	}
	msg := f.Message
	if len(failed) > 0 {
		text := "irisflow: " + failed[0]
		if len(failed) > 1 {
			text += fmt.Sprintf(" (and %d more writes failed)", len(failed)-1)
		}
		msg = resilient.ErrorReply(text)
	}
	r := &flow.Reply{InvocationID: invocationOf(cmd), Seq: f.Seq, Final: true, Route: *cmd.Reply, Message: msg}
	if err := w.pub.Reply(ctx, r); err != nil {
		return fmt.Errorf("final reply of %s: %w", r.InvocationID, err)
	}
	return nil
}
