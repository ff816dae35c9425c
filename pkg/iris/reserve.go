package iris

import (
	"context"
	"sync/atomic"
)

// reservation is one request token taken ahead of the request: the first
// attempt the client sends under its context uses it instead of waiting
// for the Limiter.
type reservation struct{ used atomic.Bool }

type reservationKey struct{}

// Reserve waits for the client's Limiter to grant one request and returns
// ctx carrying that grant: the next request sent under the returned context
// (its first attempt; retries wait as usual) takes no other token. A caller
// decides what to send only once the token is held — the profiler gathers
// more domains into the request while Reserve waits. A grant never used is
// a token spent. partial, if not nil, reports whether the request is still
// less than full: a Limiter that is a Yielder then lets full requests
// (of other replicas) go first.
func (c *Client) Reserve(ctx context.Context, partial func() bool) (context.Context, error) {
	wait := c.cfg.Limiter.Wait
	if y, ok := c.cfg.Limiter.(Yielder); ok && partial != nil {
		wait = func(ctx context.Context) error { return y.WaitYielding(ctx, partial) }
	}
	if err := wait(ctx); err != nil {
		return ctx, ctxError("", err, nil)
	}
	return context.WithValue(ctx, reservationKey{}, &reservation{}), nil
}

// useReservation reports whether ctx carries a grant of Reserve not used
// yet, and uses it.
func useReservation(ctx context.Context) bool {
	r, _ := ctx.Value(reservationKey{}).(*reservation)
	return r != nil && r.used.CompareAndSwap(false, true)
}
