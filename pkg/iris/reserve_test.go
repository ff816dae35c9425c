package iris_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
)

// TestReserveTakesTheFirstAttemptsToken: a request sent under Reserve's
// context takes no other token; its retries and later requests under the
// same context wait for theirs.
func TestReserveTakesTheFirstAttemptsToken(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		if n == 1 {
			return http.StatusInternalServerError, errorBody(http.StatusInternalServerError, "try later")
		}
		return http.StatusOK, resultsBody(t, []string{"example.com"}, nil)
	})
	lim := &recordingLimiter{}
	c := f.client(t, func(cfg *iris.Config) { cfg.Limiter = lim })
	ctx, err := c.Reserve(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := lim.waits.Load(); got != 1 {
		t.Fatalf("reserve: %d limiter waits, want 1", got)
	}
	// The first attempt uses the reservation; its retry waits.
	if _, err := c.Investigate(ctx, []string{"example.com"}); err != nil {
		t.Fatal(err)
	}
	if f.requests() != 2 || lim.waits.Load() != 2 {
		t.Errorf("%d requests, %d waits, want 2 and 2 (the reservation, the retry)", f.requests(), lim.waits.Load())
	}
	// The reservation is used: the next request waits.
	if _, err := c.Investigate(ctx, []string{"example.com"}); err != nil {
		t.Fatal(err)
	}
	if f.requests() != 3 || lim.waits.Load() != 3 {
		t.Errorf("%d requests, %d waits, want 3 and 3", f.requests(), lim.waits.Load())
	}
}

func TestReserveCancelled(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return http.StatusOK, "{}" })
	c := f.client(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Reserve(ctx, nil)
	var e *iris.Error
	if !errors.As(err, &e) || e.Kind != iris.KindCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("reserve on a cancelled context: %v, want a KindCanceled error", err)
	}
}
