package enricher

import (
	"context"
	"sync"
	"sync/atomic"
)

// arrivals counts the messages being handled that have not yet reached the
// batcher (decoding, validating, reading the incident). While some are on
// their way, a batch waits for them (up to its maximum wait) instead of
// leaving on a short gap: a burst of messages is not handled at the same
// instant, least of all on a loaded machine.
type arrivals struct {
	n atomic.Int64
}

// arrival is one message on its way; done is idempotent.
type arrival struct {
	once sync.Once
	n    *atomic.Int64
}

func (a *arrival) done() {
	if a != nil {
		a.once.Do(func() { a.n.Add(-1) })
	}
}

type arrivalKey struct{}

// start counts a message on its way and returns a context that carries it;
// the batcher marks it done when the message's lookup joins a batch, and
// the caller must call done when the message is handled in any case.
func (as *arrivals) start(ctx context.Context) (context.Context, *arrival) {
	as.n.Add(1)
	a := &arrival{n: &as.n}
	return context.WithValue(ctx, arrivalKey{}, a), a
}

// pending is the number of messages on their way.
func (as *arrivals) pending() int64 {
	if as == nil {
		return 0
	}
	return as.n.Load()
}

func arrivalFrom(ctx context.Context) *arrival {
	a, _ := ctx.Value(arrivalKey{}).(*arrival)
	return a
}
