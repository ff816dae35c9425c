package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// The shared quota is what the Iris client waits on.
var _ iris.Limiter = (*store.Quota)(nil)

func newQuota(t *testing.T, ctx context.Context, s *store.Store, cfg store.QuotaConfig) *store.Quota {
	t.Helper()
	q, err := s.Quota(ctx, cfg)
	if err != nil {
		t.Fatalf("Quota(%+v): %v", cfg, err)
	}
	return q
}

func take(t *testing.T, ctx context.Context, q *store.Quota) time.Duration {
	t.Helper()
	w, err := q.Take(ctx)
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	return w
}

func TestQuotaBurstThenWait(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	q := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 60, Burst: 60})
	for i := range 60 {
		if w := take(t, ctx, q); w != 0 {
			t.Fatalf("take %d of a full bucket of 60: wait %v", i+1, w)
		}
	}
	// The bucket refills 1 token/s, so takes while the test runs slowly may
	// still succeed; within a second of draining the next one must wait.
	extra := 0
	w := take(t, ctx, q)
	for ; w == 0; w = take(t, ctx, q) {
		extra++
		if extra > 5 {
			t.Fatalf("%d takes beyond the capacity succeeded", 60+extra)
		}
	}
	if w <= 0 || w > time.Second {
		t.Fatalf("wait after draining = %v, want in (0, 1s]", w)
	}
}

// TestQuotaDefaultBurstIsOne: by default the bucket holds one token, so no
// minute sees more than PerMinute requests (a full bucket of PerMinute
// allowed PerMinute at once and the refill on top within the same minute).
func TestQuotaDefaultBurstIsOne(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	q := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 6}) // a token every 10 s
	st, err := q.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Capacity != 1 || st.Tokens != 1 {
		t.Fatalf("state %+v, want capacity 1, full", st)
	}
	if w := take(t, ctx, q); w != 0 {
		t.Fatalf("take from a full bucket waited %v", w)
	}
	if w := take(t, ctx, q); w <= 0 || w > 10*time.Second {
		t.Fatalf("second take: wait %v, want in (0, 10s]", w)
	}
}

// replicaStores returns a context for the test and a func opening another
// Store (its own pool, as another process would have) on one database.
func replicaStores(t *testing.T) (context.Context, func() *store.Store) {
	t.Helper()
	url := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx, func() *store.Store {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
}

func TestQuotaSharedByReplicas(t *testing.T) {
	t.Parallel()
	ctx, open := replicaStores(t)
	// Two stores (two pools, as two processes would have), 1 token/min
	// refill so the test cannot earn a token while it runs.
	cfg := store.QuotaConfig{PerMinute: 1, Burst: 40}
	replicas := []*store.Quota{newQuota(t, ctx, open(), cfg), newQuota(t, ctx, open(), cfg)}
	var taken atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		q := replicas[w%2]
		wg.Go(func() {
			for range 10 {
				wait, err := q.Take(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if wait == 0 {
					taken.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := taken.Load(); got != 40 {
		t.Fatalf("80 concurrent takes on two replicas took %d tokens, want exactly the 40 of the shared bucket", got)
	}
	// A replica starting later does not refill the bucket.
	late := newQuota(t, ctx, open(), cfg)
	if w := take(t, ctx, late); w == 0 {
		t.Fatal("a replica joining refilled the shared bucket")
	}
}

// TestQuotaPartialRequestsYield: under quota pressure, a replica whose
// request is partial (iris.Yielder) lets the next token go to a replica
// with a full request, even one asking 100 ms after the token is due, and
// takes a later one.
func TestQuotaPartialRequestsYield(t *testing.T) {
	t.Parallel()
	ctx, open := replicaStores(t)
	var _ iris.Yielder = (*store.Quota)(nil)
	cfg := store.QuotaConfig{Name: "yield", PerMinute: 60} // a token a second; a partial request asks 250 ms late
	full, partial := newQuota(t, ctx, open(), cfg), newQuota(t, ctx, open(), cfg)
	take(t, ctx, full) // drain the bucket: from now on every token is waited for

	partialErr := make(chan error, 1)
	go func() { partialErr <- partial.WaitYielding(ctx, func() bool { return true }) }()
	due := take(t, ctx, full)
	if due == 0 {
		t.Fatal("the drained bucket gave a token")
	}
	// The scenario, not a wait for a condition: the full replica asks
	// 100 ms after the token is due, the partial one has been waiting
	// since before.
	time.Sleep(due + 100*time.Millisecond)
	if w := take(t, ctx, full); w != 0 {
		t.Fatalf("the full request asked 100 ms after the token was due and must wait %v: the partial request took it", w)
	}
	select {
	case err := <-partialErr:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the partial request never got a token")
	}
}

func TestQuotaPause(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	q := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 60, Burst: 60})
	other := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 60, Burst: 60}) // another replica's handle
	if err := q.Pause(ctx, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := other.Pause(ctx, time.Second); err != nil { // shorter: must not cut the pause
		t.Fatal(err)
	}
	st, err := other.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.PausedUntil == nil {
		t.Fatal("State shows no pause")
	}
	w := take(t, ctx, other)
	remaining := time.Until(*st.PausedUntil)
	if w < remaining-time.Second || w > 10*time.Minute {
		t.Fatalf("Take during a 10m pause: wait %v, want ≥ remaining %v", w, remaining)
	}
	if st2, _ := other.State(ctx); st2.Tokens < 59.9 {
		t.Fatalf("a token was taken during the pause: %v left", st2.Tokens)
	}
	// Wait gives up at once when the pause is longer than MaxWait.
	impatient := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 60, Burst: 60, MaxWait: time.Minute})
	if err := impatient.Wait(ctx); !errors.Is(err, store.ErrQuotaExhausted) {
		t.Fatalf("Wait with MaxWait 1m during a 10m pause: %v, want ErrQuotaExhausted", err)
	}
	// Wait honours ctx.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := q.Wait(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context: %v", err)
	}
	// Once the pause is over (moved into the past, not slept through), tokens flow.
	exec(t, ctx, s, `UPDATE iris_quota SET paused_until = clock_timestamp() - interval '1 second'`)
	if err := q.Wait(ctx); err != nil {
		t.Fatalf("Wait after the pause: %v", err)
	}
}

