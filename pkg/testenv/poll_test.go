package testenv

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestEventually(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		trueAfter int64 // calls of cond before it holds; -1 never
		wantFatal bool
	}{
		{name: "holds at once", trueAfter: 0},
		{name: "holds after a few polls", trueAfter: 3},
		{name: "never holds", trueAfter: -1, wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			cond := func() bool {
				n := calls.Add(1) - 1
				return tt.trueAfter >= 0 && n >= tt.trueAfter
			}
			r := &recorder{TB: t}
			r.do(func(tb testing.TB) { EventuallyWithin(tb, 100*time.Millisecond, "the thing", cond) })
			errs, fatal := r.failures()
			if fatal != tt.wantFatal {
				t.Fatalf("fatal = %v (%q), want %v", fatal, errs, tt.wantFatal)
			}
			if tt.wantFatal {
				if len(errs) != 1 || !strings.Contains(errs[0], "the thing") || !strings.Contains(errs[0], "100ms") {
					t.Errorf("failure %q does not name what was awaited and the bound", errs)
				}
				if calls.Load() < 2 {
					t.Errorf("cond asked %d times before giving up, want it polled", calls.Load())
				}
				return
			}
			if got := calls.Load(); got != tt.trueAfter+1 {
				t.Errorf("cond asked %d times, want %d (no call after it held)", got, tt.trueAfter+1)
			}
		})
	}
}

func TestEventuallyUsesWait(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	r.do(func(tb testing.TB) { Eventually(tb, "x", func() bool { return true }) })
	if errs, fatal := r.failures(); fatal || len(errs) != 0 {
		t.Fatalf("failures %q", errs)
	}
	if Wait < 30*time.Second {
		t.Errorf("Wait = %v, the services' tests rely on at least 30s", Wait)
	}
}
