package pivoter

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// gatedIris is the real Iris client whose searches wait for release (or
// their context) before they go out, so that a test can line callers up
// behind one search.
type gatedIris struct {
	Iris
	entered chan struct{}
	release chan struct{}
}

func (g *gatedIris) Search(ctx context.Context, q iris.Query, opts ...iris.SearchOption) (*iris.SearchResult, error) {
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Iris.Search(ctx, q, opts...)
}

// waitingSearches counts goroutines waiting in pivoter.search for a shared
// search (blocked in its select, past the cache lookup).
func waitingSearches() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "[select") && strings.Contains(g, ".(*pivoter).search(") && !strings.Contains(g, "LatestPivotSearch") {
			n++
		}
	}
	return n
}

// A caller of a shared pivot search that gives up (its context cancelled)
// gets its own error; the callers that joined the same search get the
// answer, from one Iris search.
func TestSharedSearchSurvivesCancelledFirstCaller(t *testing.T) {
	t.Parallel()
	e := setup(t, irissim.Config{})
	g := &gatedIris{Iris: e.iris, entered: make(chan struct{}, 2), release: make(chan struct{})}
	cfg := e.config()
	cfg.Iris = g
	p, err := newPivoter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := cluster(t, e.sim, "ssl_hash", 4, 30)
	value := c.Shared["ssl_hash"]

	firstCtx, cancelFirst := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := p.search(firstCtx, "ssl_hash", value, nil)
		first <- err
	}()
	<-g.entered // the first caller's search is in flight
	type answer struct {
		out *searchOutcome
		err error
	}
	second := make(chan answer, 1)
	go func() {
		out, err := p.search(t.Context(), "ssl_hash", value, nil)
		second <- answer{out, err}
	}()
	testenv.Eventually(t, "both callers waiting on the one search", func() bool { return waitingSearches() == 2 })
	cancelFirst()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v, want its own cancellation", err)
	}
	close(g.release)
	a := <-second
	if a.err != nil {
		t.Fatalf("second caller failed with the first caller's cancellation: %v", a.err)
	}
	if want := len(e.sim.Matching("ssl_hash", value)); a.out.Total != want {
		t.Errorf("second caller: total %d, want %d", a.out.Total, want)
	}
	if n := len(g.entered); n != 0 {
		t.Errorf("%d more Iris searches, want the one shared", n)
	}
}
