package profile_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// harness is a Profiler on a fresh database and the Iris simulator.
type harness struct {
	store *store.Store
	sim   *irissim.Server
	iris  *iris.Client
	p     *profile.Profiler
}

func setup(t testing.TB, simCfg irissim.Config, mutate func(*profile.Config)) *harness {
	t.Helper()
	return setupLimited(t, simCfg, nil, mutate)
}

// setupLimited is setup with the Iris client on lim (nil: unlimited).
func setupLimited(t testing.TB, simCfg irissim.Config, lim iris.Limiter, mutate func(*profile.Config)) *harness {
	t.Helper()
	st := testenv.PostgresStore(t)
	sim, err := irissim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	client, err := iris.New(iris.Config{BaseURL: srv.URL, Username: "demo", APIKey: "demo-key", MaxRetries: iris.NoRetries,
		Limiter: lim, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := profile.Config{Store: st, Iris: client, Logger: quiet()}
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := profile.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return &harness{store: st, sim: sim, iris: client, p: p}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
