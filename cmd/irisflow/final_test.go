package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/services/enricher"
	"github.com/irisflow/irisflow/services/pivoter"
	"github.com/irisflow/irisflow/services/writer"
	irissim "github.com/irisflow/irisflow/sim/iris"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// missingIncident is an incident the Resilient simulator does not have:
// every write to it fails for good (404).
const missingIncident = 990001

// finalEnv runs the enricher, the pivoter and the writer (no bridge: the
// test reads REPLIES itself) on the simulators.
type finalEnv struct {
	iris    *irissim.Server
	replies *testenv.Collector
	pub     flow.Publisher
}

func startFinalEnv(t *testing.T) *finalEnv {
	t.Helper()
	isim, err := irissim.New(irissim.Config{Universe: 3000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	isrv := httptest.NewServer(isim.Handler())
	t.Cleanup(isrv.Close)
	client, err := iris.New(iris.Config{BaseURL: isrv.URL, Username: "demo", APIKey: "demo-key",
		MaxRetries: 1, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rsim := resilientsim.New(resilientsim.Config{})
	rsrv := httptest.NewServer(rsim.Handler())
	t.Cleanup(rsrv.Close)
	js := testenv.JetStream(t)
	st := testenv.PostgresStore(t)
	log := testenv.QuietLogger()
	ready := obs.NewReadiness()
	on := true
	testenv.RunInBackground(t, "writer", func(ctx context.Context) error {
		return writer.Run(ctx, writer.Config{JS: js, Store: st, Ready: ready, Logger: log, RatePerSecond: 1000,
			Clients: func(org int64) (*resilient.Client, error) {
				return resilient.NewClient(resilient.ClientConfig{BaseURL: rsrv.URL, Org: org,
					APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret, MaxRetries: 1})
			}})
	})
	testenv.RunInBackground(t, "pivoter", func(ctx context.Context) error {
		return pivoter.Run(ctx, pivoter.Config{JS: js, Store: st, Iris: client, Ready: ready, Logger: log})
	})
	testenv.RunInBackground(t, "enricher", func(ctx context.Context) error {
		return enricher.Run(ctx, enricher.Config{JS: js, Store: st, Iris: client, Ready: ready, Logger: log,
			Playbook: enricher.PlaybookConfig{Automatic: &on, AutoPivot: true}})
	})
	return &finalEnv{iris: isim, pub: flow.Publisher{JS: js},
		replies: testenv.Collect(t, js, flow.StreamReplies, "reply.>", "test-replies")}
}

func (e *finalEnv) publish(t *testing.T, inv *flow.Invocation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.pub.Invocation(ctx, inv); err != nil {
		t.Fatal(err)
	}
}

// repliesOf collects the replies of invocation id until its final one, then
// for another second (a second final would show there).
func (e *finalEnv) repliesOf(t *testing.T, id string) (finals []*resilient.Ack, all []*flow.Reply) {
	t.Helper()
	deadline := time.Now().Add(testenv.Wait)
	var quietUntil time.Time
	for {
		now := time.Now()
		if len(finals) > 0 && now.After(quietUntil) {
			return finals, all
		}
		if now.After(deadline) {
			t.Fatalf("no final reply for %s within %v (replies %+v)", id, testenv.Wait, all)
		}
		for _, m := range e.replies.Fetch(10, 100*time.Millisecond) {
			r, err := flow.Decode[flow.Reply](m.Data())
			if err != nil {
				t.Fatal(err)
			}
			if r.InvocationID != id {
				continue
			}
			all = append(all, r)
			if r.Final {
				a, err := resilient.DecodeReply(r.Message)
				if err != nil {
					t.Fatal(err)
				}
				finals = append(finals, a)
				quietUntil = time.Now().Add(time.Second)
			}
		}
	}
}

// An auto-pivot whose writes fail for good (its incident is not in
// Resilient) answers SOAR with an error: the failure is its final reply,
// not a success followed by silence.
func TestAutoPivotWriteFailureReachesSOAR(t *testing.T) {
	t.Parallel()
	e := startFinalEnv(t)
	source := ""
	for _, c := range e.iris.Clusters() {
		if _, ok := c.Shared["ssl_hash"]; ok && len(c.Domains) >= 4 && len(c.Domains) <= 24 {
			source = c.Domains[0]
			break
		}
	}
	if source == "" {
		t.Fatal("no cluster to pivot on")
	}
	in := resilient.Inputs{}
	for k, v := range map[string]any{"dt_domain_name": source, "incident_id": missingIncident, "dt_pivot_types": "ssl_hash"} {
		in[k], _ = json.Marshal(v)
	}
	body, _ := json.Marshal(resilient.FunctionData{Function: resilient.Function{Name: "domaintools_auto_pivot_with_iris"}, Inputs: in})
	e.publish(t, &flow.Invocation{Version: flow.Version, ID: "auto-fails", Kind: flow.KindPivotsAuto,
		Function: "domaintools_auto_pivot_with_iris", Payload: flow.PayloadFunction,
		Route: flow.Route{Org: resilientsim.DemoOrg, Destination: resilient.DomainToolsDestination,
			ReplyTo: "acks.201.domaintools", CorrelationID: "corr-auto-fails"},
		IncidentID: missingIncident, Body: body})
	finals, _ := e.repliesOf(t, "auto-fails")
	if len(finals) != 1 {
		t.Fatalf("%d final replies, want 1: %+v", len(finals), finals)
	}
	if f := finals[0]; f.MessageType != resilient.MessageError || !strings.Contains(f.Message, "could not write") &&
		!strings.Contains(f.Message, "failed") {
		t.Fatalf("final reply (type %d) %q, want the write failure as an error", f.MessageType, f.Message)
	}
}

// The automatic playbook's writes failing for good after the action was
// answered must not put a second final reply behind the first: the action
// is answered once, when its writes have settled, with the failure.
func TestPlaybookWriteFailureIsTheOneFinal(t *testing.T) {
	t.Parallel()
	e := startFinalEnv(t)
	body, _ := json.Marshal(resilient.ActionData{
		Artifact: &resilient.Artifact{ID: 77, Type: resilient.Ref{ID: resilient.ArtifactDNSName, Name: "DNS Name"},
			Value: "int-chase.com", IncidentID: missingIncident},
	})
	e.publish(t, &flow.Invocation{Version: flow.Version, ID: "playbook-fails", Kind: flow.KindAuto, Payload: flow.PayloadAction,
		Route: flow.Route{Org: resilientsim.DemoOrg, Destination: resilient.DomainToolsDestination,
			ReplyTo: "acks.201.domaintools", CorrelationID: "corr-playbook-fails"},
		IncidentID: missingIncident, ArtifactID: 77, Body: body})
	finals, _ := e.repliesOf(t, "playbook-fails")
	if len(finals) != 1 {
		t.Fatalf("%d final replies, want 1: %+v", len(finals), finals)
	}
	if f := finals[0]; f.MessageType != resilient.MessageError || !strings.Contains(f.Message, "incident") {
		t.Fatalf("final reply (type %d) %q, want the write failure", f.MessageType, f.Message)
	}
}
