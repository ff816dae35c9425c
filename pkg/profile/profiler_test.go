package profile_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func TestCacheTTLAndForcedRefresh(t *testing.T) {
	t.Parallel()
	h := setup(t, irissim.Config{}, nil)
	ctx := context.Background()
	const d = "int-suntrust.com"
	steps := []struct {
		name         string
		force        bool
		age          bool // age every stored fetch past the TTL first
		wantRequests int64
		wantCached   bool
	}{
		{"cold", false, false, 1, false},
		{"warm within TTL", false, false, 1, true},
		{"forced refresh", true, false, 2, false},
		{"warm again", false, false, 2, true},
		{"after TTL", false, true, 3, false},
	}
	for _, st := range steps {
		if st.age {
			// The database clock decides the age.
			if _, err := h.store.Pool().Exec(ctx, `UPDATE iris_profiles SET fetched_at = fetched_at - interval '25 hours'`); err != nil {
				t.Fatal(err)
			}
		}
		a, err := h.p.One(ctx, d, st.force)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := h.sim.Counters().Requests; got != st.wantRequests {
			t.Errorf("%s: %d Iris requests in all, want %d", st.name, got, st.wantRequests)
		}
		if a.Cached != st.wantCached || !a.Found() || a.Domain != d || a.Result.Domain != d {
			t.Errorf("%s: cached=%v found=%v domain=%s, want cached=%v", st.name, a.Cached, a.Found(), a.Domain, st.wantCached)
		}
		if a.Cached && (a.Age < 0 || a.Age > time.Hour) {
			t.Errorf("%s: age %v", st.name, a.Age)
		}
	}
	hist, err := h.store.ProfileHistory(ctx, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Errorf("history has %d fetches of %s, want 3 (cold, forced, after TTL)", len(hist), d)
	}
}

func TestNotFoundIsCachedAsNegative(t *testing.T) {
	t.Parallel()
	h := setup(t, irissim.Config{}, nil)
	for i, wantCached := range []bool{false, true} {
		a, err := h.p.One(context.Background(), "no-such-domain-irisflow.com", false)
		if err != nil {
			t.Fatal(err)
		}
		if a.Found() || a.Cached != wantCached {
			t.Errorf("lookup %d: found=%v cached=%v, want not found, cached=%v", i, a.Found(), a.Cached, wantCached)
		}
	}
	if got := h.sim.Counters().Requests; got != 1 {
		t.Errorf("%d Iris requests, want 1 (the negative answer is cached)", got)
	}
}

// TestOnlyInvestigateRowsAnswer: an Enrich row (no guided-pivot counts) in
// the history is not a cache hit.
func TestOnlyInvestigateRowsAnswer(t *testing.T) {
	t.Parallel()
	h := setup(t, irissim.Config{}, nil)
	ctx := context.Background()
	const d = "int-chase.com"
	if err := h.store.SaveProfiles(ctx, []store.Profile{{Domain: d, Source: store.SourceEnrich, Found: false}}); err != nil {
		t.Fatal(err)
	}
	a, err := h.p.One(ctx, d, false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Cached || !a.Found() || h.sim.Counters().Requests != 1 {
		t.Errorf("cached=%v found=%v requests=%d, want Iris asked once", a.Cached, a.Found(), h.sim.Counters().Requests)
	}
}

func TestBatching300ColdDomains(t *testing.T) {
	t.Parallel()
	// Default window and wait. The 300 messages are reported on their way
	// before their goroutines start, as the enricher does for a burst the
	// consumer delivered together: however slowly the goroutines start on
	// a loaded machine, the batches wait for them.
	var coming profile.Arrivals
	h := setup(t, irissim.Config{Universe: 400, Seed: 7}, func(c *profile.Config) { c.Arrivals = &coming })
	domains := h.sim.Domains()[:300]
	var wg sync.WaitGroup
	errs := make(chan error, len(domains))
	ctxs := make([]context.Context, len(domains))
	for i := range domains {
		var a *profile.Arrival
		ctxs[i], a = coming.Start(context.Background())
		defer a.End()
	}
	for i, d := range domains {
		wg.Go(func() {
			a, err := h.p.One(ctxs[i], d, false)
			if err == nil && !a.Found() {
				err = errors.New(d + " not found")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c := h.sim.Counters()
	if c.Requests > 4 {
		t.Errorf("%d Iris requests for 300 cold domains, want at most 4", c.Requests)
	}
	if c.Domains != 300 {
		t.Errorf("Iris was asked for %d domains, want 300 (each once)", c.Domains)
	}
	var n int
	if err := h.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM iris_profiles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 300 {
		t.Errorf("%d stored profiles, want 300", n)
	}
}

func TestConcurrentSameDomainShareOneCall(t *testing.T) {
	t.Parallel()
	h := setup(t, irissim.Config{}, nil)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if a, err := h.p.One(context.Background(), "int-chase.com", false); err != nil || !a.Found() {
				t.Errorf("found=%v err=%v", a.Found(), err)
			}
		})
	}
	wg.Wait()
	if got := h.sim.Counters().Requests; got != 1 {
		t.Errorf("%d Iris requests for 50 concurrent lookups of one domain, want 1", got)
	}
}

// TestRefusedDomainIsIsolated checks that a domain Iris refuses does not
// fail the other domains of its batch.
func TestRefusedDomainIsIsolated(t *testing.T) {
	t.Parallel()
	h := setup(t, irissim.Config{}, nil)
	// The Iris client refuses a domain with a comma as a bad request.
	names := []string{"int-chase.com", "bad,domain.com", "int-suntrust.com"}
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			// Forced: the store would refuse the name before Iris sees it.
			_, errs[i] = h.p.One(context.Background(), n, true)
		})
	}
	wg.Wait()
	for i, n := range names {
		var de *profile.DomainError
		refused := errors.As(errs[i], &de)
		if refused != (n == "bad,domain.com") || (errs[i] != nil && !refused) {
			t.Errorf("%s: err = %v", n, errs[i])
		}
		if refused && (de.Domain != n || !errors.Is(errs[i], iris.ErrBadRequest)) {
			t.Errorf("%s: domain error %+v does not name it or wrap ErrBadRequest", n, de)
		}
	}
}

