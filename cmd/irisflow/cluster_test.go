//go:build cluster

package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/services/bridge"
)

// splitMarkers are the log lines (debug level) each service writes once per
// message it handled: counting them per replica shows how the work split.
var splitMarkers = map[string][]string{
	config.ServiceBridge:   {"frame handed to FN"},
	config.ServiceEnricher: {"function answered", "playbook done"},
	config.ServicePivoter:  {"pivot executed", "pivots discovered", "not pivoting", "pivot run"},
	config.ServiceWriter:   {"write applied", "write found in resilient", "write already applied"},
}

// TestClusterFailoverAndReplicas (make cluster-test) runs irisflow on a
// three-node NATS cluster with R3 streams, two processes of each service
// (their own binaries) against one NATS and one PostgreSQL, under a closed
// loop of profile, playbook and pivot invocations (the bench's mixed mode),
// while it SIGKILLs one NATS node, SIGKILLs an enricher replica, brings the
// node back, then restarts another node. Every invocation must get exactly
// one final reply, every write must land once, no Iris 503 beyond the shared
// quota, and every surviving replica must have taken part of the work.
func TestClusterFailoverAndReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	natsBin, err := buildNATSServer(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := buildServices(ctx, bin, config.AllServices); err != nil {
		t.Fatal(err)
	}
	cl := startNATSCluster(t, natsBin, dir, 3)
	preCreateFrameBucket(ctx, t, cl.URLs(), 3)
	// The replicas inherit it: each logs a line per message handled.
	t.Setenv("IRISFLOW_LOG_LEVEL", "debug")

	const quota = 600 // Iris requests/min, shared by both enrichers and both pivoters
	o := &benchOptions{
		demoOptions: demoOptions{natsURL: cl.URLs(), streamReplicas: 3},
		mode:        modeMixed, duration: 60 * time.Second, concurrency: 32, distinct: 400,
		drain: 2 * time.Minute, irisQuota: quota, restRate: 10000,
		replicasArg: "bridge=2,enricher=2,pivoter=2,writer=2", binDir: bin, progress: "off", senders: 4,
	}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := startBenchEnv(ctx, log, o, o.distinct+100)
	if b.demoEnv != nil {
		defer b.close()
	}
	if err != nil {
		t.Fatal(err)
	}
	checkReplicas(ctx, t, cl.URLs(), 3)
	domains := b.iris.Domains()[:o.distinct]
	logs := map[string]string{}
	for _, p := range b.replicas.procs {
		logs[p.name] = p.log
	}
	// IRISFLOW_CLUSTER_LOGS=DIR keeps the replicas' and nodes' logs of a
	// failed run (the bench removes its directory).
	defer func() {
		if keep := os.Getenv("IRISFLOW_CLUSTER_LOGS"); keep != "" && t.Failed() {
			keepLogs(t, keep, logs, cl)
		}
	}()

	// The fault schedule, during the pass's 60 s of load;
	// IRISFLOW_CLUSTER_NO_FAULTS=1 runs the same load without it (a control).
	noFaults := os.Getenv("IRISFLOW_CLUSTER_NO_FAULTS") == "1"
	faults := make(chan string, 8)
	go func() {
		defer close(faults)
		if noFaults {
			return
		}
		step := func(at time.Duration, what string, do func()) bool {
			select {
			case <-ctx.Done():
				return false
			case <-time.After(at):
			}
			do()
			faults <- fmt.Sprintf("%s: %s", time.Now().Format("15:04:05.000"), what)
			return true
		}
		_ = step(10*time.Second, "SIGKILL nats "+cl.nodes[0].name, func() { cl.stop(cl.nodes[0], syscall.SIGKILL) }) &&
			step(8*time.Second, "SIGKILL enricher-1", func() { killReplica(b, "enricher-1") }) &&
			step(8*time.Second, "start nats "+cl.nodes[0].name+" again", func() { cl.start(cl.nodes[0]) }) &&
			step(10*time.Second, "restart nats "+cl.nodes[1].name+" (SIGTERM, start)", func() { cl.restart(cl.nodes[1]) })
	}()

	p, err := b.runPass(ctx, passSpec{name: "cluster", mode: modeMixed, duration: o.duration,
		concurrency: o.concurrency, domains: domains, soars: b.senders})
	var done []string
	for f := range faults {
		done = append(done, f)
	}
	if err != nil {
		t.Fatalf("pass: %v (faults: %s)", err, strings.Join(done, "; "))
	}
	t.Logf("faults: %s", strings.Join(done, "; "))
	if want := 4; !noFaults && len(done) != want {
		t.Errorf("%d of 4 faults happened during the load", len(done))
	}
	t.Logf("pass: %d invocations (%v) in %.1fs, %.1f/s, p50 %.0f ms, p99 %.0f ms, %d writes, %d follow-ups, iris %d requests, %d quota 503s",
		p.Invocations, p.Kinds, p.Seconds, p.PerSecond, p.LatencyMS.P50, p.LatencyMS.P99, p.Writes, p.FollowUps, p.IrisRequests, p.Quota503s)
	for _, f := range p.failures() {
		t.Error(f)
	}
	if p.Invocations == 0 || p.Writes == 0 {
		t.Errorf("the load did nothing: %d invocations, %d writes", p.Invocations, p.Writes)
	}
	if p.ErrorReplies > 0 {
		t.Errorf("%d error replies", p.ErrorReplies)
	}
	if p.Quota503s > 0 {
		t.Errorf("%d Iris 503s: the replicas went beyond the shared quota of %d/min", p.Quota503s, quota)
	}
	checkReplicas(ctx, t, cl.URLs(), 3)
	// Every surviving process reconnected: ready again on the cluster.
	for _, p := range b.replicas.procs {
		if err := p.awaitReady(ctx, time.Minute); err != nil {
			t.Error(err)
		}
	}

	// The split: every replica that lived through the run handled messages.
	for _, service := range config.AllServices {
		var parts []string
		for i := 1; i <= 2; i++ {
			name := fmt.Sprintf("%s-%d", service, i)
			n := countMarkers(t, logs[name], splitMarkers[service])
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
			if n == 0 && service != config.ServicePivoter {
				t.Errorf("%s handled no message: the replicas did not share the work", name)
			}
		}
		t.Logf("split %s: %s", service, strings.Join(parts, ", "))
	}
}

