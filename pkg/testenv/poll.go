package testenv

import (
	"errors"
	"testing"
	"time"
)

// Wait is how long Eventually waits for a condition: 30s, generous for a
// loaded machine running tests in parallel under the race detector.
const Wait = 30 * time.Second

// pollInterval is how often Eventually asks again.
const pollInterval = 10 * time.Millisecond

// Eventually polls cond until it holds, and fails the test (naming what was
// awaited) when it still does not after Wait.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	EventuallyWithin(t, Wait, what, cond)
}

// EventuallyWithin is Eventually with another bound.
func EventuallyWithin(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Within(within, cond) {
		t.Fatalf("timed out after %v waiting for %s", within, what)
	}
}

// Within polls cond until it holds or within has passed, and reports
// whether it held: for a test that goes on either way.
func Within(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollInterval) // the polling interval, not a wait for an event
	}
	return true
}

// Returns waits up to Wait for done to deliver the error a run returned,
// and fails the test unless it is want (errors.Is; nil for a clean end).
// what names the run, e.g. "the writer after its consumer was deleted".
func Returns(t testing.TB, done <-chan error, want error, what string) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, want) {
			t.Fatalf("%s returned %v, want %v", what, err, want)
		}
	case <-time.After(Wait):
		t.Fatalf("%s kept running after %v", what, Wait)
	}
}