func TestObserveSeesIrisOutcomes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []error
	h := setup(t, irissim.Config{}, func(c *profile.Config) {
		c.Observe = func(err error) { mu.Lock(); seen = append(seen, err); mu.Unlock() }
	})
	ctx := context.Background()
	for range 2 { // the second lookup is cached: no Iris call to observe
		if _, err := h.p.One(ctx, "int-chase.com", false); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != nil {
		t.Errorf("observed %v, want one successful call", seen)
	}
}

func TestNewRequiresStoreAndIris(t *testing.T) {
	t.Parallel()
	_, err := profile.New(context.Background(), profile.Config{})
	if err == nil {
		t.Fatal("a Profiler without store or Iris was built")
	}
	for _, want := range []string{"Store is required", "Iris is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// A warm lookup is answered from the cache stage within its window, never
// held by an Iris-stage batch that waits for the messages on their way to
// fill: at a steady moderate rate some message is always on its way, and a
// single-stage batcher made every warm answer wait for the batch to fill
// (p50 275 ms at 200/s, docs/benchmarks.md). Here a message is on its way
// and never arrives, a cold lookup holds an Iris-stage batch open for it
// (MaxWait an hour), and the warm lookup must still be answered.
func TestWarmLookupDoesNotWaitForAColdBatch(t *testing.T) {
	t.Parallel()
	var coming profile.Arrivals
	h := setup(t, irissim.Config{Universe: 10, Seed: 3}, func(c *profile.Config) {
		c.Arrivals = &coming
		c.MaxWait = time.Hour
	})
	warm, cold := h.sim.Domains()[0], h.sim.Domains()[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.p.One(ctx, warm, false); err != nil { // now cached
		t.Fatal(err)
	}
	_, never := coming.Start(context.Background()) // on its way, for ever
	defer never.End()

	coldCtx, stopCold := context.WithCancel(ctx)
	defer stopCold()
	coldDone := make(chan error, 1)
	go func() { _, err := h.p.One(coldCtx, cold, false); coldDone <- err }()
	testenv.Eventually(t, "the cold lookup in an open Iris-stage batch", func() bool { return h.p.Waiting() > 0 })

	a, err := h.p.One(ctx, warm, false)
	if err != nil {
		t.Fatalf("warm lookup while a cold batch waits: %v", err)
	}
	if !a.Cached || a.Domain != warm {
		t.Errorf("warm lookup: cached=%v domain=%s, want the cached %s", a.Cached, a.Domain, warm)
	}
	select {
	case err := <-coldDone:
		t.Fatalf("the cold lookup ended (%v) while its batch should still wait", err)
	default:
	}
	if got := h.sim.Counters().Requests; got != 1 {
		t.Errorf("%d Iris requests, want 1 (the first, cold, lookup of %s)", got, warm)
	}
}
