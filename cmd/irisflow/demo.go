package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/sim/broker"
	irissim "github.com/irisflow/irisflow/sim/iris"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

func init() { addCommand(newDemoCmd) }

// demoOptions are the demo's flags.
type demoOptions struct {
	json     bool
	stompURL string
	timeout  time.Duration
	verbose  bool
	dbURL    string
	// natsURL, when set, is an external NATS (a cluster: comma-separated
	// URLs) instead of the embedded one, with streamReplicas (cluster test).
	natsURL        string
	streamReplicas int
	// noAutoPivot turns the automatic playbook's auto-pivot off (bench).
	noAutoPivot bool
	// tune adjusts the simulators and the configuration before they start (bench).
	tune envTuning
	// keep serves the console on the demo's data after the scenario, until
	// interrupted (demo_console.go).
	keep          bool
	consoleListen string
	// then, when set, runs after a successful scenario while the pipeline
	// and the database are still up.
	then func(dbURL string) error
}

// envTuning are the benchmark's adjustments of the demo's environment; a
// nil function leaves its part as the demo has it.
type envTuning struct {
	iris   func(*irissim.Config)
	rest   func(*resilientsim.Config)
	soar   func(*soarsim.Config)
	config func(*config.Config)
}

func newDemoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on embedded defaults and the simulators: the seed guide's scenario on incident 4206",
		Long: `Start an embedded NATS JetStream, the DomainTools Iris and IBM SOAR simulators (with an
embedded STOMP broker, or --stomp-url for an external one such as ActiveMQ), and all four
services against PostgreSQL (IRISFLOW_DATABASE_URL, else the local server in a database of
its own, else a throwaway cluster from the local PostgreSQL binaries). A database given
with IRISFLOW_DATABASE_URL or --database-url is used as it is: its profile cache answers
(a second run asks Iris nothing), and so does its write ledger, so give it an empty
database to see every note written again into the fresh Resilient simulator. Then run the seed
guide's scenario on incident 4206 "PhishMe_Ident2" and print the notes, data-table rows and
artifacts as an analyst reads them:

  1. the seed app's workflows, unchanged (drop-in functions): Profile Domain with Iris,
     Check Domain Risk Score and Check Domain Tags on the incident's four DNS Name artifacts;
  2. irisflow's auto-pivot on int-chase.com: new DNS Name artifacts for connected domains and
     one summary note per pivot; the new artifacts come back as rule actions and the automatic
     playbook profiles them (without pivoting further);
  3. an analyst adds whoissuggest.com (the guide's auto-pivot example): the "artifact created"
     rule sends it to irisflow, whose automatic playbook profiles it, writes its row and notes,
     and auto-pivots from it.

It exits 0 only when every invocation got its final reply and every write landed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			if o.keep {
				o.then = keepWithConsole(cmd.Context(), cmd.ErrOrStderr(), o.consoleListen)
			}
			return runDemo(ctx, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	f.StringVar(&o.stompURL, "stomp-url", "", "run the scenario through this external STOMP broker (e.g. stomp://127.0.0.1:61613, ActiveMQ) instead of the embedded one")
	f.DurationVar(&o.timeout, "timeout", 3*time.Minute, "give up after this long")
	f.BoolVar(&o.verbose, "verbose", false, "log what the services do")
	f.BoolVar(&o.keep, "keep", false, "then keep the data and serve the console on it (irisflow console) until interrupted; prints its address")
	f.StringVar(&o.consoleListen, "console-listen", "127.0.0.1:8088", "with --keep: the console's address (loopback; port 0 picks one)")
	f.StringVar(&o.dbURL, "database-url", "", "PostgreSQL URL (default IRISFLOW_DATABASE_URL, else the local server's irisflow_demo database, else a throwaway cluster)")
	return cmd
}

// demoEnv is everything the demo started.
type demoEnv struct {
	cfg      *config.Config
	iris     *irissim.Server
	sim      *resilientsim.Sim
	soar     *soarsim.SOAR
	pipeline *pipeline
	closers  []func()
}

func (e *demoEnv) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

func runDemo(ctx context.Context, out io.Writer, o demoOptions) error {
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	start := time.Now()

	env, err := startDemo(ctx, log, o)
	if env != nil {
		defer env.close()
	}
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- env.pipeline.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			log.Error("pipeline shutdown", "err", err)
		}
	}()

	res, err := runScenario(ctx, env)
	if err != nil {
		return err
	}
	res.Elapsed = time.Since(start).Round(time.Millisecond).String()
	if o.json {
		if err := res.writeJSON(out); err != nil {
			return err
		}
	} else {
		res.writeText(out)
	}
	if problems := res.problems(); len(problems) > 0 {
		return fmt.Errorf("demo: %d problem(s): %v", len(problems), problems)
	}
	if o.then != nil {
		return o.then(env.cfg.DatabaseURL)
	}
	return nil
}

// startDemo starts the servers, the simulators and the pipeline (not yet running).
func startDemo(ctx context.Context, log *slog.Logger, o demoOptions) (*demoEnv, error) {
	env := &demoEnv{}
	dir, err := os.MkdirTemp("", "irisflow-demo-")
	if err != nil {
		return env, err
	}
	env.closers = append(env.closers, func() { _ = os.RemoveAll(dir) })

	dbURL, stopDB := o.dbURL, func() {}
	if dbURL == "" {
		if dbURL, stopDB, err = demoDatabase(ctx, log, dir); err != nil {
			return env, err
		}
	}
	env.closers = append(env.closers, stopDB)

	icfg := irissim.DefaultConfig()
	icfg.Universe, icfg.Seed = 20000, 1
	if o.tune.iris != nil {
		o.tune.iris(&icfg)
	}
	if env.iris, err = irissim.New(icfg); err != nil {
		return env, err
	}
	irisURL, stopIris, err := env.iris.Start("127.0.0.1:0")
	if err != nil {
		return env, err
	}
	env.closers = append(env.closers, func() { _ = stopIris(context.Background()) })

	rcfg := resilientsim.Config{}
	if o.tune.rest != nil {
		o.tune.rest(&rcfg)
	}
	env.sim = resilientsim.New(rcfg)
	restURL, stopREST, err := env.sim.Start("127.0.0.1:0")
	if err != nil {
		return env, err
	}
	env.closers = append(env.closers, func() { _ = stopREST(context.Background()) })

	stompURL := o.stompURL
	if stompURL == "" {
		b, err := broker.Start("127.0.0.1:0", broker.WithUsers(env.sim.BrokerUsers()))
		if err != nil {
			return env, err
		}
		env.closers = append(env.closers, func() { _ = b.Close() })
		stompURL = b.URL()
	}
	scfg := soarsim.Config{BrokerURL: stompURL, Sim: env.sim,
		Login: resilientsim.DefaultAPIKeyID, Passcode: resilientsim.DefaultAPIKeySecret}
	if o.tune.soar != nil {
		o.tune.soar(&scfg)
	}
	if env.soar, err = soarsim.New(scfg); err != nil {
		return env, err
	}
	env.closers = append(env.closers, func() { _ = env.soar.Close() })
	env.soar.EnableArtifactRule()

	autoPivot := !o.noAutoPivot
	env.cfg = &config.Config{
		DatabaseURL: dbURL,
		NATSURL:     config.NATSEmbedded, // the pipeline starts it (nats_url: embedded)
		NATSDataDir: filepath.Join(dir, "nats"),
		HTTPListen:  "127.0.0.1:0",
		STOMP:       config.STOMP{URL: stompURL},
		Resilient:   config.Resilient{URL: restURL, APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret, RatePerSecond: 200},
		Iris:        config.Iris{URL: irisURL, User: "demo", Key: "demo-key", PerMinute: 6000},
		Playbook:    config.Playbook{AutoPivot: &autoPivot},
	}
	if o.natsURL != "" {
		env.cfg.NATSURL, env.cfg.NATSDataDir, env.cfg.StreamReplicas = o.natsURL, "", o.streamReplicas
	}
	if o.tune.config != nil {
		o.tune.config(env.cfg)
	}
	env.cfg.Defaults()
	// The drop-in workflows of part 1 are not artifact events, and part 2's
	// auto-pivot is asked for explicitly: the automatic playbook's own
	// auto-pivot would pivot the analyst's artifact of part 3 too, which is
	// what a SOC that enables it wants, and what the demo shows.
	if err := env.cfg.Validate(); err != nil {
		return env, err
	}
	if env.pipeline, err = newPipeline(ctx, env.cfg, log); err != nil {
		return env, err
	}
	env.closers = append(env.closers, env.pipeline.Close)
	return env, nil
}
