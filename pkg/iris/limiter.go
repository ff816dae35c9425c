package iris

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is the seam for the Iris request budget shared by all replicas.
type Limiter interface {
	Wait(ctx context.Context) error                   // blocks until one request may be sent
	Pause(ctx context.Context, d time.Duration) error // every replica sends nothing for d (Iris said 503)
}

// A Yielder is a Limiter shared by callers whose requests carry different
// loads (the enrichers of every replica, each with its own Iris request
// being filled). WaitYielding is Wait for a request that partial reports is
// not full: while the budget has no token, it lets callers with full
// requests take the next tokens first, a bounded number of times, so that
// the budget is spent on full requests while any replica has one.
type Yielder interface {
	WaitYielding(ctx context.Context, partial func() bool) error
}

// Unlimited is a Limiter that never waits and ignores pauses; the client
// still backs off between retries on its own.
var Unlimited Limiter = unlimited{}

type unlimited struct{}

func (unlimited) Wait(ctx context.Context) error             { return ctx.Err() }
func (unlimited) Pause(context.Context, time.Duration) error { return nil }

// LocalLimiter is a Limiter for one process: a token bucket of perMinute
// requests (burst 1) and a pause deadline set by Pause and honoured by Wait.
type LocalLimiter struct {
	rate *rate.Limiter // nil when unlimited

	mu          sync.Mutex
	pausedUntil time.Time
}

// NewLocalLimiter returns a LocalLimiter allowing perMinute requests per
// minute, evenly spaced; perMinute <= 0 means no rate limit (pauses still
// apply).
func NewLocalLimiter(perMinute int) *LocalLimiter {
	l := &LocalLimiter{}
	if perMinute > 0 {
		l.rate = rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), 1)
	}
	return l
}

// Wait blocks until the pause, if any, is over and a token is available, or
// ctx is done.
func (l *LocalLimiter) Wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		until := l.pausedUntil
		l.mu.Unlock()
		d := time.Until(until)
		if d <= 0 {
			break
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
	if l.rate == nil {
		return ctx.Err()
	}
	return l.rate.Wait(ctx)
}

// Pause makes Wait block for d from now (extending, never shortening, a
// pause in force). It returns at once.
func (l *LocalLimiter) Pause(ctx context.Context, d time.Duration) error {
	until := time.Now().Add(d)
	l.mu.Lock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	l.mu.Unlock()
	return ctx.Err()
}

// PausedUntil returns the end of the current pause (zero if never paused).
func (l *LocalLimiter) PausedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pausedUntil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
