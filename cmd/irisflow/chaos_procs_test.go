//go:build chaos

package main

import (
	"context"
	"fmt"
	"slices"
	"syscall"
	"time"
)

// restart ends the process name with sig (SIGKILL: a crash; SIGTERM: a
// clean stop, killed after 30 s) and starts it again as a supervisor
// would: a process that exits before it is ready (a service exits when
// PostgreSQL or NATS is unreachable at start) is started again after a
// second, for up to two minutes. again is how many extra starts it took.
func (r *replicaSet) restart(ctx context.Context, name string, sig syscall.Signal) (again int, err error) {
	procs := r.list()
	i := slices.IndexFunc(procs, func(p *replicaProc) bool { return p.name == name })
	if i < 0 {
		return 0, fmt.Errorf("replicas: no process %s", name)
	}
	old := procs[i]
	_ = old.cmd.Process.Signal(sig)
	select {
	case <-old.exited:
	case <-time.After(30 * time.Second):
		_ = old.cmd.Process.Kill()
		<-old.exited
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p, err := r.launch(name)
		if err != nil {
			return again, err
		}
		r.mu.Lock()
		r.procs[i] = p
		r.mu.Unlock()
		err = p.awaitReady(ctx, time.Until(deadline))
		select {
		case <-p.exited:
		default:
			return again, err // ready, or still starting at the deadline
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return again, err
		}
		again++
		select {
		case <-ctx.Done():
			return again, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
