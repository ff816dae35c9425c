package deps_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// The Iris client that irisflow run gives the enricher and the pivoter
// takes its requests from the shared quota in PostgreSQL and, when Iris
// answers 503, pauses every replica through it.
func TestIrisClientUsesTheSharedQuota(t *testing.T) {
	t.Parallel()
	// Iris allows one request a minute; irisflow's own budget is larger,
	// so the second request gets Iris's 503. The simulator's clock is
	// frozen: its minute is a calendar minute, and a retry that crossed
	// into the next one would be allowed (CI saw it once).
	frozen := time.Now()
	sim, err := irissim.New(irissim.Config{Users: map[string]string{"u": "k"}, PerMinute: 1, Now: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	cfg := configFor(t, config.ServiceEnricher)
	cfg.Iris.URL = srv.URL
	cfg.Iris.PerMinute = 100
	ctx := context.Background()
	d, err := deps.Open(ctx, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	domain := sim.Domains()[0]

	if _, err := d.Iris.Investigate(ctx, []string{domain}); err != nil {
		t.Fatal(err)
	}
	st, err := d.Quota.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.HourUsed != 1 || st.PausedUntil != nil {
		t.Fatalf("after one request the shared quota counts %d requests (paused until %v), want 1 and no pause", st.HourUsed, st.PausedUntil)
	}

	short, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := d.Iris.Investigate(short, []string{domain}); err == nil {
		t.Fatal("the second request within Iris's minute succeeded; the simulator should answer 503")
	}
	if n := sim.Counters().Errors503; n == 0 {
		t.Fatal("Iris answered no 503")
	}
	if st, err = d.Quota.State(ctx); err != nil {
		t.Fatal(err)
	}
	if st.HourUsed < 2 {
		t.Errorf("after the retried request the shared quota counts %d requests, want at least 2", st.HourUsed)
	}
	// The pause lasts the client's backoff and may be over by now: its
	// trace is the bucket's paused_until, set only by Pause.
	var paused *time.Time
	if err := d.Store.Pool().QueryRow(ctx, `SELECT paused_until FROM iris_quota WHERE name = 'iris'`).Scan(&paused); err != nil {
		t.Fatal(err)
	}
	if paused == nil {
		t.Error("Iris answered 503 but the shared quota was never paused")
	}
}
