package bridge

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// Replies published while the broker is unreachable wait, in order, and
// reach Resilient under their correlation-id once the bridge reconnects.
func TestBridgeRepliesWaitForTheBroker(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, _ := running(t, k, 60*time.Second)
		s := e.soar(0)
		call, inv := e.invokeProfile(t, ctx)

		e.proxy.SetDown(true)
		waitFor(t, "the bridge to see the broker gone", func() bool { return e.bridge.links.current() == nil })
		msgs := [][]byte{
			resilient.StatusReply("step 1"),
			resilient.StatusReply("step 2"),
			resilient.ResultReply(resilient.ResultPayload{Success: true, Content: map[string]any{"domain": "int-chase.com"}}),
		}
		for i, m := range msgs {
			testenv.Publish(t, e.js, &flow.Reply{InvocationID: inv.ID, Seq: i, Final: i == len(msgs)-1, Route: inv.Route, Message: m})
		}
		if got := len(s.Replies(call.CorrelationID)); got != 0 {
			t.Fatalf("%d replies arrived while the broker was unreachable", got)
		}
		e.proxy.SetDown(false)
		awaitFinal(t, ctx, s, call.CorrelationID)
		got := s.Replies(call.CorrelationID)
		want := []string{"step 1", "step 2", "Completed"}
		if len(got) != len(want) {
			t.Fatalf("%d replies, want %d: %+v", len(got), len(want), got)
		}
		for i, a := range got {
			if a.Message != want[i] || a.Complete != (i == len(want)-1) {
				t.Errorf("reply %d: %q complete=%v, want %q in order", i, a.Message, a.Complete, want[i])
			}
		}
		waitFor(t, "REPLIES drained (acked after the receipts)", func() bool { return e.repliesLeft() == 0 })
	})
}

// A broker that refuses the subscription (an operator's permission
// mistake) gets one clear error line per attempt, and retries: once the
// permission is fixed, frames flow without a restart.
func TestBridgeBrokerRefusesSubscription(t *testing.T) {
	t.Parallel()
	e := setup(t, embeddedKind(t))
	queue := e.dests[0].Queue()
	e.broker.Deny(queue)
	cfg, logs := e.loggedConfig()
	e.runBridge(cfg, nil)
	waitFor(t, "two refusals logged", func() bool {
		return logs.Lines(`"level":"ERROR"`, "broker sent ERROR", "is not authorized to read from: queue://"+queue) >= 2
	})
	e.broker.Allow(queue)
	e.invokeProfile(t, testContext(t, 60*time.Second))
}

// A reply the broker refuses is tried a bounded number of times, then
// dead-lettered with the broker's reason, so that it cannot cut the
// frames of every destination for ever; the next replies go through.
func TestBridgeBrokerRefusesReply(t *testing.T) {
	t.Parallel()
	e, ctx, _ := running(t, embeddedKind(t), 60*time.Second)
	s := e.soar(0)
	call, inv := e.invokeProfile(t, ctx)

	// Resilient's subscription to reply-to stays; only new SENDs are refused.
	e.broker.Deny(s.ReplyTo())
	testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 1))
	dl := waitForOnly(t, "the refused reply dead-lettered", e.deadLetters, nil)
	if dl.Source != flow.StreamReplies || !strings.Contains(dl.Reason, fmt.Sprintf("try %d of %d", refusedLimit, refusedLimit)) ||
		!strings.Contains(dl.Reason, "is not authorized to write to: queue://"+strings.TrimPrefix(s.ReplyTo(), "/queue/")) {
		t.Errorf("dead letter: source %q delivered %d reason %q", dl.Source, dl.Delivered, dl.Reason)
	}
	if n := len(s.Replies(call.CorrelationID)); n != 0 {
		t.Errorf("%d replies reached Resilient", n)
	}

	// Fixed: the bridge reconnected on its own; frames and replies flow.
	e.broker.Allow(s.ReplyTo())
	next, err := s.InvokeFunction(ctx, "domaintools_extract_risk_score", map[string]any{"dt_iris_data_in": "{}"})
	if err != nil {
		t.Fatal(err)
	}
	var inv2 flow.Invocation
	waitFor(t, "the next frame in FN", func() bool {
		for _, i := range e.invocations() {
			if i.CorrelationID == next.CorrelationID {
				inv2 = i
				return true
			}
		}
		return false
	})
	testenv.Publish(t, e.js, finalReply(inv2.ID, inv2.Route, 1))
	awaitFinal(t, ctx, s, next.CorrelationID)
}

