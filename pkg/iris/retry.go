package iris

import (
	"context"
	"time"
)

// fitsDeadline reports whether waiting d leaves time before ctx's deadline.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}
