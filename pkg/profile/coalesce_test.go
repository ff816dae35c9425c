package profile_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// tokenLimiter is a quota that grants a token only when the test says so
// (one per grant), counting the tokens taken.
type tokenLimiter struct {
	tokens chan struct{}
	taken  atomic.Int64
}

func newTokenLimiter() *tokenLimiter { return &tokenLimiter{tokens: make(chan struct{}, 1000)} }

func (l *tokenLimiter) grant(n int) {
	for range n {
		l.tokens <- struct{}{}
	}
}

func (l *tokenLimiter) Wait(ctx context.Context) error {
	select {
	case <-l.tokens:
		l.taken.Add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *tokenLimiter) Pause(context.Context, time.Duration) error { return nil }

// shortBatches makes every lookup its own batch: a short window and
// maximum wait, so that only the coalescing of cold domains at the Iris
// stage can fill a request.
func shortBatches(c *profile.Config) { c.Window, c.MaxWait = time.Millisecond, time.Millisecond }

// TestColdBatchesShareFullRequestsUnderQuota: 25 batches of 10 cold domains
// each, resolving while the quota has no token, go out as 3 requests (100,
// 100, 50), one token each — without coalescing each batch took a token and
// sent its own request of 10.
func TestColdBatchesShareFullRequestsUnderQuota(t *testing.T) {
	t.Parallel()
	lim := newTokenLimiter()
	h := setupLimited(t, irissim.Config{Universe: 300, Seed: 3}, lim, shortBatches)
	domains := h.sim.Domains()[:250]
	var wg sync.WaitGroup
	errs := make(chan error, 25)
	for i := range 25 {
		group := domains[i*10 : (i+1)*10]
		wg.Go(func() {
			out, err := h.p.Profile(context.Background(), group, false)
			if err == nil && len(out) != len(group) {
				err = errors.New("answers missing")
			}
			for _, a := range out {
				if err == nil && (!a.Found() || a.Cached) {
					err = errors.New(a.Domain + ": not a fresh Iris answer")
				}
			}
			errs <- err
		})
		// The next batch starts once this one waits for a token.
		testenv.Eventually(t, "the batch queued for a token", func() bool { return h.p.Queued() == (i+1)*10 })
	}
	lim.grant(3)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c := h.sim.Counters()
	if c.Requests != 3 || c.Domains != 250 {
		t.Errorf("%d Iris requests for %d domains, want 3 for 250 (100, 100, 50)", c.Requests, c.Domains)
	}
	if got := lim.taken.Load(); got != 3 {
		t.Errorf("%d tokens taken, want 3: one per request", got)
	}
}

// yieldingLimiter is a tokenLimiter that is also an iris.Yielder, handing
// each WaitYielding's partial to the test.
type yieldingLimiter struct {
	*tokenLimiter
	partials chan func() bool
}

func (l yieldingLimiter) WaitYielding(ctx context.Context, partial func() bool) error {
	l.partials <- partial
	return l.Wait(ctx)
}

// TestRequestWaitsForTokenAsPartialUntilFull: the request waiting for a
// token tells a shared quota (iris.Yielder) whether it is still partial,
// as of now: partial with 10 domains, full once 100 have joined it.
func TestRequestWaitsForTokenAsPartialUntilFull(t *testing.T) {
	t.Parallel()
	lim := yieldingLimiter{tokenLimiter: newTokenLimiter(), partials: make(chan func() bool, 10)}
	h := setupLimited(t, irissim.Config{Universe: 200, Seed: 5}, lim, shortBatches)
	domains := h.sim.Domains()[:100]
	var wg sync.WaitGroup
	profile := func(group []string) {
		wg.Go(func() {
			if _, err := h.p.Profile(context.Background(), group, false); err != nil {
				t.Error(err)
			}
		})
	}
	profile(domains[:10])
	testenv.Eventually(t, "10 domains queued for a token", func() bool { return h.p.Queued() == 10 })
	partial := <-lim.partials
	if !partial() {
		t.Error("a request of 10 domains waits for its token as full")
	}
	profile(domains[10:])
	testenv.Eventually(t, "100 domains queued for a token", func() bool { return h.p.Queued() == 100 })
	if partial() {
		t.Error("a request of 100 domains waits for its token as partial")
	}
	lim.grant(1)
	wg.Wait()
	if c := h.sim.Counters(); c.Requests != 1 || c.Domains != 100 {
		t.Errorf("%d Iris requests for %d domains, want 1 for 100", c.Requests, c.Domains)
	}
}

// TestWarmAnsweredWhileColdWaitsForToken: a cached domain is answered while
// a cold lookup waits for the quota.
func TestWarmAnsweredWhileColdWaitsForToken(t *testing.T) {
	t.Parallel()
	lim := newTokenLimiter()
	h := setupLimited(t, irissim.Config{}, lim, nil)
	const warm, cold = "int-chase.com", "int-suntrust.com"
	lim.grant(1)
	if _, err := h.p.One(context.Background(), warm, false); err != nil {
		t.Fatal(err)
	}
	coldDone := make(chan error, 1)
	go func() {
		_, err := h.p.One(context.Background(), cold, false)
		coldDone <- err
	}()
	testenv.Eventually(t, "the cold lookup waiting for a token", func() bool { return h.p.Queued() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Wait)
	defer cancel()
	a, err := h.p.One(ctx, warm, false)
	if err != nil || !a.Cached {
		t.Fatalf("warm lookup while a cold one waits: cached=%v err=%v", a.Cached, err)
	}
	select {
	case err := <-coldDone:
		t.Fatalf("the cold lookup finished without a token: %v", err)
	default:
	}
	lim.grant(1)
	if err := <-coldDone; err != nil {
		t.Fatal(err)
	}
	if got := h.sim.Counters().Requests; got != 2 {
		t.Errorf("%d Iris requests, want 2 (warm-up and the cold lookup)", got)
	}
}

// TestCancelledCallerDoesNotFailTheRequest: of two cold lookups sharing one
// request, the one whose caller gives up returns at once; the other is
// answered, and the given-up domain is still fetched and saved.
func TestCancelledCallerDoesNotFailTheRequest(t *testing.T) {
	t.Parallel()
	lim := newTokenLimiter()
	h := setupLimited(t, irissim.Config{}, lim, shortBatches)
	const gone, stays = "int-chase.com", "int-suntrust.com"
	ctx, cancel := context.WithCancel(context.Background())
	goneDone := make(chan error, 1)
	go func() {
		_, err := h.p.One(ctx, gone, false)
		goneDone <- err
	}()
	testenv.Eventually(t, "the first lookup waiting for a token", func() bool { return h.p.Queued() == 1 })
	staysDone := make(chan error, 1)
	go func() {
		a, err := h.p.One(context.Background(), stays, false)
		if err == nil && (!a.Found() || a.Cached) {
			err = errors.New("not a fresh Iris answer")
		}
		staysDone <- err
	}()
	testenv.Eventually(t, "the second lookup joining the request", func() bool { return h.p.Queued() == 2 })
	cancel()
	if err := <-goneDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v, want context.Canceled", err)
	}
	lim.grant(1)
	if err := <-staysDone; err != nil {
		t.Fatal(err)
	}
	if c := h.sim.Counters(); c.Requests != 1 || c.Domains != 2 {
		t.Errorf("%d Iris requests for %d domains, want 1 for 2", c.Requests, c.Domains)
	}
	testenv.Eventually(t, "the given-up domain saved", func() bool {
		hist, err := h.store.ProfileHistory(context.Background(), gone, 0)
		return err == nil && len(hist) == 1
	})
}

// TestCloseWhileARequestWaitsForToken: when the profiler's base context
// ends, a request waiting for its token gives up, its lookup fails and
// Close returns.
func TestCloseWhileARequestWaitsForToken(t *testing.T) {
	t.Parallel()
	lim := newTokenLimiter()
	h := setupLimited(t, irissim.Config{}, lim, nil)
	base, cancel := context.WithCancel(context.Background())
	p, err := profile.New(base, profile.Config{Store: h.store, Iris: h.iris, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.One(context.Background(), "int-chase.com", false)
		done <- err
	}()
	testenv.Eventually(t, "the lookup waiting for a token", func() bool { return p.Queued() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("lookup after the base ended: %v, want context.Canceled", err)
	}
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(testenv.Wait):
		t.Fatal("Close did not return after the base ended")
	}
	if got := h.sim.Counters().Requests; got != 0 {
		t.Errorf("%d Iris requests, want none (no token was granted)", got)
	}
}
