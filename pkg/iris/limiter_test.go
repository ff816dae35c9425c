package iris_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

func TestLocalLimiterRate(t *testing.T) {
	t.Parallel()
	l := iris.NewLocalLimiter(1) // one request per minute
	if err := l.Wait(t.Context()); err != nil {
		t.Fatalf("first Wait: %v", err)
	}
	// The next token is a minute away: a short deadline cannot be met.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); err == nil {
		t.Fatal("second Wait within the minute succeeded")
	}
}

func TestLocalLimiterPause(t *testing.T) {
	t.Parallel()
	l := iris.NewLocalLimiter(0)
	if err := l.Wait(t.Context()); err != nil {
		t.Fatalf("unpaused Wait: %v", err)
	}
	if err := l.Pause(t.Context(), time.Hour); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	// A shorter pause does not shorten the one in force.
	_ = l.Pause(t.Context(), time.Millisecond)
	if until := l.PausedUntil(); time.Until(until) < 59*time.Minute {
		t.Errorf("paused until %v", until)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait during a pause = %v", err)
	}
}

func TestLocalLimiterShortPauseEnds(t *testing.T) {
	t.Parallel()
	l := iris.NewLocalLimiter(0)
	_ = l.Pause(t.Context(), 5*time.Millisecond)
	if err := l.Wait(t.Context()); err != nil {
		t.Fatalf("Wait after a short pause: %v", err)
	}
	if time.Now().Before(l.PausedUntil()) {
		t.Error("Wait returned before the pause ended")
	}
}

func TestUnlimited(t *testing.T) {
	t.Parallel()
	if err := iris.Unlimited.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := iris.Unlimited.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
}

// TestClientHonoursPause: while the shared limiter is paused the client
// sends nothing and gives up at the caller's deadline.
func TestClientHonoursPause(t *testing.T) {
	t.Parallel()
	f := echoIris(t)
	lim := iris.NewLocalLimiter(0)
	_ = lim.Pause(t.Context(), time.Hour)
	c := f.client(t, func(cfg *iris.Config) { cfg.Limiter = lim })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Investigate(ctx, []string{"a.example"})
	if !errors.Is(err, iris.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if f.requests() != 0 || c.Stats().Requests != 0 {
		t.Errorf("sent %d requests during a pause", f.requests())
	}
}
