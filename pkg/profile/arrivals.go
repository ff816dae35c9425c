package profile

import (
	"context"
	"sync"
	"sync/atomic"
)

// Arrivals counts the messages being handled that have not yet reached the
// Profiler (decoding, validating, reading the incident). While some are on
// their way, a batch waits for them (up to its maximum wait) instead of
// leaving on a short gap: a burst of messages is not handled at the same
// instant, least of all on a loaded machine. The zero value is ready.
type Arrivals struct {
	n atomic.Int64
}

// Arrival is one message on its way; Done is idempotent.
type Arrival struct {
	once sync.Once
	n    *atomic.Int64
}

// Done marks the message as arrived (or handled without a lookup).
func (a *Arrival) Done() {
	if a != nil {
		a.once.Do(func() { a.n.Add(-1) })
	}
}

type arrivalKey struct{}

// Start counts a message on its way and returns a context that carries it;
// the Profiler marks it done when the message's lookup joins a batch, and
// the caller must call Done when the message is handled in any case.
func (as *Arrivals) Start(ctx context.Context) (context.Context, *Arrival) {
	as.n.Add(1)
	a := &Arrival{n: &as.n}
	return context.WithValue(ctx, arrivalKey{}, a), a
}

// Pending is the number of messages on their way.
func (as *Arrivals) Pending() int64 {
	if as == nil {
		return 0
	}
	return as.n.Load()
}

func arrivalFrom(ctx context.Context) *Arrival {
	a, _ := ctx.Value(arrivalKey{}).(*Arrival)
	return a
}
