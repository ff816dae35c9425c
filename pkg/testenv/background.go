package testenv

import (
	"context"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"
)

// stopWait is how long stop waits for run to return after its context is
// canceled.
const stopWait = 30 * time.Second

// RunInBackground runs run (a service's Run) in a goroutine until stop is
// called or the test ends. stop cancels run's context and waits for it to
// return, failing the test (t.Errorf, naming name) when run returns an error
// or does not return within 30s (then with every goroutine's stack). stop may be called more than once; only
// the first call waits.
//
// A test that skipped (t.Skip after the service started, as a test does
// when its recorded fixtures are absent) is not failed by its service: what
// run returns once canceled — typically a start-up step cut short, "ensure
// consumer …: context canceled" — is logged instead, so the skip stays a skip.
func RunInBackground(t testing.TB, name string, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					report(t, "%s: %v", name, err)
				}
			case <-time.After(stopWait):
				var stacks strings.Builder
				_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
				report(t, "%s did not stop within %v; goroutines:\n%s", name, stopWait, stacks.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// report fails t with the message, or only logs it when t was skipped.
func report(t testing.TB, format string, args ...any) {
	t.Helper()
	if t.Skipped() {
		t.Logf("after the skip: "+format, args...)
		return
	}
	t.Errorf(format, args...)
}