// A reply whose RECEIPT never comes (the embedded broker's HoldReceipts)
// is not acked in JetStream: after the receipt timeout the bridge closes the
// reply connection, reconnects, and sends the reply again; once receipts
// come back, the reply's SEND is receipted and only then acked.
//
// Delivery is at-least-once here: the broker enqueued every SEND whose
// receipt it withheld, so Resilient gets the reply once per SEND, already
// while the bridge still holds it unacked. The test counts them: one per
// receipt timeout the bridge logged, plus the receipted one.
func TestBridgeReplyReceiptTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	e, ctx, logs := running(t, embeddedKind(t), 60*time.Second, func(b *bridge) { b.receiptTimeout = timeout })
	s := e.soar(0)
	call, inv := e.invokeProfile(t, ctx)
	waitFor(t, "a reply connection", func() bool { return e.bridge.replyLinks.current() != nil })
	connected := logs.Count("reply connection up")
	// timeouts counts the reply connections closed for a missing RECEIPT.
	timeouts := func() int {
		return logs.Lines(`"msg":"reply connection lost; reconnecting"`, fmt.Sprintf("no RECEIPT within %s; connection closed to start afresh", timeout))
	}
	cons, err := e.js.Consumer(ctx, flow.StreamReplies, flow.ConsumerBridge)
	if err != nil {
		t.Fatal(err)
	}
	replyState := func() (ackPending, pending int, stored []flow.Reply) {
		t.Helper()
		ci, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ci.NumAckPending, int(ci.NumPending), testenv.ReadStream[flow.Reply](t, e.js, flow.StreamReplies, "")
	}

	e.broker.HoldReceipts(s.ReplyTo())
	testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 1))
	waitFor(t, "two receipt timeouts, each followed by a new reply connection", func() bool {
		return e.broker.WithheldReceipts(s.ReplyTo()) >= 2 && timeouts() >= 2 && logs.Count("reply connection up") >= connected+2
	})
	// Resilient has the reply (the held SENDs were enqueued) ...
	waitFor(t, "the held SENDs delivered to Resilient", func() bool { return len(s.Replies(call.CorrelationID)) >= 2 })
	// ... but the bridge never heard so: the reply stays in REPLIES, unacked.
	ackPending, pending, stored := replyState()
	if ackPending != 1 || pending != 0 {
		t.Errorf("while receipts are held: bridge-replies has %d ack pending, %d pending; want 1, 0", ackPending, pending)
	}
	if len(stored) != 1 || stored[0].InvocationID != inv.ID {
		t.Errorf("while receipts are held: REPLIES holds %+v, want the one reply", stored)
	}

	e.broker.ReleaseReceipts(s.ReplyTo())
	waitFor(t, "the reply acked in JetStream", func() bool {
		ackPending, pending, stored := replyState()
		return ackPending == 0 && pending == 0 && len(stored) == 0
	})
	// Acked after a receipted SEND: no SEND follows, and every timed-out
	// one is logged by now.
	held, timedOut := e.broker.WithheldReceipts(s.ReplyTo()), timeouts()
	if timedOut < held {
		t.Errorf("%d receipt timeouts logged for %d withheld receipts", timedOut, held)
	}
	want := timedOut + 1
	waitFor(t, fmt.Sprintf("%d deliveries to Resilient", want), func() bool { return len(s.Replies(call.CorrelationID)) >= want })
	got := s.Replies(call.CorrelationID)
	if len(got) != want {
		t.Errorf("Resilient got the reply %d times, want %d (%d timed-out SENDs and the receipted one)", len(got), want, timedOut)
	}
	for i, a := range got {
		if !a.Complete {
			t.Errorf("delivery %d under correlation-id %s: %+v, want the final reply", i, call.CorrelationID, a)
		}
	}
	t.Logf("%d receipts withheld, %d receipt timeouts, %d deliveries to Resilient", held, timedOut, len(got))
}

// Neither the API key secret nor a message's context token reaches the
// bridge's log, at any level, through good frames, bad frames and replies.
func TestBridgeLogsNoSecrets(t *testing.T) {
	t.Parallel()
	e := setup(t, embeddedKind(t))
	cfg, logs := e.loggedConfig()
	// The embedded broker authenticates: the bridge logs in with the
	// simulator's API key (e.config()), whose secret must not be logged.
	if cfg.Passcode != resilientsim.DefaultAPIKeySecret {
		t.Fatalf("the bridge does not log in with the simulator's key")
	}
	e.runBridge(cfg, nil)
	ctx := testContext(t, 60*time.Second)
	s := e.soar(0)
	good, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
	if err != nil {
		t.Fatal(err)
	}
	bad, err := s.InvokeFunction(ctx, "mock_function_one", map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	inv := e.waitForInvocation(t, "the good frame in FN", good.CorrelationID)
	testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 1))
	for _, cid := range []string{good.CorrelationID, bad.CorrelationID} {
		awaitFinal(t, ctx, s, cid)
	}
	// Resilient may have a reply a moment before the bridge its RECEIPT.
	waitFor(t, "both replies logged as sent", func() bool { return logs.Count("reply sent") >= 2 })
	out := logs.String()
	if inv.ContextToken == "" {
		t.Fatal("the invocation carries no context token to look for")
	}
	for name, secret := range map[string]string{"passcode": cfg.Passcode, "context token": inv.ContextToken} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
	if !strings.Contains(out, "frame rejected") || !strings.Contains(out, "reply sent") {
		t.Errorf("the log lacks the lines this test means to search:\n%s", out)
	}
}
