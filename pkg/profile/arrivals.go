package profile

import (
	"context"
	"sync"
	"sync/atomic"
)

// Arrivals counts the messages on their way to the Profiler: those being
// handled that have not yet reached it (decoding, validating, reading the
// incident), and those the consumer said are still queued behind the last
// message it delivered (Queued). While some are on their way, a batch waits
// for them (up to its maximum wait) instead of leaving on a short gap: a
// burst of messages is not handled at the same instant, least of all on a
// loaded machine. The zero value is ready.
type Arrivals struct {
	n    atomic.Int64 // handled, not yet at their lookup
	busy atomic.Int64 // handled, not yet ended

	mu       sync.Mutex
	capacity int64  // most messages handled at once; 0: unknown
	lastSeq  uint64 // consumer sequence of the latest delivery seen
	queued   uint64 // messages the consumer had behind it
}

// Arrival is one message on its way; Done and End are idempotent.
type Arrival struct {
	done, end sync.Once
	as        *Arrivals
}

// Done marks the message as arrived at its lookup (or handled without one).
func (a *Arrival) Done() {
	if a != nil {
		a.done.Do(func() { a.as.n.Add(-1) })
	}
}

// End marks the message as handled (and arrived, if it was not yet): its
// place can take a queued message.
func (a *Arrival) End() {
	if a != nil {
		a.Done()
		a.end.Do(func() { a.as.busy.Add(-1) })
	}
}

type arrivalKey struct{}

// Start counts a message on its way and returns a context that carries it;
// the Profiler marks it done when the message's lookup joins a batch, and
// the caller must call End when the message is handled.
func (as *Arrivals) Start(ctx context.Context) (context.Context, *Arrival) {
	as.n.Add(1)
	as.busy.Add(1)
	a := &Arrival{as: as}
	return context.WithValue(ctx, arrivalKey{}, a), a
}

// SetCapacity tells how many messages are handled at once (the consumer's
// concurrency): queued messages count as on their way only while there is
// room for them, since they cannot arrive before a handled one ends.
func (as *Arrivals) SetCapacity(n int) {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.capacity = int64(n)
}

// Queued records what the consumer reported with a delivered message: its
// consumer sequence and how many messages were still waiting behind it
// (JetStream's NumPending). The latest delivery (highest sequence) wins,
// so the count falls as the messages behind it are delivered in turn.
// Call it after Start for that message.
func (as *Arrivals) Queued(seq, behind uint64) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if seq >= as.lastSeq {
		as.lastSeq, as.queued = seq, behind
	}
}

// Pending is the number of messages on their way: being handled before
// their lookup, plus those queued behind the latest delivery that there
// is room to handle.
func (as *Arrivals) Pending() int64 {
	if as == nil {
		return 0
	}
	as.mu.Lock()
	queued, capacity := int64(min(as.queued, 1<<62)), as.capacity
	as.mu.Unlock()
	if capacity > 0 {
		queued = min(queued, max(capacity-as.busy.Load(), 0))
	}
	return as.n.Load() + queued
}

func arrivalFrom(ctx context.Context) *Arrival {
	a, _ := ctx.Value(arrivalKey{}).(*Arrival)
	return a
}
