package writer

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	logs  *testenv.LogBuffer
	// transport wraps the clients' HTTP transport (see brokenCredentials).
	transport http.RoundTripper
}

func setup(t testing.TB, simCfg resilientsim.Config) *env {
	t.Helper()
	sim := resilientsim.New(simCfg)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return &env{
		sim: sim, url: srv.URL, js: testenv.JetStream(t),
		store:     testenv.PostgresStore(t),
		ready:     obs.NewReadiness(),
		logs:      &testenv.LogBuffer{},
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
		Logger:            e.logs.Logger(),
	}
}

// running is setup(t, resilientsim.Config{}) with a writer running on
// e.config() until the test ends.
func running(t testing.TB) *env {
	t.Helper()
	e := setup(t, resilientsim.Config{})
	e.start(t, e.config())
	return e
}

// start runs a writer until the test ends or stop is called; stop waits
// for Run to return and fails the test on its error.
func (e *env) start(t testing.TB, cfg Config) (stop func()) {
	t.Helper()
	return testenv.RunInBackground(t, "writer", func(ctx context.Context) error { return Run(ctx, cfg) })
}

func (e *env) publish(t testing.TB, cmd *flow.WriteCommand) {
	t.Helper()
	testenv.Publish(t, e.js, cmd)
}

// republish publishes cmd again under another Nats-Msg-Id, as a redelivery
// beyond the stream's dedup window would arrive.
func (e *env) republish(t testing.TB, cmd *flow.WriteCommand, msgID string) {
	t.Helper()
	testenv.PublishWithID(t, e.js, flow.WriteSubject(cmd.Org, cmd.IncidentID, cmd.Kind), cmd, msgID)
}

// drained reports whether the writer consumer has acknowledged or
// terminated every message of WRITES.
func (e *env) drained(t testing.TB) bool {
	t.Helper()
	return testenv.StreamMsgs(t, e.js, flow.StreamWrites) == 0
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
	return testenv.ReadStream[flow.DeadLetter](t, e.js, flow.StreamDLQ, flow.DLQSubject(flow.StreamWrites))
}

// replies returns the replies published for Resilient.
func (e *env) replies(t testing.TB) []flow.Reply {
	t.Helper()
	return testenv.ReadStream[flow.Reply](t, e.js, flow.StreamReplies, "reply.>")
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
		Artifact: &flow.Artifact{Type: resilient.ArtifactDNSName, Value: value, Description: "found by an Iris pivot"}}
}

// refusedRowCmd is a row command Resilient refuses for good: its table has
// no column no_such_column.
func refusedRowCmd(id string) *flow.WriteCommand {
	return rowCmd(id, map[string]any{"domain_name": "int-chase.com", "no_such_column": 1})
}

// replyRoute is the reply route of a demo invocation, under correlation-id
// cid.
func replyRoute(cid string) *flow.Route {
	return &flow.Route{Org: org, Destination: "domaintools", ReplyTo: "acks.201.domaintools", CorrelationID: cid}
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