// killReplica SIGKILLs a replica and drops it from the set (its exit is the
// point, not a failure of the run).
func killReplica(b *benchEnv, name string) {
	r := b.replicas
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, p := range r.procs {
		if p.name == name {
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.exited
			r.procs = append(r.procs[:i:i], r.procs[i+1:]...)
			return
		}
	}
}

// preCreateFrameBucket creates the bridge's frame bucket (R3) before two
// bridges race to: on this loaded 2-core machine an R3 create on a cluster
// just formed can outlast the 5 s JetStream API timeout, and the bridge
// exits on it at start (a restart policy restarts it in production).
func preCreateFrameBucket(ctx context.Context, t *testing.T, urls string, replicas int) {
	t.Helper()
	nc, err := nats.Connect(urls)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: bridge.FrameBucket, TTL: 7 * 24 * time.Hour, Storage: jetstream.FileStorage, Replicas: replicas,
		Description: "irisflow bridge: STOMP frames already handed to JetStream, with their final replies",
	}); err != nil {
		t.Fatalf("create %s: %v", bridge.FrameBucket, err)
	}
}

// checkReplicas asserts that every irisflow stream has want replicas.
func checkReplicas(ctx context.Context, t *testing.T, urls string, want int) {
	t.Helper()
	nc, err := nats.Connect(urls)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for info := range js.ListStreams(ctx).Info() {
		n++
		if info.Config.Replicas != want {
			t.Errorf("stream %s: %d replicas, want %d", info.Config.Name, info.Config.Replicas, want)
		}
	}
	if n == 0 {
		t.Error("no stream on the cluster")
	}
}

func countMarkers(t *testing.T, path string, markers []string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range bytes.Split(b, []byte("\n")) {
		for _, m := range markers {
			if bytes.Contains(line, []byte(m)) {
				n++
				break
			}
		}
	}
	return n
}
