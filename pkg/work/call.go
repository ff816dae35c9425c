package work

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
)

// Call is one delivery of an invocation to its Worker, with the inputs the
// worker's Inputs read.
type Call[In any] struct {
	// Invocation is the FN envelope; Message its decoded body.
	Invocation *flow.Invocation
	Message    *Message
	// In are the typed inputs.
	In In
	// Log carries the invocation's ids (invocation, org, kind, incident).
	Log *slog.Logger
	// Start is when the delivery started (the result's execution time).
	Start time.Time

	r *run
}

// Status sends the invocation's status reply ("irisflow: …") without
// waiting for it: the layer joins it before the final reply, so it always
// goes out first, and fails the delivery if it could not be sent. Only the
// first Status of a call is sent; an invocation without reply-to sends none.
func (c *Call[In]) Status(ctx context.Context, text string) { c.r.status(ctx, text) }

// Write queues a write command of the invocation. The layer completes it
// (InvocationID, Org, ContextToken, CreatedAt, the reply route) and
// publishes it after Work returned without error, before the final reply.
func (c *Call[In]) Write(cmd *flow.WriteCommand) { c.r.write(cmd) }

// Then queues follow-up work, published after the writes.
func (c *Call[In]) Then(inv *flow.Invocation) { c.r.then(inv) }

// run is the layer's state of one delivery.
type run struct {
	ws    *Workers
	msg   *Message
	log   *slog.Logger
	start time.Time

	mu       sync.Mutex
	statusCh chan error // nil until Status
	writes   []*flow.WriteCommand
	follow   []*flow.Invocation
}

func (r *run) status(ctx context.Context, text string) {
	inv := r.msg.Invocation
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.statusCh != nil || !inv.CanReply() {
		return
	}
	r.statusCh = make(chan error, 1)
	go func() { r.statusCh <- r.ws.statusReply(ctx, inv, text) }()
}

// joinStatus waits for the status reply, if one was sent.
func (r *run) joinStatus() error {
	r.mu.Lock()
	ch := r.statusCh
	r.mu.Unlock()
	if ch == nil {
		return nil
	}
	err := <-ch
	ch <- err // a second join sees the same outcome
	return err
}

func (r *run) write(cmd *flow.WriteCommand) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, cmd)
}

func (r *run) then(inv *flow.Invocation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.follow = append(r.follow, inv)
}
