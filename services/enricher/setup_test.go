package enricher

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	testOrg   = 201
	testDest  = "domaintools"
	waitBound = 60 * time.Second
)

// harness is a running enricher with real NATS, Postgres and the Iris simulator.
type harness struct {
	t     testing.TB
	js    jetstream.JetStream
	sim   *irissim.Server
	store *store.Store
	ready *obs.Readiness
	cfg   Config
	stop  func()
	seq   int
	mu    sync.Mutex
}

type options struct {
	sim     irissim.Config
	irisKey string
	retries int
	mutate  func(*Config)
	noRun   bool
}

func setup(t testing.TB, opts ...func(*options)) *harness {
	t.Helper()
	o := options{retries: iris.NoRetries, irisKey: "demo-key"}
	for _, f := range opts {
		f(&o)
	}
	js := testenv.JetStream(t)
	st := testenv.PostgresStore(t)
	sim, err := irissim.New(o.sim)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	client, err := iris.New(iris.Config{BaseURL: srv.URL, Username: "demo", APIKey: o.irisKey, MaxRetries: o.retries,
		Logger: testenv.QuietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, js: js, sim: sim, store: st, ready: obs.NewReadiness()}
	h.cfg = Config{JS: js, Store: st, Iris: client, Ready: h.ready, Logger: testenv.QuietLogger(), Grace: 5 * time.Second}
	if o.mutate != nil {
		o.mutate(&h.cfg)
	}
	if !o.noRun {
		h.start()
	}
	return h
}

// start runs the enricher until the test ends.
func (h *harness) start() {
	h.stop = testenv.RunInBackground(h.t, "enricher", func(ctx context.Context) error { return Run(ctx, h.cfg) })
}

// invocation builds a function invocation.
func (h *harness) function(kind flow.Kind, inputs map[string]any) *flow.Invocation {
	h.mu.Lock()
	h.seq++
	id := fmt.Sprintf("ID:test-%s-%d", h.t.Name(), h.seq)
	h.mu.Unlock()
	name := ""
	for fn, k := range flow.FunctionKinds {
		if k == kind {
			name = fn
		}
	}
	body, err := json.Marshal(map[string]any{
		"function": map[string]any{"id": 1, "name": name, "display_name": name},
		"inputs":   inputs, "workflow": nil, "workflow_instance": nil, "groups": []any{}, "playbook_instance": nil,
		"principal": map[string]any{"id": 1, "type": "user", "name": "a@example.com", "display_name": "A"},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	inv := &flow.Invocation{Version: flow.Version, ID: id, Kind: kind, Function: name, Payload: flow.PayloadFunction,
		Route: flow.Route{Org: testOrg, Destination: testDest, ReplyTo: "/queue/acks.201.domaintools", CorrelationID: "invid:" + id},
		Body:  body}
	if n, ok := inputs["incident_id"].(int); ok { // as the bridge reads it from the inputs
		inv.IncidentID = int64(n)
	}
	return inv
}

// action builds an automatic-playbook invocation for a DNS Name artifact.
func (h *harness) action(incident, artifact int64, value string) *flow.Invocation {
	h.mu.Lock()
	h.seq++
	id := fmt.Sprintf("ID:action-%s-%d", h.t.Name(), h.seq)
	h.mu.Unlock()
	body, err := json.Marshal(map[string]any{
		"action_id": 7, "object_type": 4,
		"incident": map[string]any{"id": incident, "name": "phish", "org_id": testOrg},
		"artifact": map[string]any{"id": artifact, "type": map[string]any{"id": 2, "name": "DNS Name"}, "value": value, "inc_id": incident},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return &flow.Invocation{Version: flow.Version, ID: id, Kind: flow.KindAuto, Payload: flow.PayloadAction,
		Route:      flow.Route{Org: testOrg, Destination: testDest, ReplyTo: "/queue/acks.201.domaintools", CorrelationID: "invid:" + id},
		IncidentID: incident, ArtifactID: artifact, Body: body}
}

func (h *harness) publish(invs ...*flow.Invocation) {
	h.t.Helper()
	for _, inv := range invs {
		testenv.Publish(h.t, h.js, inv)
	}
}

// collect takes the messages of stream matching filter through a durable
// consumer named name.
func (h *harness) collect(stream, filter, name string) *testenv.Collector {
	h.t.Helper()
	return testenv.Collect(h.t, h.js, stream, filter, name)
}

// replyOf decodes a REPLIES message.
func replyOf(t testing.TB, data []byte) (*flow.Reply, *resilient.Ack) {
	t.Helper()
	r, err := flow.Decode[flow.Reply](data)
	if err != nil {
		t.Fatal(err)
	}
	a, err := resilient.DecodeReply(r.Message)
	if err != nil {
		t.Fatal(err)
	}
	return r, a
}

// finals waits for the final replies of n invocations and returns them by
// invocation id (status replies are checked to come first).
func (h *harness) finals(c *testenv.Collector, n int) map[string]*resilient.Ack {
	h.t.Helper()
	out := map[string]*resilient.Ack{}
	deadline := time.Now().Add(waitBound)
	for len(out) < n && time.Now().Before(deadline) {
		for _, m := range c.Fetch(1000, 500*time.Millisecond) {
			r, a := replyOf(h.t, m.Data())
			if !r.Final {
				continue
			}
			if _, dup := out[r.InvocationID]; dup {
				h.t.Errorf("second final reply for %s", r.InvocationID)
			}
			out[r.InvocationID] = a
		}
	}
	if len(out) < n {
		h.t.Fatalf("got %d final replies within %s, want %d", len(out), waitBound, n)
	}
	return out
}

// content decodes the content of a final result.
func content(t testing.TB, a *resilient.Ack) map[string]any {
	t.Helper()
	p, err := a.Payload()
	if err != nil {
		t.Fatal(err)
	}
	if p == nil {
		t.Fatalf("reply has no result payload: %+v (message %q)", a, a.Message)
	}
	c, ok := p.Content.(map[string]any)
	if !ok {
		t.Fatalf("content is %T", p.Content)
	}
	return c
}

// consuming reports whether the enricher has said it is ready.
func (h *harness) consuming() bool {
	ok, st := h.ready.Ready()
	_, registered := st[ReadinessComponent]
	return ok && registered
}
