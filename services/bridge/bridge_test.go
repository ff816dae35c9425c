package bridge

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

func TestBridgeEndToEnd(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e := setup(t, k, 201, 202)
		e.runBridge(e.config(), nil)
		ctx := testContext(t, 60*time.Second)
		s1, s2 := e.soar(0), e.soar(1)

		// A function call on org 201 and an artifact action on org 202.
		fn, err := s1.InvokeFunction(ctx, "domaintools_profile_domain_with_iris",
			map[string]any{"dt_domain_name": "int-chase.com", "incident_id": 2095})
		if err != nil {
			t.Fatal(err)
		}
		act, err := s2.SendArtifactAction(ctx, 3001, soarsim.Artifact{ID: 77, Value: "example.com"})
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]flow.Invocation
		waitFor(t, "two invocations in FN", func() bool {
			got = map[string]flow.Invocation{}
			for _, inv := range e.invocations() {
				got[inv.CorrelationID] = inv
			}
			return len(got) == 2
		})
		tests := []struct {
			cid, function string
			kind          flow.Kind
			org           int64
			dest          Destination
			payload       string
			incident      int64
			artifact      int64
		}{
			{fn.CorrelationID, "domaintools_profile_domain_with_iris", flow.KindProfile, 201, e.dests[0], flow.PayloadFunction, 2095, 0},
			{act.CorrelationID, "", flow.KindAuto, 202, e.dests[1], flow.PayloadAction, 3001, 77},
		}
		for _, tt := range tests {
			inv, ok := got[tt.cid]
			if !ok {
				t.Fatalf("no invocation with correlation-id %s", tt.cid)
			}
			if !strings.HasPrefix(inv.ID, "ID:") {
				t.Errorf("invocation id %q is not the STOMP message-id", inv.ID)
			}
			if inv.Kind != tt.kind || inv.Function != tt.function || inv.Payload != tt.payload {
				t.Errorf("%s: kind %q function %q payload %q", tt.cid, inv.Kind, inv.Function, inv.Payload)
			}
			want := flow.Route{Org: tt.org, Destination: tt.dest.Name, ReplyTo: "/queue/acks." + fmt.Sprint(tt.org) + "." + tt.dest.Name, CorrelationID: tt.cid}
			if inv.Route != want {
				t.Errorf("route %+v, want %+v", inv.Route, want)
			}
			if inv.IncidentID != tt.incident || inv.ArtifactID != tt.artifact {
				t.Errorf("incident/artifact %d/%d, want %d/%d", inv.IncidentID, inv.ArtifactID, tt.incident, tt.artifact)
			}
			if inv.ContextToken == "" || !json.Valid(inv.Body) {
				t.Errorf("context token or body missing")
			}
		}

		// Replies (a status, then the final result) reach the right correlation-id.
		inv := got[fn.CorrelationID]
		for seq, msg := range [][]byte{resilient.StatusReply("starting"), resilient.ResultReply(resilient.ResultPayload{Success: true, Content: map[string]any{"domain": "int-chase.com"}})} {
			testenv.Publish(t, e.js, &flow.Reply{InvocationID: inv.ID, Seq: seq, Final: seq == 1, Route: inv.Route, Message: msg})
		}
		final := awaitFinal(t, ctx, s1, fn.CorrelationID)
		if final.MessageType != resilient.MessageInfo || len(final.Results) == 0 {
			t.Errorf("final reply %+v", final)
		}
		if rs := s1.Replies(fn.CorrelationID); len(rs) != 2 || rs[0].Complete || rs[0].Message != "starting" {
			t.Errorf("replies %+v, want status then final", rs)
		}
		if rs := s2.Replies(fn.CorrelationID); len(rs) != 0 {
			t.Errorf("org 202 got org 201's replies: %+v", rs)
		}
	})
}

func TestBridgeRejectsBadFrames(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, _ := running(t, k, 60*time.Second)
		s := e.soar(0)
		tests := []struct {
			name   string
			send   func() (soarsim.Invocation, error)
			reason string
		}{
			{"invalid json", func() (soarsim.Invocation, error) {
				return s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", nil, soarsim.WithRawBody([]byte(`{"function": {`)))
			}, "malformed"},
			{"unknown function", func() (soarsim.Invocation, error) {
				return s.InvokeFunction(ctx, "mock_function_one", map[string]any{"x": 1})
			}, `unknown function "mock_function_one"`},
			{"ip artifact", func() (soarsim.Invocation, error) {
				return s.SendArtifactAction(ctx, 5, soarsim.Artifact{ID: 9, Type: resilient.ArtifactIPAddress, Value: "10.0.0.1"})
			}, "not DNS Name"},
		}
		for _, tt := range tests {
			inv, err := tt.send()
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			final, err := s.Await(ctx, inv.CorrelationID)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if final.MessageType != resilient.MessageError || !strings.HasPrefix(final.Message, "irisflow: ") || !strings.Contains(final.Message, tt.reason) {
				t.Errorf("%s: error reply %+v, want type 1 mentioning %q", tt.name, final, tt.reason)
			}
		}
		dls := e.deadLetters()
		if len(dls) != len(tests) {
			t.Fatalf("%d dead letters, want %d", len(dls), len(tests))
		}
		for i, dl := range dls {
			if dl.Source != "STOMP" || !strings.Contains(dl.Reason, tests[i].reason) || len(dl.Data) == 0 {
				t.Errorf("dead letter %d: source %q reason %q", i, dl.Source, dl.Reason)
			}
			if tok := dl.Headers[resilient.HeaderContextToken]; tok != "<redacted>" {
				t.Errorf("dead letter keeps the context token: %q", tok)
			}
		}
		if n := len(e.invocations()); n != 0 {
			t.Errorf("%d invocations published for bad frames", n)
		}
		// The bridge keeps working after bad frames.
		ok, err := s.InvokeFunction(ctx, "domaintools_extract_risk_score", map[string]any{"dt_iris_data_in": "{}"})
		if err != nil {
			t.Fatal(err)
		}
		if inv := e.waitForInvocation(t, "the good frame in FN", ok.CorrelationID); inv.Kind != flow.KindRisk {
			t.Errorf("the good frame became a %q invocation, want %q", inv.Kind, flow.KindRisk)
		}
	})
}