func TestQuotaRefillComputedInSQL(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	// 6/min = 0.1 token/s: nothing refills noticeably while the test runs.
	q := newQuota(t, ctx, s, store.QuotaConfig{Name: "refill", PerMinute: 6, Burst: 6})
	for range 6 {
		if w := take(t, ctx, q); w != 0 {
			t.Fatalf("take from a full bucket waited %v", w)
		}
	}
	w := take(t, ctx, q)
	if w <= 0 {
		t.Fatal("drained bucket gave a token")
	}
	if w > 10*time.Second {
		t.Fatalf("wait for one token at 0.1/s = %v, want ≤ 10s", w)
	}
	// 30 s of elapsed time by the bucket's clock = 3 tokens.
	exec(t, ctx, s, `UPDATE iris_quota SET updated_at = updated_at - interval '30 seconds' WHERE name = 'refill'`)
	st, err := q.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tokens < 3 || st.Tokens >= 4 {
		t.Fatalf("tokens after 30s at 0.1/s = %v, want 3.x", st.Tokens)
	}
	for i := range 3 {
		if w := take(t, ctx, q); w != 0 {
			t.Fatalf("refilled take %d waited %v", i+1, w)
		}
	}
	if w := take(t, ctx, q); w == 0 {
		t.Fatal("a 4th token appeared after a 3-token refill")
	}
	// Refill never exceeds the capacity.
	exec(t, ctx, s, `UPDATE iris_quota SET updated_at = updated_at - interval '1 day' WHERE name = 'refill'`)
	if st, _ := q.State(ctx); st.Tokens != 6 {
		t.Fatalf("tokens after a day = %v, want capacity 6", st.Tokens)
	}
}

func TestQuotaWindows(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	tests := []struct {
		name    string
		cfg     store.QuotaConfig
		allowed int
		maxWait time.Duration
	}{
		{"hourly cap", store.QuotaConfig{Name: "hour", PerMinute: 600, PerHour: 3, Burst: 10}, 3, time.Hour},
		{"monthly cap", store.QuotaConfig{Name: "month", PerMinute: 600, PerMonth: 2, Burst: 10}, 2, 31 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := newQuota(t, ctx, s, tc.cfg)
			for i := range tc.allowed {
				if w := take(t, ctx, q); w != 0 {
					t.Fatalf("take %d within the cap waited %v", i+1, w)
				}
			}
			w := take(t, ctx, q)
			if w <= 0 || w > tc.maxWait {
				t.Fatalf("take over the cap: wait %v, want in (0, %v]", w, tc.maxWait)
			}
			// The window rolls over by the database clock: move it back.
			exec(t, ctx, s, `UPDATE iris_quota SET hour_start = hour_start - interval '1 hour',
				month_start = month_start - interval '1 month' WHERE name = $1`, tc.cfg.Name)
			if w := take(t, ctx, q); w != 0 {
				t.Fatalf("take in a new window waited %v", w)
			}
		})
	}
}

func TestQuotaConfig(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	for _, cfg := range []store.QuotaConfig{{PerMinute: 0}, {PerMinute: 10, PerHour: -1}} {
		if _, err := s.Quota(ctx, cfg); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Quota(%+v): %v, want ErrInvalid", cfg, err)
		}
	}
	q := newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 60, Burst: 10})
	st, err := q.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "iris" || st.Capacity != 10 || st.RefillPerSec != 1 || st.Tokens != 10 {
		t.Fatalf("state %+v, want name iris, capacity 10, 1/s, full", st)
	}
	// Reconfiguring to a smaller burst caps the tokens; nothing refills.
	q = newQuota(t, ctx, s, store.QuotaConfig{PerMinute: 120, Burst: 4})
	if st, _ := q.State(ctx); st.Capacity != 4 || st.RefillPerSec != 2 || st.Tokens > 4 {
		t.Fatalf("after reconfigure: %+v", st)
	}
	exec(t, ctx, s, `DELETE FROM iris_quota`)
	if _, err := q.Take(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Take on a deleted bucket: %v, want ErrNotFound", err)
	}
	if err := q.Pause(ctx, time.Second); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Pause on a deleted bucket: %v, want ErrNotFound", err)
	}
}
