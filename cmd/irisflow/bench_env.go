package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/resilient"
	irissim "github.com/irisflow/irisflow/sim/iris"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// benchEnv is the demo's environment tuned by the bench's flags, the
// services it runs as processes of their own, and the tracker of the
// current pass (fed by the SOAR simulators' OnReply hook).
type benchEnv struct {
	*demoEnv
	o        *benchOptions
	tr       atomic.Pointer[tracker]
	replicas *replicaSet
	senders  []*soarsim.SOAR // senders[0] is the demo's (it runs the artifact rule)
	soarCfg  soarsim.Config
	seed     *soarsim.SOAR // the seed-style destination (--seed-style)
	irisURL  string
	stop     func() // stops the in-process services
}

// startBenchEnv starts everything: simulators, NATS, PostgreSQL, the
// in-process services, the --replicas processes and the seed-style app.
// universe is how many distinct domains the passes need.
func startBenchEnv(ctx context.Context, log *slog.Logger, o *benchOptions, universe int) (*benchEnv, error) {
	b := &benchEnv{o: o}
	onReply := func(k int) func(string, resilient.Ack) {
		return func(cid string, ack resilient.Ack) {
			if t := b.tr.Load(); t != nil {
				t.reply(cid, ack)
			}
			if o.onReply != nil {
				o.onReply(k, cid, ack)
			}
		}
	}
	o.tune = envTuning{
		iris: func(c *irissim.Config) {
			c.Universe = max(c.Universe, universe)
			c.Latency, c.PerMinute, c.ErrorRate = o.irisLatency, o.irisQuota, o.irisErrorRate
			c.Users = map[string]string{"demo": "demo-key", seedIrisUser: seedIrisKey}
		},
		rest: func(c *resilientsim.Config) { c.Latency, c.ErrorRate = o.restLatency, o.restErrorRate },
		soar: func(c *soarsim.Config) {
			c.OnReply, c.FirstInvocationID = onReply(0), firstInvocationID(0)
			b.soarCfg = *c
		},
		config: func(c *config.Config) {
			c.Resilient.RatePerSecond = o.restRate
			if o.irisQuota > 0 {
				c.Iris.PerMinute = o.irisQuota
			}
			if in := o.inProcess(); len(in) > 0 {
				c.Services = in
			}
			if o.stompVia != nil {
				c.STOMP.URL = o.stompVia(c.STOMP.URL)
			}
		},
	}
	env, err := startDemo(ctx, log, o.demoOptions)
	b.demoEnv = env
	if err != nil {
		return b, err
	}
	b.irisURL = env.cfg.Iris.URL

	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if len(o.inProcess()) > 0 {
		go func() { done <- env.pipeline.Run(runCtx) }()
	} else {
		close(done)
	}
	b.stop = func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			log.Error("bench: in-process services", "err", err)
		}
	}
	env.closers = append(env.closers, b.stop)

	b.senders = []*soarsim.SOAR{env.soar}
	for k := 1; k < o.senders; k++ {
		c := b.soarCfg
		c.Sim, c.FirstInvocationID, c.OnReply = nil, firstInvocationID(k), onReply(k)
		s, err := soarsim.New(c)
		if err != nil {
			return b, fmt.Errorf("bench: SOAR sender %d: %w", k+1, err)
		}
		b.closers = append(b.closers, func() { _ = s.Close() })
		b.senders = append(b.senders, s)
	}
	if len(o.replicas) > 0 {
		if err := b.startReplicas(ctx); err != nil {
			return b, err
		}
	}
	if o.seedStyle {
		if err := b.startSeed(); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (b *benchEnv) startReplicas(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "irisflow-bench-")
	if err != nil {
		return err
	}
	b.closers = append(b.closers, func() { _ = os.RemoveAll(dir) })
	bin := b.o.binDir
	if bin == "" {
		bin = filepath.Join(dir, "bin")
		var services []string
		for _, s := range config.AllServices {
			if b.o.replicas[s] > 0 {
				services = append(services, s)
			}
		}
		if err := buildServices(ctx, bin, services); err != nil {
			return err
		}
	}
	if b.replicas, err = startReplicas(ctx, b.cfg, b.pipeline.deps.NATS.ConnectedUrl(), b.o.replicas, bin, dir); err != nil {
		return err
	}
	b.closers = append(b.closers, b.replicas.stop)
	return nil
}

func (b *benchEnv) startSeed() error {
	app, err := startSeedApp(b.cfg.STOMP.URL, demoOrg, b.irisURL)
	if err != nil {
		return err
	}
	b.closers = append(b.closers, func() { _ = app.Close() })
	c := b.soarCfg
	c.Sim, c.Destination, c.FirstInvocationID = nil, seedDestination, firstInvocationID(b.o.senders)
	if b.seed, err = soarsim.New(c); err != nil {
		return fmt.Errorf("seed-style: %w", err)
	}
	b.closers = append(b.closers, func() { _ = b.seed.Close() })
	return nil
}

// firstInvocationID gives SOAR simulator k of the bench a range of
// invocation ids of its own (they share one reply queue).
func firstInvocationID(k int) int64 {
	return (time.Now().Unix()%100000)*1000 + int64(k)*1_000_000_000
}

// rss is the peak resident set of every process, in MiB: "bench" is this
// one (the simulators and the in-process services).
func (b *benchEnv) rss() map[string]float64 {
	out := map[string]float64{}
	if b.replicas != nil {
		out = b.replicas.rss()
	}
	if mib, err := peakRSS(0); err == nil {
		out["bench"] = mib
	}
	return out
}
