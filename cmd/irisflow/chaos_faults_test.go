//go:build chaos

package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// chaosRig is what the faults act on: the service processes, the one
// nats-server, the throwaway PostgreSQL, the proxy on the services' STOMP
// link and the simulators (inside the bench environment).
type chaosRig struct {
	b     *benchEnv
	nats  *natsCluster // one node
	pg    *pgCluster
	proxy *testenv.Proxy

	mu           sync.Mutex
	startedAgain map[string]int // restarted processes that exited before ready, started again
}

// restart restarts a service process and counts its extra starts.
func (r *chaosRig) restart(ctx context.Context, name string, sig syscall.Signal) error {
	again, err := r.b.replicas.restart(ctx, name, sig)
	if again > 0 {
		r.mu.Lock()
		if r.startedAgain == nil {
			r.startedAgain = map[string]int{}
		}
		r.startedAgain[name] += again
		r.mu.Unlock()
	}
	return err
}

func (r *chaosRig) again() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.startedAgain)
}

// fault is one entry of a schedule: after the previous one is done, wait
// after, then do it. A fault whose do fails (a restarted process never
// ready, a server that does not come back) fails the run.
type fault struct {
	after time.Duration
	what  string
	do    func(ctx context.Context, r *chaosRig) error
}

// faultDone is a fault as it happened, for the table.
type faultDone struct {
	at   time.Duration // since the load started
	took time.Duration
	what string
	err  error
}

// together runs faults at the same moment.
func together(fs ...fault) fault {
	var names []string
	for _, f := range fs {
		names = append(names, f.what)
	}
	return fault{what: strings.Join(names, " + "), do: func(ctx context.Context, r *chaosRig) error {
		errs := make([]error, len(fs))
		var wg sync.WaitGroup
		for i, f := range fs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = f.do(ctx, r) }()
		}
		wg.Wait()
		return errors.Join(errs...)
	}}
}

func at(after time.Duration, f fault) fault { f.after = after; return f }

// signalService ends replica name with sig and starts it again, as a
// supervisor would.
func signalService(name string, sig syscall.Signal) fault {
	return fault{what: fmt.Sprintf("%s %s (restarted)", sigName(sig), name), do: func(ctx context.Context, r *chaosRig) error {
		return r.restart(ctx, name, sig)
	}}
}

// freezeAndKill stops the writer's process (SIGSTOP) while it has POSTs in
// flight, then SIGKILLs it: the kill lands between a POST and its ledger
// update, which the next writer must reconcile.
func freezeAndKill(name string) fault {
	return fault{what: fmt.Sprintf("SIGSTOP, SIGKILL %s (restarted)", name), do: func(ctx context.Context, r *chaosRig) error {
		for _, p := range r.b.replicas.list() {
			if p.name == name {
				_ = p.cmd.Process.Signal(syscall.SIGSTOP)
			}
		}
		if err := hold(ctx, 2*time.Second); err != nil {
			return err
		}
		return r.restart(ctx, name, syscall.SIGKILL)
	}}
}

func natsRestart() fault {
	return fault{what: "restart nats-server (SIGTERM, start)", do: func(ctx context.Context, r *chaosRig) error {
		r.nats.restart(r.nats.nodes[0])
		return nil
	}}
}

func natsCrash() fault {
	return fault{what: "crash nats-server (SIGKILL, start)", do: func(ctx context.Context, r *chaosRig) error {
		n := r.nats.nodes[0]
		r.nats.stop(n, syscall.SIGKILL)
		r.nats.start(n)
		r.nats.awaitHealthy(n, 2*time.Minute)
		return nil
	}}
}

func pgRestart() fault {
	return fault{what: "restart PostgreSQL (pg_ctl stop -m fast, start)", do: func(ctx context.Context, r *chaosRig) error {
		return r.pg.Restart(ctx)
	}}
}

func stompCut() fault {
	return fault{what: "cut the services' STOMP connections", do: func(ctx context.Context, r *chaosRig) error {
		r.proxy.Sever()
		return nil
	}}
}

