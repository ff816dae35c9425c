package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

func init() { addCommand(newBenchCmd) }

func newBenchCmd() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the whole pipeline on the simulators: invocations/s, latency, Iris requests, writes, nothing lost",
		Long: `Start the demo's environment (embedded NATS, the Iris and SOAR simulators, PostgreSQL, an
embedded STOMP broker or --stomp-url) and drive irisflow through STOMP as SOAR does:
STOMP → bridge → JetStream → enricher/pivoter/writer → replies → SOAR.

A run is a warm-up pass (--distinct domains profiled once, cold: it measures the
batching) and the measured pass: --invocations N (or --duration D) invocations of
--mode over the same --distinct domains, so most are answered from the cache
(--distinct 0: every invocation a new domain, all cold, no warm-up). The closed loop
keeps --concurrency invocations in flight; --rate R offers R invocations/s (open loop).

  profile   the drop-in function Profile Domain with Iris
  playbook  DNS Name "artifact created" rule actions: the automatic playbook
            (profile, row, notes), until every write has landed
  pivot     the function Auto Pivot with Iris on an incident (its new artifacts come
            back as rule actions, counted as follow-ups)
  mixed     6 profile : 3 playbook : 1 pivot

--replicas enricher=3,writer=3 runs those services as processes of their own binaries
(built from services/*/cmd/* into a temporary directory, or taken from --bin-dir); the
others run inside the bench. --seed-style adds a pass the seed app's way (one Iris
Investigate request per artifact, no cache, 25 workers, as fn_domaintools on
resilient-circuits does) on the same simulators and prints irisflow's rate over it.

Every pass counts, from the SOAR and Resilient simulators' side, lost invocations (no
final reply), duplicate final replies, duplicate and missing writes; the command fails
when any is non-zero. --json prints one object per pass. Figures depend on the machine;
docs/benchmarks.md records them with the commands that reproduce them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.duration > 0 {
				if cmd.Flags().Changed("invocations") {
					return errors.New("give --invocations N or --duration D, not both")
				}
				o.invocations = 0
			}
			if err := o.validate(); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			o.noAutoPivot = true // the playbook pass measures profiling and writes
			return runBench(ctx, cmd.OutOrStdout(), &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.mode, "mode", modeProfile, "what each invocation asks: profile, playbook, pivot or mixed")
	f.IntVar(&o.invocations, "invocations", 20000, "invocations in the measured pass")
	f.DurationVar(&o.duration, "duration", 0, "send for this long instead of --invocations")
	f.Float64Var(&o.rate, "rate", 0, "offer this many invocations/s (open loop); 0 = closed loop")
	f.IntVar(&o.concurrency, "concurrency", 1000, "invocations in flight in the closed loop")
	f.IntVar(&o.distinct, "distinct", 1000, "distinct domains the invocations cycle through (cache-hit mix); 0 = a new domain each")
	f.BoolVar(&o.warmup, "warmup", true, "profile the --distinct domains once before the measured pass (the cold pass)")
	f.DurationVar(&o.drain, "drain", 30*time.Second, "count an invocation lost when no reply came for this long after the last one")
	f.DurationVar(&o.irisLatency, "iris-latency", 0, "latency the Iris simulator adds to every request")
	f.IntVar(&o.irisQuota, "iris-quota", 0, "Iris requests/min: the simulator answers 503 above it, and irisflow's shared quota is set to it; 0 = none")
	f.Float64Var(&o.irisErrorRate, "iris-error-rate", 0, "share (0..1) of Iris requests the simulator answers 500")
	f.DurationVar(&o.restLatency, "rest-latency", 0, "latency the Resilient REST simulator adds to every request")
	f.Float64Var(&o.restErrorRate, "rest-error-rate", 0, "share (0..1) of REST requests the Resilient simulator answers 500")
	f.Float64Var(&o.restRate, "rest-rate", 10000, "irisflow's REST writes/s per org (resilient.rate_per_second)")
	f.IntVar(&o.senders, "senders", 4, "SOAR simulator connections that send (each waits for a RECEIPT per SEND)")
	f.StringVar(&o.replicasArg, "replicas", "", "run services as separate processes, e.g. enricher=3,writer=3")
	f.StringVar(&o.binDir, "bin-dir", "", "take the --replicas binaries from this directory instead of building them")
	f.BoolVar(&o.seedStyle, "seed-style", false, "add a pass the seed app's way and print the ratio")
	f.IntVar(&o.seedInvocations, "seed-invocations", 2000, "invocations of the seed-style pass (at most --invocations)")
	f.StringVar(&o.stompURL, "stomp-url", "", "use this external STOMP broker (e.g. ActiveMQ, stomp://127.0.0.1:61613) instead of the embedded one")
	f.StringVar(&o.dbURL, "database-url", "", "PostgreSQL URL (default as for demo)")
	f.BoolVar(&o.json, "json", false, "print one JSON object per pass")
	f.StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (when a terminal), on, off")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the bench process (simulators and in-process services) to this file")
	f.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}

// runBench starts the environment, runs the passes, prints them and fails
// when a pass lost or duplicated anything.
func runBench(ctx context.Context, out io.Writer, o *benchOptions) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if o.seedStyle && o.mode != modeProfile {
		return errors.New("--seed-style compares profile passes: use it with --mode profile")
	}
	distinct := o.distinct
	if distinct == 0 && o.invocations > 0 {
		distinct = o.invocations
	}
	if distinct == 0 { // --duration with a new domain each: as many as the universe has
		distinct = 100000
	}
	b, err := startBenchEnv(ctx, log, o, distinct+100)
	if b.demoEnv != nil {
		defer b.close()
	}
	if err != nil {
		return err
	}
	domains := b.iris.Domains()
	if len(domains) < distinct {
		return fmt.Errorf("bench: the Iris simulator has %d domains, want %d", len(domains), distinct)
	}
	domains = domains[:distinct]

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	var specs []passSpec
	if o.warmup && o.distinct > 0 {
		specs = append(specs, passSpec{name: "cold", mode: modeProfile, invocations: len(domains), concurrency: o.concurrency, domains: domains, soars: b.senders})
	}
	measured := passSpec{name: o.mode, mode: o.mode, invocations: o.invocations, duration: o.duration, rate: o.rate,
		concurrency: o.concurrency, domains: domains, soars: b.senders}
	if o.invocations == 0 {
		measured.name += " " + o.duration.String()
	}
	specs = append(specs, measured)
	if o.seedStyle {
		n := o.seedInvocations
		if o.invocations > 0 {
			n = min(n, o.invocations)
		}
		specs = append(specs, passSpec{name: "seed-style", mode: modeProfile, invocations: n, rate: o.rate,
			concurrency: o.concurrency, domains: domains, soars: []*soarsim.SOAR{b.seed}})
	}

	var passes []benchPass
	for _, s := range specs {
		p, err := b.runPass(ctx, s)
		if err != nil {
			return err
		}
		passes = append(passes, p)
	}
	if o.seedStyle {
		seed := &passes[len(passes)-1]
		seed.SeedRatio = round2(ratio(passes[len(passes)-2].PerSecond, seed.PerSecond))
	}
	if o.json {
		err = writeJSONPasses(out, passes)
	} else {
		err = writeTextPasses(out, passes)
	}
	if err != nil {
		return err
	}
	var failures []string
	for _, p := range passes {
		failures = append(failures, p.failures()...)
	}
	if len(failures) > 0 {
		return fmt.Errorf("bench: %s", strings.Join(failures, "; "))
	}
	return nil
}
