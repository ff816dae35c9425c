package iris

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff returns the delay before retry number attempt (0-based): full
// jitter, uniform in [0, min(max, base·2^attempt)].
func backoff(base, max time.Duration, attempt int) time.Duration {
	if base <= 0 {
		return 0
	}
	ceil := base
	for i := 0; i < attempt && ceil < max; i++ {
		ceil *= 2
	}
	if ceil > max {
		ceil = max
	}
	return rand.N(ceil + 1)
}

// fitsDeadline reports whether waiting d leaves time before ctx's deadline.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}
