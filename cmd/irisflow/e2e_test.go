package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// 300 distinct cold domains arriving together through the whole pipeline
// (soarsim → STOMP broker → bridge → JetStream FN → enricher → PostgreSQL →
// replies → broker → soarsim), on the default enricher settings, take at
// most 4 Iris requests (≤100 domains each) and ask Iris for each domain once.
//
// "Together" is made exact: the burst goes through STOMP and the bridge
// while no enricher runs (every replica restarting, say), so it waits in FN;
// then the enricher starts and finds it at once. A burst the bridge feeds
// in live arrives in clumps of its prefetch (20), and on a starved CPU the
// gaps between clumps can outgrow the batch window: see docs/enricher.md.
func TestPipeline300ColdDomainsThroughSTOMP(t *testing.T) {
	t.Parallel()
	const cold = 300
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := testenv.QuietLogger()
	env, err := startDemo(ctx, log, demoOptions{dbURL: testenv.Postgres(t), noAutoPivot: true})
	if env != nil {
		// A cleanup, not a defer: it must run after runAll's, which stop the
		// pipeline (a consumer whose NATS closes under it is not a clean stop).
		t.Cleanup(env.close)
	}
	if err != nil {
		t.Fatal(err)
	}
	runAll := func(p *pipeline) {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- p.Run(runCtx) }()
		t.Cleanup(func() {
			stop()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("pipeline: %v", err)
			}
		})
	}
	// Everything but the enricher first.
	enricherCfg := *env.cfg
	env.cfg.Services = []string{config.ServiceBridge, config.ServicePivoter, config.ServiceWriter}
	runAll(env.pipeline)

	domains := env.iris.Domains()
	if len(domains) < cold {
		t.Fatalf("the Iris simulator has %d domains, want %d", len(domains), cold)
	}
	before := env.iris.Counters()
	start := time.Now()
	invs := make([]string, 0, cold)
	for _, d := range domains[:cold] {
		inv, err := env.soar.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": d})
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, inv.CorrelationID)
	}
	testenv.Eventually(t, "the burst to wait in FN", func() bool {
		return testenv.StreamMsgs(t, env.pipeline.js, flow.StreamFN) == cold
	})

	// The enricher starts and finds the burst.
	enricherCfg.Services = []string{config.ServiceEnricher}
	enricherCfg.HTTPListen = "off"
	// The demo's NATS (nats_url: embedded would start a second server).
	enricherCfg.NATSURL, enricherCfg.NATSDataDir = env.pipeline.deps.NATS.ConnectedUrl(), ""
	p, err := newPipeline(ctx, &enricherCfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close) // after runAll's cleanup has stopped it
	runAll(p)
	for _, cid := range invs {
		final, err := env.soar.Await(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		if final.MessageType != resilient.MessageInfo {
			t.Fatalf("error reply for %s: %s", cid, final.Message)
		}
	}
	after := env.iris.Counters()
	requests, asked := after.Requests-before.Requests, after.Domains-before.Domains
	t.Logf("%d cold domains through STOMP: %d Iris requests, %d domains asked, %s", cold, requests, asked, time.Since(start))
	if requests > 4 {
		t.Errorf("%d Iris requests for %d cold domains, want at most 4", requests, cold)
	}
	if asked != cold {
		t.Errorf("Iris was asked for %d domains, want %d (each once)", asked, cold)
	}
	if n := len(env.soar.Unanswered()); n != 0 {
		t.Errorf("%d invocation(s) without a final reply", n)
	}
}

