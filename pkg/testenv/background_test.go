package testenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRunInBackground(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error // what run returns once canceled
		wantErr string
	}{
		{name: "clean stop", err: nil},
		{name: "error reported", err: errors.New("lost the broker"), wantErr: "svc: lost the broker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var started, returned atomic.Bool
			run := func(ctx context.Context) error {
				started.Store(true)
				<-ctx.Done()
				returned.Store(true)
				return tt.err
			}
			r := &recorder{TB: t}
			var stop func()
			r.do(func(tb testing.TB) { stop = RunInBackground(tb, "svc", run) })
			Eventually(t, "run started", started.Load)
			if returned.Load() {
				t.Fatal("run returned before stop")
			}
			stop()
			if !returned.Load() {
				t.Fatal("stop returned before run did")
			}
			stop() // a second stop (as the test's cleanup makes) neither waits nor reports again
			errs, _ := r.failures()
			switch {
			case tt.wantErr == "" && len(errs) != 0:
				t.Errorf("failures %q, want none", errs)
			case tt.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0], tt.wantErr)):
				t.Errorf("failures %q, want one with %q", errs, tt.wantErr)
			}
		})
	}
}

// A test that starts a service and then skips (its recorded fixtures are
// absent) stays skipped: the service, canceled by the cleanup while still
// starting, returns an error that is logged, not reported as a failure.
func TestRunInBackgroundSkippedTestIsNotFailed(t *testing.T) {
	t.Parallel()
	var started atomic.Bool
	run := func(ctx context.Context) error {
		started.Store(true)
		<-ctx.Done()
		return fmt.Errorf("ensure consumer pivoter on FN: %w", ctx.Err())
	}
	r := &recorder{TB: t}
	var stop func()
	r.do(func(tb testing.TB) {
		stop = RunInBackground(tb, "pivoter", run)
		Eventually(t, "run started", started.Load)
		tb.Skipf("recorded iris fixtures not found")
	})
	stop() // what the test's cleanup does
	errs, _ := r.failures()
	if len(errs) != 0 {
		t.Errorf("a skipped test was failed by its canceled service: %q", errs)
	}
	r.mu.Lock()
	logs := strings.Join(r.logs, "\n")
	r.mu.Unlock()
	if !strings.Contains(logs, "pivoter: ensure consumer pivoter on FN: context canceled") {
		t.Errorf("the service's error was not logged; logs:\n%s", logs)
	}
}