func brokerOutage(d time.Duration) fault {
	return fault{what: fmt.Sprintf("broker unreachable for %s (connections cut, new ones refused)", d), do: func(ctx context.Context, r *chaosRig) error {
		r.proxy.SetDown(true)
		defer r.proxy.SetDown(false)
		return hold(ctx, d)
	}}
}

// halfOpen drops every byte of the STOMP connections the proxy holds, both
// ways, without closing them (a dead link, a lost NAT entry); new
// connections pass, so the bridge recovers once its heart-beats find the
// link dead.
func halfOpen() fault {
	return fault{what: "half-open STOMP link (bytes dropped, TCP up)", do: func(ctx context.Context, r *chaosRig) error {
		r.proxy.Blackhole()
		return nil
	}}
}

// irisStorm makes Iris answer status to every request for d.
func irisStorm(d time.Duration, status int) fault {
	return fault{what: fmt.Sprintf("Iris answers %d to every request for %s", status, d), do: func(ctx context.Context, r *chaosRig) error {
		r.b.iris.FailNext(math.MaxInt, status)
		defer r.b.iris.FailNext(0, 0)
		return hold(ctx, d)
	}}
}

func restAfterCommit(n int) fault {
	return fault{what: fmt.Sprintf("SOAR REST commits then answers 500, %d POSTs", n), do: func(ctx context.Context, r *chaosRig) error {
		r.b.sim.Fail5xxAfterCommit(n)
		return nil
	}}
}

// hold waits d (the length of a fault, not a wait for a condition).
func hold(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func sigName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// shortFaults is make chaos-short (CI): one of each kind, two together.
func shortFaults() []fault {
	s := time.Second
	return []fault{
		at(6*s, signalService("enricher-1", syscall.SIGKILL)),
		at(5*s, freezeAndKill("writer-1")),
		at(5*s, signalService("bridge-1", syscall.SIGTERM)),
		at(5*s, stompCut()),
		at(5*s, natsCrash()),
		at(5*s, pgRestart()),
		at(5*s, brokerOutage(6*s)),
		at(5*s, together(irisStorm(10*s, http.StatusInternalServerError), halfOpen(), signalService("pivoter-1", syscall.SIGKILL))),
	}
}

// fullFaults is make chaos: every fault of issue 12, one after another,
// then some together.
func fullFaults() []fault {
	s := time.Second
	return []fault{
		at(10*s, signalService("enricher-1", syscall.SIGKILL)),
		at(8*s, freezeAndKill("writer-1")),
		at(8*s, signalService("pivoter-1", syscall.SIGKILL)),
		at(8*s, signalService("bridge-1", syscall.SIGKILL)),
		at(8*s, signalService("bridge-2", syscall.SIGTERM)),
		at(8*s, signalService("writer-2", syscall.SIGTERM)),
		at(8*s, stompCut()),
		at(8*s, natsRestart()),
		at(10*s, pgRestart()),
		at(8*s, irisStorm(15*s, http.StatusInternalServerError)),
		at(8*s, brokerOutage(6*s)),
		at(8*s, natsCrash()),
		at(10*s, halfOpen()),
		at(20*s, irisStorm(15*s, http.StatusServiceUnavailable)),
		at(8*s, restAfterCommit(30)),
		at(8*s, stompCut()),
		at(10*s, together(signalService("enricher-2", syscall.SIGKILL), pgRestart(), irisStorm(10*s, http.StatusInternalServerError))),
		at(10*s, together(natsRestart(), signalService("writer-1", syscall.SIGKILL), stompCut())),
		at(10*s, together(halfOpen(), signalService("pivoter-2", syscall.SIGTERM), restAfterCommit(20))),
	}
}

// runFaults applies the schedule, from the start of the load, and reports
// each fault as it is done.
func runFaults(ctx context.Context, r *chaosRig, start time.Time, faults []fault, done chan<- faultDone) {
	defer close(done)
	for _, f := range faults {
		if hold(ctx, f.after) != nil {
			return
		}
		began := time.Now()
		err := f.do(ctx, r)
		done <- faultDone{at: began.Sub(start), took: time.Since(began), what: f.what, err: err}
	}
}