// A writer killed with SIGKILL between a POST that Resilient applied and
// its ledger update, then started again, leaves every note, row and
// artifact exactly once: the real writer binary, real NATS JetStream, real
// PostgreSQL, the Resilient simulator.
func TestWriterKilledAndRestartedLeavesNoDuplicate(t *testing.T) {
	t.Parallel()
	const (
		commands = 60 // notes, rows and artifacts in turn
		killAt   = 8  // the writer dies inside its 8th note POST
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bin := buildWriter(t)
	dbURL := testenv.Postgres(t)
	nats := testenv.StartNATS(t)
	_, js := nats.Connect(t)
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{}); err != nil {
		t.Fatal(err)
	}

	// The simulator answers after a latency, so that several POSTs are in
	// flight when the writer dies. The kill happens inside the handler of
	// the killAt-th note POST, after the note is stored and before the reply
	// is written: exactly the crash between the POST and the ledger update.
	sim := resilientsim.New(resilientsim.Config{Latency: 50 * time.Millisecond})
	var (
		notePosts atomic.Int64
		killMu    sync.Mutex
		victim    *writerProcess // the process to kill; nil once killed
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/comments") {
			sim.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		sim.Handler().ServeHTTP(rec, r)
		if rec.Code == http.StatusOK && notePosts.Add(1) == killAt {
			killMu.Lock()
			if victim != nil {
				victim.kill(t) // returns once the process is gone
				victim = nil
			}
			killMu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)

	env := append(os.Environ(),
		"IRISFLOW_NATS_URL="+nats.URL,
		"IRISFLOW_DATABASE_URL="+dbURL,
		"IRISFLOW_RESILIENT_URL="+srv.URL,
		"IRISFLOW_RESILIENT_API_KEY_ID="+resilientsim.DefaultAPIKeyID,
		"IRISFLOW_RESILIENT_API_KEY_SECRET="+resilientsim.DefaultAPIKeySecret,
		"IRISFLOW_DESTINATIONS=201:domaintools",
		"IRISFLOW_HTTP_LISTEN=127.0.0.1:0",
	)
	first := startWriter(t, bin, env, "first")
	killMu.Lock()
	victim = first
	killMu.Unlock()

	cmds := e2eWriteCommands(commands)
	pub := flow.Publisher{JS: js}
	for _, c := range cmds {
		if err := pub.Write(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, "the writer killed inside a note POST", func() bool {
		select {
		case <-first.exited:
			return true
		default:
			return false
		}
	})
	killMu.Lock()
	killed := victim == nil
	killMu.Unlock()
	if !killed {
		t.Fatalf("the writer exited without being killed:\n%s", first.output())
	}

	// The crash window was hit: a command is pending in the ledger while its
	// note is already in Resilient.
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	byID := map[string]*flow.WriteCommand{}
	for _, c := range cmds {
		byID[c.ID] = c
	}
	pending := ledgerIDs(ctx, t, db, "pending")
	inResilient := 0
	for _, id := range pending {
		if c := byID[id]; c != nil && countInSim(sim, c) == 1 {
			inResilient++
		}
	}
	t.Logf("after the kill: %d applied, %d pending (%d of them already in Resilient), %d note POSTs answered",
		len(ledgerIDs(ctx, t, db, "applied")), len(pending), inResilient, notePosts.Load())
	if inResilient == 0 {
		t.Fatalf("no pending ledger row whose object is in Resilient: the kill missed the crash window (pending %v)", pending)
	}

	second := startWriter(t, bin, env, "restarted")
	testenv.EventuallyWithin(t, 60*time.Second, "every command applied after the restart", func() bool {
		return len(ledgerIDs(ctx, t, db, "applied")) == commands
	})
	for _, state := range []string{"pending", "failed"} {
		if ids := ledgerIDs(ctx, t, db, state); len(ids) != 0 {
			t.Errorf("ledger rows %s: %v", state, ids)
		}
	}
	for _, c := range cmds {
		if n := countInSim(sim, c); n != 1 {
			t.Errorf("%s %s is in Resilient %d times, want exactly once", c.Kind, c.ID, n)
		}
	}
	// The restarted writer found the killed POST's object instead of
	// writing it again.
	if !strings.Contains(second.output(), "write found in resilient from an earlier attempt") {
		t.Errorf("the restarted writer reconciled nothing")
	}
	if t.Failed() {
		t.Logf("first writer:\n%s\nrestarted writer:\n%s", first.output(), second.output())
	}
}

// buildWriter builds the standalone writer binary into a temporary directory.
func buildWriter(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "writer")
	build := exec.Command("go", "build", "-o", bin, "./services/writer/cmd/writer")
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build writer: %v\n%s", err, out)
	}
	return bin
}

// writerProcess is a running writer binary.
type writerProcess struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has exited
	mu     sync.Mutex
	out    bytes.Buffer
}

func (p *writerProcess) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *writerProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// kill sends SIGKILL (no graceful shutdown) and waits, bounded, until the
// process is gone.
func (p *writerProcess) kill(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Errorf("writer %d still running 10s after SIGKILL", p.cmd.Process.Pid)
	}
}

// startWriter starts the writer binary with env; it is killed when the
// test ends, whatever happened.
func startWriter(t *testing.T, bin string, env []string, name string) *writerProcess {
	t.Helper()
	p := &writerProcess{exited: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s writer: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill(t) })
	return p
}

// e2eWriteCommands are n commands for incident 4206, notes, rows and
// artifacts in turn, each with content of its own.
func e2eWriteCommands(n int) []*flow.WriteCommand {
	out := make([]*flow.WriteCommand, n)
	for i := range out {
		c := &flow.WriteCommand{ID: fmt.Sprintf("e2e-writer-kill-%02d", i), InvocationID: "e2e-writer-kill",
			Org: demoOrg, IncidentID: demoIncident}
		value := fmt.Sprintf("e2e-kill-%02d.example.com", i)
		switch i % 3 {
		case 0:
			c.Kind, c.Note = flow.WriteNote, &flow.Note{Format: "text", Content: "irisflow end-to-end note about " + value}
		case 1:
			c.Kind, c.Row = flow.WriteRow, &flow.Row{Table: resilient.ResultsTable, Cells: map[string]any{"domain_name": value}}
		default:
			c.Kind, c.Artifact = flow.WriteArtifact, &flow.Artifact{Type: resilient.ArtifactDNSName, Value: value}
		}
		out[i] = c
	}
	return out
}

// countInSim counts the objects in the simulator that c creates.
func countInSim(sim *resilientsim.Sim, c *flow.WriteCommand) int {
	n := 0
	switch c.Kind {
	case flow.WriteNote:
		for _, note := range sim.Notes(c.Org, c.IncidentID) {
			if strings.TrimSpace(note.Text.Content) == c.Note.Content {
				n++
			}
		}
	case flow.WriteRow:
		for _, r := range sim.Rows(c.Org, c.IncidentID, c.Row.Table) {
			if v, ok := r.Cells["domain_name"]; ok && v.Value == c.Row.Cells["domain_name"] {
				n++
			}
		}
	case flow.WriteArtifact:
		for _, a := range sim.Artifacts(c.Org, c.IncidentID) {
			if a.Value == c.Artifact.Value {
				n++
			}
		}
	}
	return n
}

// ledgerIDs lists the command ids in the write ledger in state.
func ledgerIDs(ctx context.Context, t *testing.T, db *pgx.Conn, state string) []string {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT command_id FROM write_ledger WHERE state = $1 ORDER BY command_id", state)
	if err != nil {
		t.Fatalf("read the write ledger: %v", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("read the write ledger: %v", err)
	}
	return ids
}
