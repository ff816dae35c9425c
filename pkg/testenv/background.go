package testenv

import (
	"context"
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
// or does not return within 30s. stop may be called more than once; only
// the first call waits.
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
					t.Errorf("%s: %v", name, err)
				}
			case <-time.After(stopWait):
				t.Errorf("%s did not stop within %v", name, stopWait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
