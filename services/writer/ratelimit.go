package writer

import (
	"context"
	"fmt"
	"math"
	"sync"

	"golang.org/x/time/rate"
)

// orgLimits caps the REST requests per second of each org, so that a burst
// of work in one org neither trips Resilient's own limits nor starves the
// other orgs.
type orgLimits struct {
	limit rate.Limit
	burst int

	mu sync.Mutex
	m  map[int64]*rate.Limiter
}

func newOrgLimits(perSecond float64) *orgLimits {
	return &orgLimits{limit: rate.Limit(perSecond), burst: max(1, int(math.Ceil(perSecond))), m: map[int64]*rate.Limiter{}}
}

// wait blocks until org may make one more request, or ctx is done.
func (l *orgLimits) wait(ctx context.Context, org int64) error {
	l.mu.Lock()
	lim, ok := l.m[org]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.m[org] = lim
	}
	l.mu.Unlock()
	if err := lim.Wait(ctx); err != nil {
		return fmt.Errorf("rate limit of org %d: %w", org, err)
	}
	return nil
}
