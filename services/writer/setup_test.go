package writer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

const (
	org      = resilientsim.DemoOrg
	incident = resilientsim.DemoIncident
)

// env is what a writer test needs: a Resilient simulator behind httptest,
// an embedded JetStream with irisflow's streams, a fresh migrated database.
type env struct {
	sim   *resilientsim.Sim
	url   string
	js    jetstream.JetStream
	store *store.Store
	ready *obs.Readiness
	logs  *syncBuffer
	// transport wraps the clients' HTTP transport (see brokenCredentials).
	transport http.RoundTripper
}

func setup(t testing.TB, simCfg resilientsim.Config) *env {
	t.Helper()
	sim := resilientsim.New(simCfg)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	_, js := testenv.StartNATS(t).Connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return &env{
		sim: sim, url: srv.URL, js: js,
		store:     testenv.PostgresStore(t),
		ready:     obs.NewReadiness(),
		logs:      &syncBuffer{},
		transport: http.DefaultTransport,
	}
}

// config is a writer Config for the env, with short test timings.
func (e *env) config() Config {
	return Config{
		JS:    e.js,
		Store: e.store,
		Clients: func(o int64) (*resilient.Client, error) {
			return resilient.NewClient(resilient.ClientConfig{
				BaseURL: e.url, Org: o,
				APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret,
				HTTPClient: &http.Client{Transport: e.transport},
				MaxRetries: 1, Backoff: 10 * time.Millisecond, Timeout: 10 * time.Second,
			})
		},
		RatePerSecond:     1000,
		AuthProbeInterval: 20 * time.Millisecond,
		Grace:             5 * time.Second,
		Ready:             e.ready,
		Logger:            slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// start runs a writer until the test ends or stop is called; stop waits
// for Run to return and fails the test on its error.
func (e *env) start(t testing.TB, cfg Config) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("writer: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("writer did not stop within 30s")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func (e *env) publish(t testing.TB, cmd *flow.WriteCommand) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := (flow.Publisher{JS: e.js}).Write(ctx, cmd); err != nil {
		t.Fatal(err)
	}
}

// republish publishes cmd again under another Nats-Msg-Id, as a redelivery
// beyond the stream's dedup window would arrive.
func (e *env) republish(t testing.TB, cmd *flow.WriteCommand, msgID string) {
	t.Helper()
	data, err := flow.Encode(cmd)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.js.Publish(ctx, flow.WriteSubject(cmd.Org, cmd.IncidentID, cmd.Kind), data, jetstream.WithMsgID(msgID)); err != nil {
		t.Fatal(err)
	}
}

// drained reports whether the writer consumer has acknowledged or
// terminated every message of WRITES.
func (e *env) drained(t testing.TB) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := e.js.Stream(ctx, flow.StreamWrites)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs == 0
}

// ledger returns the ledger entry of id.
func (e *env) ledger(t testing.TB, id string) store.LedgerEntry {
	t.Helper()
	le, err := e.store.LedgerLookup(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return le
}

// applied reports whether the ledger says command id is applied.
func (e *env) applied(id string) bool {
	le, err := e.store.LedgerLookup(context.Background(), id)
	return err == nil && le.State == store.LedgerApplied
}

// deadLetters returns the DLQ records of the WRITES stream.
func (e *env) deadLetters(t testing.TB) []flow.DeadLetter {
	t.Helper()
	return readAll[flow.DeadLetter](t, e.js, flow.StreamDLQ, flow.DLQSubject(flow.StreamWrites))
}

// replies returns the replies published for Resilient.
func (e *env) replies(t testing.TB) []flow.Reply {
	t.Helper()
	return readAll[flow.Reply](t, e.js, flow.StreamReplies, "reply.>")
}

func readAll[T any](t testing.TB, js jetstream.JetStream, stream, subject string) []T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !subjectMatches(subject, m.Subject) {
			continue
		}
		var v T
		if err := json.Unmarshal(m.Data, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func subjectMatches(pattern, subject string) bool {
	if p, ok := strings.CutSuffix(pattern, ">"); ok {
		return strings.HasPrefix(subject, p)
	}
	return pattern == subject
}

// eventually polls cond every 10ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an event
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count counts the log lines whose message contains s.
func (b *syncBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for line := range strings.SplitSeq(b.buf.String(), "\n") {
		var rec struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && strings.Contains(rec.Msg, s) {
			n++
		}
	}
	return n
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// note, row and artifact build commands of the demo incident.
func noteCmd(id, content string) *flow.WriteCommand {
	return &flow.WriteCommand{ID: id, InvocationID: "inv-" + id, Org: org, IncidentID: incident, Kind: flow.WriteNote,
		Note: &flow.Note{Format: resilient.FormatHTML, Content: content}, ContextToken: "ctx-token-" + id}
}

func rowCmd(id string, cells map[string]any) *flow.WriteCommand {
	return &flow.WriteCommand{ID: id, InvocationID: "inv-" + id, Org: org, IncidentID: incident, Kind: flow.WriteRow,
		Row: &flow.Row{Table: resilient.ResultsTable, Cells: cells}}
}

func artifactCmd(id, value string) *flow.WriteCommand {
	return &flow.WriteCommand{ID: id, InvocationID: "inv-" + id, Org: org, IncidentID: incident, Kind: flow.WriteArtifact,
		Artifact: &flow.Artifact{Type: resilient.ArtifactDNSName, Value: value, Description: "found by an Iris pivot", Depth: 1}}
}

// objects counts what a command of kind would have created on the demo incident.
func (e *env) objects(kind flow.WriteKind) int {
	switch kind {
	case flow.WriteNote:
		return len(e.sim.Notes(org, incident))
	case flow.WriteRow:
		return len(e.sim.Rows(org, incident, resilient.ResultsTable))
	default:
		return len(e.sim.Artifacts(org, incident))
	}
}