// A frame redelivered after the stream's dedup window (the bridge "crashed"
// between record and ACK) is recognised by the frame record: not published
// again, and its final reply, which the broker receipted, not sent again.
func TestBridgeRedeliveryAfterDedupWindow(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e := setup(t, k)
		e.streams.DedupWindow = 100 * time.Millisecond
		cfg, logs := e.loggedConfig()
		cfg.ReconnectMin, cfg.ReconnectMax = 300*time.Millisecond, 600*time.Millisecond // > dedup window
		release := make(chan struct{})
		var once sync.Once
		e.runBridge(cfg, func(*flow.Invocation) bool {
			crash := false
			once.Do(func() { <-release; crash = true })
			return crash
		})
		ctx := testContext(t, 60*time.Second)
		s := e.soar(0)
		call, inv := e.invokeProfile(t, ctx)
		testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 1))
		awaitFinal(t, ctx, s, call.CorrelationID)
		recs, err := ensureFrameRecords(ctx, e.js, time.Hour, 1)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the final reply in the frame record", func() bool {
			rec, _, err := recs.get(ctx, inv.ID)
			return err == nil && rec != nil && rec.Final != nil
		})
		close(release) // the bridge now "crashes" before the ACK
		waitFor(t, "the redelivered frame recognised and ACKed", func() bool {
			return logs.Count("redelivered frame already handled") >= 1 && (e.broker == nil || e.broker.Unacked(e.dests[0].Queue()) == 0)
		})
		if invs := e.invocations(); len(invs) != 1 {
			t.Errorf("FN holds %d invocations after redelivery, want 1", len(invs))
		}
		if got := s.Replies(call.CorrelationID); len(got) != 1 || !got[0].Complete {
			t.Errorf("Resilient got %+v, want the one final reply", got)
		}
	})
}

// Cutting the bridge's broker connection while 200 frames flow: the bridge
// reconnects and FN ends with exactly the 200 invocations.
func TestBridgeReconnect(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, _ := running(t, k, 90*time.Second)
		s := e.soar(0)
		const n = 200
		sent := sendAll(n, func(i int) error {
			_, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": fmt.Sprintf("d%d.example", i)})
			return err
		})
		waitFor(t, "some invocations before the cut", func() bool { return len(e.invocations()) >= 30 })
		e.proxy.Sever()
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
		waitFor(t, "all invocations after reconnecting", func() bool { return len(distinct(e.invocations())) == n })
		if got := len(e.invocations()); got != n {
			t.Errorf("FN holds %d messages, want exactly %d", got, n)
		}
	})
}

// Stopping the bridge while frames flow loses and duplicates nothing: what
// the first bridge did not finish, a second one gets from the broker.
func TestBridgeGracefulShutdown(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e := setup(t, k)
		stop := e.runBridge(e.config(), nil)
		s := e.soar(0)
		const n = 150
		ctx := testContext(t, 90*time.Second)
		sent := sendAll(n, func(i int) error {
			_, err := s.InvokeFunction(ctx, "domaintools_execute_pivots", map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": fmt.Sprintf("10.0.0.%d", i)})
			return err
		})
		waitFor(t, "some invocations before shutdown", func() bool { return len(e.invocations()) >= 20 })
		if err := stop(); err != nil {
			t.Fatalf("bridge stopped with %v", err)
		}
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
		before := len(e.invocations())
		e.runBridge(e.config(), nil)
		waitFor(t, "every invocation after restart", func() bool { return len(distinct(e.invocations())) == n })
		if got := len(e.invocations()); got != n {
			t.Errorf("FN holds %d messages, want exactly %d (first bridge published %d)", got, n, before)
		}
	})
}

func distinct(invs []flow.Invocation) map[string]bool {
	m := map[string]bool{}
	for _, inv := range invs {
		m[inv.ID] = true
	}
	return m
}
