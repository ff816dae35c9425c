package iris_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// startSim runs the Iris simulator with one user (testUser/testKey) and
// returns it with its URL.
func startSim(t *testing.T, mutate ...func(*irissim.Config)) (*irissim.Server, string) {
	t.Helper()
	cfg := irissim.Config{Users: map[string]string{testUser: testKey}, AllowOpenKey: true, Universe: 2000, Seed: 7}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := irissim.New(cfg)
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func simClient(t *testing.T, url string, mutate ...func(*iris.Config)) *iris.Client {
	t.Helper()
	return newClient(t, url, mutate...)
}

func TestSimAuthModes(t *testing.T) {
	t.Parallel()
	_, url := startSim(t)
	for _, mode := range []iris.AuthMode{iris.AuthHMACSHA256, iris.AuthHMACSHA1, iris.AuthOpenKey} {
		c := simClient(t, url, func(cfg *iris.Config) { cfg.Auth = mode })
		if _, err := c.Account(t.Context()); err != nil {
			t.Errorf("%v: %v", mode, err)
		}
		bad := simClient(t, url, func(cfg *iris.Config) { cfg.Auth, cfg.APIKey = mode, "wrong" })
		if _, err := bad.Investigate(t.Context(), []string{"int-chase.com"}); !errors.Is(err, iris.ErrAuth) {
			t.Errorf("%v with a wrong key: %v", mode, err)
		}
		if bad.Stats().Requests != 1 {
			t.Errorf("%v: auth failure retried: %+v", mode, bad.Stats())
		}
	}
}

func TestSimInvestigateBatchesAndMissing(t *testing.T) {
	t.Parallel()
	s, url := startSim(t)
	known := s.Domains()
	if len(known) < 240 {
		t.Fatalf("universe too small: %d", len(known))
	}
	asked := append(slices.Clone(known[:240]), "no-such-domain-1.example", "no-such-domain-2.example")
	c := simClient(t, url)
	p, err := c.Investigate(t.Context(), asked)
	if err != nil {
		t.Fatalf("investigate: %v", err)
	}
	if c.Stats().Requests != 3 || s.Counters().Requests != 3 {
		t.Errorf("client %+v, simulator %+v", c.Stats(), s.Counters())
	}
	for _, d := range known[:240] {
		r, ok := p.Get(d)
		if !ok {
			t.Errorf("%s lost", d)
			continue
		}
		if _, ok := r.RiskScore(); !ok || len(r.Raw) == 0 {
			t.Errorf("%s: no risk score or raw", d)
		}
	}
	if !slices.Equal(p.Missing, []string{"no-such-domain-1.example", "no-such-domain-2.example"}) {
		t.Errorf("Missing = %v", p.Missing)
	}
	e, err := c.Enrich(t.Context(), []string{"int-chase.com"})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := e.Get("int-chase.com"); !ok || !r.Registrar.Uncounted {
		t.Errorf("enrich result %+v", r)
	}
}

func TestSimSearchFollowsPages(t *testing.T) {
	t.Parallel()
	s, url := startSim(t, func(cfg *irissim.Config) { cfg.ResultCap = 1500 })
	// The largest cluster under the cap, found through its shared value.
	var best irissim.Cluster
	for _, cl := range s.Clusters() {
		if len(cl.Domains) <= 1500 && len(cl.Domains) > len(best.Domains) && len(cl.Shared) > 0 {
			best = cl
		}
	}
	if len(best.Domains) < 3 {
		t.Fatalf("no usable cluster: %+v", best)
	}
	var param, value string
	for p, v := range best.Shared {
		if iris.IsSearchParam(p) {
			param, value = p, v
			break
		}
	}
	if param == "" {
		t.Fatalf("cluster %d shares no searchable parameter: %v", best.ID, best.Shared)
	}
	want := s.Matching(param, value)
	c := simClient(t, url)
	pageSize := max(1, len(want)/3)
	res, err := c.Search(t.Context(), iris.NewQuery(param, value), iris.WithPageSize(pageSize))
	if err != nil {
		t.Fatalf("search %s=%s: %v", param, value, err)
	}
	var got []string
	for _, r := range res.Results {
		got = append(got, strings.ToLower(r.Domain))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("search %s=%s: got %d domains, want %d", param, value, len(got), len(want))
	}
	if res.Pages < 3 || res.TotalCount != len(want) || res.Truncated {
		t.Errorf("pages %d total %d truncated %v (page size %d, %d matches)", res.Pages, res.TotalCount, res.Truncated, pageSize, len(want))
	}
	capped, err := c.Search(t.Context(), iris.NewQuery(param, value), iris.WithMaxResults(2))
	if err != nil || len(capped.Results) != 2 || !capped.Truncated {
		t.Errorf("capped search: %v, %+v", err, capped)
	}
}

func TestSimLimitExceededAndQuota(t *testing.T) {
	t.Parallel()
	s, url := startSim(t, func(cfg *irissim.Config) { cfg.ResultCap = 5 })
	var big irissim.Cluster
	for _, cl := range s.Clusters() {
		if len(cl.Domains) > 5 && len(cl.Shared) > 0 {
			big = cl
			break
		}
	}
	if big.ID == 0 {
		t.Skip("no cluster above the cap in this universe")
	}
	var q iris.Query
	for p, v := range big.Shared {
		if iris.IsSearchParam(p) {
			q = iris.NewQuery(p, v)
			break
		}
	}
	c := simClient(t, url)
	_, err := c.Search(t.Context(), q)
	if !errors.Is(err, iris.ErrLimitExceeded) || c.Stats().Requests != 1 {
		t.Errorf("err = %v, stats %+v", err, c.Stats())
	}

	_, qurl := startSim(t, func(cfg *irissim.Config) { cfg.PerMinute = 2; cfg.Universe = 0 })
	qc := simClient(t, qurl, func(cfg *iris.Config) { cfg.MaxRetries = iris.NoRetries })
	// Two requests a calendar minute: within five, one meets a full minute.
	var last error
	for range 5 {
		if _, last = qc.Investigate(t.Context(), []string{"int-chase.com"}); last != nil {
			break
		}
	}
	if !errors.Is(last, iris.ErrUnavailable) {
		t.Errorf("over the per-minute quota: %v, want ErrUnavailable", last)
	}
}

func TestSimServerErrorsRetried(t *testing.T) {
	t.Parallel()
	s, url := startSim(t, func(cfg *irissim.Config) { cfg.ErrorRate = 0.3; cfg.Universe = 0 })
	c := simClient(t, url, func(cfg *iris.Config) { cfg.MaxRetries = 8 })
	for range 10 {
		if _, err := c.Investigate(t.Context(), []string{"int-chase.com", "domaintools.com"}); err != nil {
			t.Fatalf("investigate with 30%% server errors: %v", err)
		}
	}
	sc := s.Counters()
	if sc.Errors500 == 0 || c.Stats().Retries != sc.Errors500 || c.Stats().Requests != sc.Requests {
		t.Errorf("client %+v, simulator %+v", c.Stats(), sc)
	}
}

// minuteLimiter is a Limiter whose Pause moves the simulator's clock past
// the current quota minute, as waiting out a real 503 would.
type minuteLimiter struct {
	clock  *atomic.Int64 // the simulator's and the client's Now, unix ns
	pauses atomic.Int32
}

func (l *minuteLimiter) Wait(ctx context.Context) error { return ctx.Err() }

func (l *minuteLimiter) Pause(ctx context.Context, d time.Duration) error {
	l.pauses.Add(1)
	l.clock.Add(int64(time.Minute))
	return ctx.Err()
}

func TestSimQuota503BackedOffThenRetried(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64
	clock.Store(time.Date(2025, 6, 1, 12, 0, 30, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	s, url := startSim(t, func(cfg *irissim.Config) { cfg.PerMinute, cfg.Universe, cfg.Now = 1, 0, now })
	lim := &minuteLimiter{clock: &clock}
	c := simClient(t, url, func(cfg *iris.Config) { cfg.Limiter, cfg.Now = lim, now })
	for i := range 2 { // the second one meets the quota, pauses, and gets through
		p, err := c.Investigate(t.Context(), []string{"int-chase.com"})
		if err != nil {
			t.Fatalf("investigate %d: %v", i, err)
		}
		if _, ok := p.Get("int-chase.com"); !ok {
			t.Fatalf("investigate %d: no result", i)
		}
	}
	sc := s.Counters()
	if sc.Errors503 != 1 || lim.pauses.Load() != 1 || c.Stats().Requests != 3 || c.Stats().Retries != 1 {
		t.Errorf("simulator %+v, client %+v, pauses %d; want one 503, one pause, 3 requests, 1 retry", sc, c.Stats(), lim.pauses.Load())
	}
}

func TestSimTimeouts(t *testing.T) {
	t.Parallel()
	s, url := startSim(t, func(cfg *irissim.Config) { cfg.Latency, cfg.Universe = time.Minute, 0 })
	t.Run("per request, retried", func(t *testing.T) {
		c := simClient(t, url, func(cfg *iris.Config) { cfg.Timeout, cfg.MaxRetries = 20*time.Millisecond, 2 })
		_, err := c.Investigate(t.Context(), []string{"int-chase.com"})
		if !errors.Is(err, iris.ErrTimeout) || !iris.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable ErrTimeout", err)
		}
		if st := c.Stats(); st.Requests != 3 || st.Retries != 2 {
			t.Errorf("stats %+v, want 3 requests (2 retries)", st)
		}
	})
	t.Run("caller deadline, not retried", func(t *testing.T) {
		c := simClient(t, url) // 30s per request, 4 retries
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Investigate(ctx, []string{"int-chase.com"})
		if !errors.Is(err, iris.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || iris.IsRetryable(err) {
			t.Fatalf("err = %v, want a final ErrTimeout wrapping context.DeadlineExceeded", err)
		}
		if st := c.Stats(); st.Requests != 1 || st.Retries != 0 {
			t.Errorf("stats %+v, want 1 request", st)
		}
	})
	// Every request the simulator saw ended during its latency. It sees at
	// most the client's 4: on a loaded machine a 20ms attempt can time out
	// before its request reaches the handler.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := s.Counters()
		if c.Requests > 4 {
			t.Fatalf("simulator counters %+v, want at most the client's 4 requests", c)
		}
		if c.Requests > 0 && c.Canceled == c.Requests {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulator counters %+v, want every request it saw canceled", c)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
