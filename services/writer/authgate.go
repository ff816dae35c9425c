package writer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// errStopping is returned by authGate.wait when the writer shuts down while
// the writes of an org are paused; the message is redelivered later.
var errStopping = errors.New("writer stopping while writes are paused")

// authGate pauses the writes of an org whose credentials Resilient rejects
// (401/403): every handler of that org waits on the gate instead of
// failing its message (flow.Consume keeps the message with InProgress), the
// readiness says why, one error line is logged, and the credentials are
// probed every interval until they work again.
type authGate struct {
	stop     <-chan struct{} // closed when the writer shuts down
	interval time.Duration
	ready    *obs.Readiness
	log      *slog.Logger

	mu     sync.Mutex
	paused map[int64]*pause
	wg     sync.WaitGroup
}

type pause struct {
	done   chan struct{} // closed when the credentials work again
	reason string
}

func newAuthGate(stop <-chan struct{}, interval time.Duration, ready *obs.Readiness, log *slog.Logger) *authGate {
	return &authGate{stop: stop, interval: interval, ready: ready, log: log, paused: map[int64]*pause{}}
}

// wait returns at once when the writes of org are not paused, else when
// they resume (nil), when ctx is done or the writer stops (an error).
func (g *authGate) wait(ctx context.Context, org int64) error {
	g.mu.Lock()
	p := g.paused[org]
	g.mu.Unlock()
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the credentials of org %d: %w", org, ctx.Err())
	case <-g.stop:
		return fmt.Errorf("org %d: %w", org, errStopping)
	}
}

// trip pauses the writes of org after Resilient answered status to them;
// probe is a cheap authenticated GET run every interval until it no longer
// fails with resilient.ErrAuth. Tripping a paused org does nothing.
func (g *authGate) trip(org int64, status int, probe func(context.Context) error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.paused[org] != nil {
		return
	}
	p := &pause{
		done:   make(chan struct{}),
		reason: fmt.Sprintf("resilient rejected the writer's credentials for org %d (HTTP %d)", org, status),
	}
	g.paused[org] = p
	g.setReadyLocked()
	g.log.Error(p.reason+"; writes paused until they work", "org", org, "status", status, "probe_interval", g.interval)
	g.wg.Add(1)
	go g.probe(org, p, probe)
}

// probe tries the credentials of org every interval until they work or the
// writer stops. Failed probes log at debug level only: the pause was said once.
func (g *authGate) probe(org int64, p *pause, probe func(context.Context) error) {
	defer g.wg.Done()
	t := time.NewTicker(g.interval)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-g.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
		}
		err := probe(ctx)
		if !credentialsWork(err) {
			g.log.Debug("resilient credentials still not working", "org", org, "err", err)
			continue
		}
		g.mu.Lock()
		delete(g.paused, org)
		g.setReadyLocked()
		g.mu.Unlock()
		close(p.done)
		g.log.Info("resilient accepts the writer's credentials again; writes resumed", "org", org)
		return
	}
}

// credentialsWork reports whether a probe's outcome shows the credentials
// are accepted: success, or an HTTP answer other than 401/403 (a 404 also
// means the request got past authentication). Network failures prove nothing.
func credentialsWork(err error) bool {
	if err == nil {
		return true
	}
	var e *resilient.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Kind != resilient.KindAuth && e.Kind != resilient.KindNetwork && e.Status != 0
}

// setReadyLocked reports the readiness: ready unless some org is paused.
func (g *authGate) setReadyLocked() {
	if len(g.paused) == 0 {
		g.ready.Set(ReadinessComponent, true, "")
		return
	}
	reasons := make([]string, 0, len(g.paused))
	for _, p := range g.paused {
		reasons = append(reasons, p.reason)
	}
	sort.Strings(reasons)
	g.ready.Set(ReadinessComponent, false, strings.Join(reasons, "; "))
}

// close waits for the probes to end; the caller closes stop first.
func (g *authGate) close() { g.wg.Wait() }
