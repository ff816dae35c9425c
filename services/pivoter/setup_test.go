package pivoter

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

const testOrg = 201

// env is what a pivoter test needs: the Iris simulator (universe of 3000
// domains, seed 7) behind httptest and a client for it, an embedded
// JetStream with irisflow's streams, a fresh migrated database, and test
// consumers on REPLIES, WRITES and DLQ.
type env struct {
	sim     *irissim.Server
	iris    *iris.Client
	js      jetstream.JetStream
	store   *store.Store
	ready   *obs.Readiness
	replies *testenv.Collector
	writes  *testenv.Collector
	dlq     *testenv.Collector
	logs    *testenv.LogBuffer

	mu        sync.Mutex
	finals    map[string]*resilient.Ack
	dupFinals int
	// seen are write commands finalReply took from WRITES, for drainWrites.
	seen []*flow.WriteCommand
}

func setup(t testing.TB, simCfg irissim.Config) *env {
	t.Helper()
	if simCfg.Universe == 0 {
		simCfg.Universe = 3000
	}
	if simCfg.Seed == 0 {
		simCfg.Seed = 7
	}
	sim, err := irissim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	client, err := iris.New(iris.Config{
		BaseURL: srv.URL, Username: "demo", APIKey: "demo-key",
		MaxRetries: 1, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	js := testenv.JetStream(t)
	return &env{
		sim: sim, iris: client, js: js,
		store:   testenv.PostgresStore(t),
		ready:   obs.NewReadiness(),
		replies: testenv.Collect(t, js, flow.StreamReplies, "reply.>", "test-replies"),
		writes:  testenv.Collect(t, js, flow.StreamWrites, "write.>", "test-writes"),
		dlq:     testenv.Collect(t, js, flow.StreamDLQ, "dlq.>", "test-dlq"),
		logs:    &testenv.LogBuffer{},
		finals:  map[string]*resilient.Ack{},
	}
}

// config is a pivoter Config for the env.
func (e *env) config() Config {
	return Config{
		JS: e.js, Store: e.store, Iris: e.iris,
		Grace:  5 * time.Second,
		Ready:  e.ready,
		Logger: e.logs.Logger(),
	}
}

// start runs a pivoter until the test ends or stop is called; stop waits
// for Run to return.
func (e *env) start(t testing.TB, cfg Config) (stop func()) {
	t.Helper()
	return testenv.RunInBackground(t, "pivoter", func(ctx context.Context) error { return Run(ctx, cfg) })
}

// running is setup(t, simCfg) with a pivoter running on e.config() until
// the test ends.
func running(t testing.TB, simCfg irissim.Config) *env {
	t.Helper()
	e := setup(t, simCfg)
	e.start(t, e.config())
	return e
}

// call publishes a function invocation with inputs and returns it.
func (e *env) call(t testing.TB, id, function string, incident int64, inputs map[string]any) *flow.Invocation {
	t.Helper()
	kind, ok := flow.KindForFunction(function, nil)
	if !ok {
		t.Fatalf("unknown function %s", function)
	}
	in := resilient.Inputs{}
	for k, v := range inputs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in[k] = b
	}
	body, err := json.Marshal(resilient.FunctionData{Function: resilient.Function{Name: function}, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	inv := &flow.Invocation{
		Version: flow.Version, ID: id, Kind: kind, Function: function, Payload: flow.PayloadFunction,
		Route: flow.Route{Org: testOrg, Destination: resilient.DomainToolsDestination,
			ReplyTo: "acks.201.domaintools", CorrelationID: "corr-" + id},
		IncidentID: incident, Body: body,
	}
	e.publish(t, inv)
	return inv
}

// internalAuto publishes auto-pivot work as the enricher's playbook does.
func (e *env) internalAuto(t testing.TB, id, domain string, incident int64, depth int) *flow.Invocation {
	t.Helper()
	body, _ := json.Marshal(flow.AutoPivot{Domain: domain, IncidentID: incident, Depth: depth})
	inv := &flow.Invocation{
		Version: flow.Version, ID: id, Kind: flow.KindPivotsAuto, Payload: flow.PayloadInternal,
		Route:      flow.Route{Org: testOrg, Destination: resilient.DomainToolsDestination},
		IncidentID: incident, Depth: depth, Body: body,
	}
	e.publish(t, inv)
	return inv
}

func (e *env) publish(t testing.TB, inv *flow.Invocation) {
	t.Helper()
	testenv.Publish(t, e.js, inv)
}

// republish publishes inv again under another Nats-Msg-Id, as a redelivery
// after the stream's dedup window would arrive.
func (e *env) republish(t testing.TB, inv *flow.Invocation, suffix string) {
	t.Helper()
	testenv.PublishWithID(t, e.js, flow.FNSubject(inv.Org, inv.Kind), inv, inv.ID+suffix)
}

// finalReply waits (bounded) for the final reply of invocation id and
// returns it decoded: a reply on REPLIES, or the final the invocation's
// write commands hold for the writer to send once they land (flow.Final;
// no writer runs here). Status replies are skipped, other final replies
// kept for later calls, write commands kept for drainWrites.
func (e *env) finalReply(t testing.TB, id string) *resilient.Ack {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		e.mu.Lock()
		ack, ok := e.finals[id]
		e.mu.Unlock()
		if ok {
			return ack
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final reply for %s within 30s; pivoter logs:\n%s", id, e.logs.String())
		}
		for _, msg := range e.replies.Fetch(1, 100*time.Millisecond) {
			r, err := flow.Decode[flow.Reply](msg.Data())
			if err != nil {
				t.Fatalf("bad reply: %v", err)
			}
			if !r.Final {
				continue
			}
			e.final(t, r.InvocationID, r.Message, true)
		}
		for _, msg := range e.writes.Fetch(100, 100*time.Millisecond) {
			w, err := flow.Decode[flow.WriteCommand](msg.Data())
			if err != nil {
				t.Fatalf("bad write command: %v", err)
			}
			e.mu.Lock()
			e.seen = append(e.seen, w)
			e.mu.Unlock()
			if w.Final != nil {
				e.final(t, w.InvocationID, w.Final.Message, false)
			}
		}
	}
}

// final records the final reply of invocation id; sent says it was sent
// (a second one sent is a duplicate), not held by write commands.
func (e *env) final(t testing.TB, id string, message []byte, sent bool) {
	t.Helper()
	a, err := resilient.DecodeReply(message)
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.finals[id]; dup {
		if sent {
			e.dupFinals++
		}
		return
	}
	e.finals[id] = a
}

// payload returns the result payload of a final reply, failing on an error reply.
func payload(t testing.TB, ack *resilient.Ack) *resilient.ResultPayload {
	t.Helper()
	if ack.MessageType != resilient.MessageInfo || !ack.Complete {
		t.Fatalf("reply is not a completed result: %+v", ack)
	}
	p, err := ack.Payload()
	if err != nil || p == nil {
		t.Fatalf("reply without payload: %v", err)
	}
	return p
}

// content re-decodes a payload's content into v.
func content(t testing.TB, p *resilient.ResultPayload, v any) {
	t.Helper()
	b, err := json.Marshal(p.Content)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("content %s: %v", b, err)
	}
}

// waitIdle waits (bounded) until the pivoter consumer has nothing pending
// or unacknowledged and its ack floor has passed the last message in FN
// now: by the counts alone it was seen idle before the pivoter had a
// message just published (make test, twice).
func (e *env) waitIdle(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Wait)
	defer cancel()
	fn, err := e.js.Stream(ctx, flow.StreamFN)
	if err != nil {
		t.Fatal(err)
	}
	last := fn.CachedInfo().State.LastSeq // Stream fetched the info just now
	testenv.Eventually(t, "the pivoter consumer idle", func() bool {
		c, err := e.js.Consumer(ctx, flow.StreamFN, flow.ConsumerPivoter)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Stream >= last && last > 0
	})
}

// drainWrites returns every write command in the WRITES stream now.
func (e *env) drainWrites(t testing.TB) []*flow.WriteCommand {
	t.Helper()
	e.mu.Lock()
	out := e.seen
	e.seen = nil
	e.mu.Unlock()
	for _, data := range e.writes.Drain() {
		w, err := flow.Decode[flow.WriteCommand](data)
		if err != nil {
			t.Fatalf("bad write command: %v", err)
		}
		out = append(out, w)
	}
	return out
}

// drainDLQ returns the dead letters recorded now.
func (e *env) drainDLQ(t testing.TB) []*flow.DeadLetter {
	t.Helper()
	var out []*flow.DeadLetter
	for _, data := range e.dlq.Drain() {
		var d flow.DeadLetter
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, &d)
	}
	return out
}
