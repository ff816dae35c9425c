package iris

import (
	"context"
	"testing"
	"time"
)

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	base, maxd := 10*time.Millisecond, 300*time.Millisecond
	for attempt := range 10 {
		ceil := min(base<<attempt, maxd)
		for range 200 {
			if d := backoff(base, maxd, attempt); d < 0 || d > ceil {
				t.Fatalf("attempt %d: backoff %v outside [0, %v]", attempt, d, ceil)
			}
		}
	}
	if d := backoff(0, maxd, 3); d != 0 {
		t.Errorf("zero base gave %v", d)
	}
	// Full jitter: not always the ceiling.
	distinct := map[time.Duration]bool{}
	for range 50 {
		distinct[backoff(time.Second, time.Minute, 2)] = true
	}
	if len(distinct) < 10 {
		t.Errorf("backoff is not jittered: %d distinct values", len(distinct))
	}
}

func TestFitsDeadline(t *testing.T) {
	t.Parallel()
	if !fitsDeadline(context.Background(), time.Hour) {
		t.Error("no deadline should always fit")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if fitsDeadline(ctx, time.Hour) {
		t.Error("an hour fits in a minute")
	}
	if !fitsDeadline(ctx, time.Millisecond) {
		t.Error("a millisecond does not fit in a minute")
	}
}

func TestStatusKind(t *testing.T) {
	t.Parallel()
	tests := map[int]ErrorKind{
		401: KindAuth, 403: KindAuth, 400: KindBadRequest, 413: KindBadRequest, 414: KindBadRequest, 422: KindBadRequest,
		404: KindNotFound, 503: KindUnavailable, 429: KindUnavailable, 500: KindServer, 502: KindServer, 206: KindServer,
		504: KindTimeout, 405: KindBadRequest,
	}
	for status, want := range tests {
		if got := statusKind(status); got != want {
			t.Errorf("statusKind(%d) = %v, want %v", status, got, want)
		}
	}
}
