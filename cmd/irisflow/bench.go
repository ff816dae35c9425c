package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

func init() { addCommand(newBenchCmd) }

type benchOptions struct {
	demoOptions
	domains   int
	artifacts int
}

func newBenchCmd() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the whole pipeline on the simulators: profiles/s cold and warm, Iris calls, playbook writes/s",
		Long: `Start the demo's environment (embedded NATS, simulators, PostgreSQL) and measure, through
STOMP → bridge → JetStream → enricher/writer → replies:

  cold    --domains profile invocations of distinct domains nobody asked for before:
          throughput, and how many Iris requests the batcher needed (≤100 domains each);
  warm    the same invocations again, answered from the PostgreSQL cache (0 Iris requests);
  playbook --artifacts artifact events on a new incident: the automatic playbook's
          profile + row + notes, until every write has landed in Resilient.

Figures depend on the machine; docs/benchmarks.md records them with this command.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			o.noAutoPivot = true // the playbook pass measures profiling and writes
			return runBench(ctx, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.domains, "domains", 1000, "profile invocations per pass")
	f.IntVar(&o.artifacts, "artifacts", 200, "artifact events for the playbook pass")
	f.BoolVar(&o.json, "json", false, "print the figures as JSON")
	f.StringVar(&o.stompURL, "stomp-url", "", "use this external STOMP broker (e.g. ActiveMQ) instead of the embedded one")
	f.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	f.StringVar(&o.dbURL, "database-url", "", "PostgreSQL URL (default as for demo)")
	return cmd
}

// benchPass is one measured pass.
type benchPass struct {
	Name         string  `json:"name"`
	Messages     int     `json:"messages"`
	Seconds      float64 `json:"seconds"`
	PerSecond    float64 `json:"per_second"`
	IrisRequests int64   `json:"iris_requests"`
	Writes       int     `json:"writes,omitempty"`
}

func runBench(ctx context.Context, out io.Writer, o benchOptions) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env, err := startDemo(ctx, log, o.demoOptions)
	if env != nil {
		defer env.close()
	}
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- env.pipeline.Run(runCtx) }()
	defer func() { stop(); <-done }()

	domains := env.iris.Domains()
	if len(domains) < o.domains+o.artifacts {
		return fmt.Errorf("bench: the simulator has %d domains, want %d", len(domains), o.domains+o.artifacts)
	}
	profileSet, playbookSet := domains[:o.domains], domains[o.domains:o.domains+o.artifacts]

	var passes []benchPass
	for _, name := range []string{"cold profile", "warm profile (cache)"} {
		p, err := benchProfiles(ctx, env, name, profileSet)
		if err != nil {
			return err
		}
		passes = append(passes, p)
	}
	p, err := benchPlaybook(ctx, env, playbookSet)
	if err != nil {
		return err
	}
	passes = append(passes, p)

	if o.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(passes)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PASS\tMESSAGES\tSECONDS\tPER SECOND\tIRIS REQUESTS\tWRITES")
	for _, p := range passes {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%d\t%d\n", p.Name, p.Messages, p.Seconds, p.PerSecond, p.IrisRequests, p.Writes)
	}
	return tw.Flush()
}

// benchProfiles sends one profile invocation per domain, all at once, and
// waits for every final reply.
func benchProfiles(ctx context.Context, env *demoEnv, name string, domains []string) (benchPass, error) {
	before := env.iris.Counters().Requests
	start := time.Now()
	invs := make([]soarsim.Invocation, 0, len(domains))
	for _, d := range domains {
		inv, err := env.soar.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": d})
		if err != nil {
			return benchPass{}, err
		}
		invs = append(invs, inv)
	}
	for _, inv := range invs {
		final, err := env.soar.Await(ctx, inv.CorrelationID)
		if err != nil {
			return benchPass{}, err
		}
		if final.Complete && final.MessageType != 0 {
			return benchPass{}, errors.New("bench: error reply: " + final.Message)
		}
	}
	secs := time.Since(start).Seconds()
	return benchPass{Name: name, Messages: len(domains), Seconds: secs, PerSecond: float64(len(domains)) / secs,
		IrisRequests: env.iris.Counters().Requests - before}, nil
}

// benchPlaybook sends artifact events for a new incident and waits until
// every write has landed.
func benchPlaybook(ctx context.Context, env *demoEnv, domains []string) (benchPass, error) {
	incident := env.sim.CreateIncident(demoOrg, "irisflow bench")
	before := env.iris.Counters().Requests
	start := time.Now()
	for _, d := range domains {
		a := env.sim.AddArtifact(demoOrg, incident, 2, d)
		if _, err := env.soar.SendArtifactAction(ctx, incident, soarsim.Artifact{ID: a.ID, Value: d}); err != nil {
			return benchPass{}, err
		}
	}
	if err := settle(ctx, env); err != nil {
		return benchPass{}, err
	}
	secs := time.Since(start).Seconds()
	writes := len(env.sim.Notes(demoOrg, incident)) + len(env.sim.Rows(demoOrg, incident, "domaintools_results"))
	return benchPass{Name: "automatic playbook", Messages: len(domains), Seconds: secs, PerSecond: float64(len(domains)) / secs,
		IrisRequests: env.iris.Counters().Requests - before, Writes: writes}, nil
}
