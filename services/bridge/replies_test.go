package bridge

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// replyRoute is the route of a made-up invocation i on the first
// destination (the SOAR simulator records replies under any correlation-id).
func (e *env) replyRoute(i int) flow.Route {
	d := e.dests[0]
	return flow.Route{Org: d.Org, Destination: d.Name, ReplyTo: e.soar(0).ReplyTo(), CorrelationID: fmt.Sprintf("invid:t%d", i)}
}

func stepReply(inv string, route flow.Route, seq int) *flow.Reply {
	return &flow.Reply{InvocationID: inv, Seq: seq, Route: route, Message: resilient.StatusReply(fmt.Sprintf("step %d", seq))}
}

func finalReply(inv string, route flow.Route, seq int) *flow.Reply {
	return &flow.Reply{InvocationID: inv, Seq: seq, Final: true, Route: route,
		Message: resilient.ResultReply(resilient.ResultPayload{Success: true, Content: map[string]any{"seq": seq}})}
}

// invokeWithFinal calls the profile function through the first
// destination's SOAR and publishes a final reply to the invocation it
// became, as a worker would.
func (e *env) invokeWithFinal(t *testing.T, ctx context.Context) (soarsim.Invocation, flow.Invocation, *flow.Reply) {
	t.Helper()
	call, inv := e.invokeProfile(t, ctx)
	final := finalReply(inv.ID, inv.Route, 1)
	testenv.Publish(t, e.js, final)
	return call, inv, final
}

// replySeqs maps the replies Resilient got to their seq: "step N" is N, the
// final is final.
func replySeqs(acks []resilient.Ack, final int) []int {
	out := make([]int, len(acks))
	for i, a := range acks {
		out[i] = -1
		if a.Complete {
			out[i] = final
		} else {
			_, _ = fmt.Sscanf(a.Message, "step %d", &out[i])
		}
	}
	return out
}

// checkOrder fails unless seqs holds 0..final, never going back: a reply
// re-sent after a cut may repeat (the one re-send case), never reorder.
func checkOrder(t *testing.T, cid string, seqs []int, final int) (dups int) {
	t.Helper()
	next := 0
	for i, s := range seqs {
		switch {
		case s == next:
			next++
		case i > 0 && s == seqs[i-1]:
			dups++
		default:
			t.Errorf("%s: replies arrived as %v, want 0..%d in order", cid, seqs, final)
			return dups
		}
	}
	if next != final+1 {
		t.Errorf("%s: replies %v, want 0..%d", cid, seqs, final)
	}
	return dups
}

func (e *env) repliesLeft() int {
	return len(testenv.ReadStream[flow.Reply](e.t, e.js, flow.StreamReplies, ""))
}

// Many invocations' replies flow at once and the broker connection is cut
// in the middle: every invocation gets its status replies and its final one,
// in order; nothing is lost; a reply repeats only where it was in flight
// when the link died.
func TestBridgeRepliesInOrderAcrossACut(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, logs := running(t, k, 90*time.Second)
		s := e.soar(0)
		const n, final = 200, 2
		received := func() int {
			total := 0
			for i := range n {
				total += len(s.Replies(e.replyRoute(i).CorrelationID))
			}
			return total
		}
		pub := flow.Publisher{JS: e.js}
		// Every invocation's step 0, then every step 1, then the finals.
		published := sendAll(n*(final+1), func(j int) error {
			seq, i := j/n, j%n
			r := stepReply(fmt.Sprintf("ID:t-%d", i), e.replyRoute(i), seq)
			if seq == final {
				r = finalReply(r.InvocationID, r.Route, seq)
			}
			return pub.Reply(ctx, r)
		})
		waitFor(t, "replies flowing", func() bool { return received() >= n/2 })
		e.proxy.Sever()
		atCut := received()
		if err := <-published; err != nil {
			t.Fatal(err)
		}
		for i := range n {
			awaitFinal(t, ctx, s, e.replyRoute(i).CorrelationID)
		}
		waitFor(t, "REPLIES drained", func() bool { return e.repliesLeft() == 0 })
		if atCut >= n*(final+1) {
			t.Fatalf("every reply had arrived before the cut (%d)", atCut)
		}
		if logs.Count("reply connection lost; reconnecting") < 1 {
			t.Error("the cut did not reach the reply connection")
		}
		dups := 0
		for i := range n {
			cid := e.replyRoute(i).CorrelationID
			dups += checkOrder(t, cid, replySeqs(s.Replies(cid), final), final)
		}
		t.Logf("%d replies had arrived at the cut; %d re-sent replies repeated", atCut, dups)
	})
}

// Replies do not wait for each other's RECEIPTs: with the broker holding
// every RECEIPT, 60 invocations' SENDs are outstanding at once. The
// connection is then cut with all of them unreceipted: each is sent again
// on the next connection, and every invocation's final reply follows its
// status reply. None is lost.
func TestBridgeRepliesInFlightSurviveACut(t *testing.T) {
	t.Parallel()
	e, ctx, _ := running(t, embeddedKind(t), 60*time.Second, func(b *bridge) { b.receiptTimeout = time.Hour })
	s := e.soar(0)
	waitFor(t, "a reply connection", func() bool { return e.bridge.replyLinks.current() != nil })
	const n = 60
	e.broker.HoldReceipts(s.ReplyTo())
	pub := flow.Publisher{JS: e.js}
	for seq := range 2 {
		for i := range n {
			r := stepReply(fmt.Sprintf("ID:f-%d", i), e.replyRoute(i), 0)
			if seq == 1 {
				r = finalReply(r.InvocationID, r.Route, 1)
			}
			if err := pub.Reply(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor(t, fmt.Sprintf("%d SENDs outstanding at once", n), func() bool { return e.broker.WithheldReceipts(s.ReplyTo()) == n })
	for i := range n { // each invocation's final waits for its status's RECEIPT
		if got := s.Replies(e.replyRoute(i).CorrelationID); len(got) != 1 || got[0].Complete {
			t.Fatalf("invocation %d before the cut: %+v, want its status reply only", i, got)
		}
	}
	e.broker.ReleaseReceipts(s.ReplyTo())
	e.proxy.Sever()
	for i := range n {
		awaitFinal(t, ctx, s, e.replyRoute(i).CorrelationID)
	}
	waitFor(t, "REPLIES drained", func() bool { return e.repliesLeft() == 0 })
	for i := range n {
		cid := e.replyRoute(i).CorrelationID
		got := replySeqs(s.Replies(cid), 1)
		// The held SEND was enqueued, and sent again after the cut.
		if fmt.Sprint(got) != "[0 0 1]" {
			t.Errorf("%s: replies %v, want the status (held, then re-sent) and then the final", cid, got)
		}
	}
}

// A nats-server restart forgets the ids of REPLIES' consumed messages, so
// a final reply published again (a handler that ran twice) is taken as new.
// The frame record still knows it was sent: Resilient gets one final reply.
func TestBridgeOneFinalAfterNATSRestart(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, logs := running(t, k, 90*time.Second)
		s := e.soar(0)
		call, inv := e.invokeProfile(t, ctx)
		final := finalReply(inv.ID, inv.Route, 1)
		final.ID = flow.ReplyID(final.InvocationID, final.Seq)
		data, err := flow.Encode(final)
		if err != nil {
			t.Fatal(err)
		}
		subject := flow.ReplySubject(final.Org, final.Destination)
		if _, err := e.js.Publish(ctx, subject, data, jetstream.WithMsgID(final.ID)); err != nil {
			t.Fatal(err)
		}
		awaitFinal(t, ctx, s, call.CorrelationID)
		waitFor(t, "the final acked in REPLIES", func() bool { return e.repliesLeft() == 0 })

		e.nats.Restart(t)
		var ack *jetstream.PubAck
		waitFor(t, "the same final published again after the restart", func() bool {
			ack, err = e.js.Publish(ctx, subject, data, jetstream.WithMsgID(final.ID))
			return err == nil
		})
		if ack.Duplicate {
			t.Fatal("nats-server still dropped the copy as a duplicate: the case under test did not happen")
		}
		waitFor(t, "the copy recognised by the frame record and acked", func() bool {
			return logs.Count("final reply already sent; not sending it again") == 1 && e.repliesLeft() == 0
		})
		if got := s.Replies(call.CorrelationID); len(got) != 1 {
			t.Errorf("Resilient got %d replies, want the one final: %+v", len(got), got)
		}
	})
}

// A second, different final for an invocation that has its final reply (a
// write failing after the playbook's final ack) is dead-lettered and never
// sent; the frame record keeps the first.
func TestBridgeLaterFinalNotSent(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, _ := running(t, k, 60*time.Second)
		s := e.soar(0)
		call, inv, first := e.invokeWithFinal(t, ctx)
		awaitFinal(t, ctx, s, call.CorrelationID)
		later := &flow.Reply{InvocationID: inv.ID, Seq: 2, Final: true, Route: inv.Route, Message: resilient.ErrorReply("irisflow: write failed")}
		testenv.Publish(t, e.js, later)
		dl := waitForOnly(t, "the later final dead-lettered", e.deadLetters, nil)
		if dl.Source != flow.StreamReplies || !strings.Contains(dl.Reason, ErrLaterFinal.Error()) ||
			!strings.Contains(dl.Reason, first.ID) || !strings.Contains(dl.Reason, later.ID) {
			t.Errorf("dead letter: source %q reason %q", dl.Source, dl.Reason)
		}
		waitFor(t, "REPLIES drained", func() bool { return e.repliesLeft() == 0 })
		if got := s.Replies(call.CorrelationID); len(got) != 1 || got[0].MessageType == resilient.MessageError {
			t.Errorf("Resilient got %+v, want the first final only", got)
		}
		rec, _, err := e.bridge.records.get(ctx, inv.ID)
		if err != nil || rec == nil || rec.Final == nil || rec.Final.ID != first.ID {
			t.Errorf("frame record %+v (%v), want the first final kept", rec, err)
		}
	})
}

// A half-open link (both ends connected, no byte getting through) is found
// dead by its missing heart-beats — seconds, not a read timeout of 30 s nor
// the RECEIPT timeout — and the reply sent into it goes out on a new
// connection: Resilient gets it once (the first SEND never arrived).
func TestBridgeHalfOpenReplyLink(t *testing.T) {
	// The broker beats at the interval the bridge asks for (ActiveMQ's rule,
	// which the embedded broker follows).
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e := setup(t, k)
		cfg, logs := e.loggedConfig()
		cfg.HeartBeat = 300 * time.Millisecond
		e.runBridge(cfg, nil) // the receipt timeout stays at its 10s
		ctx := testContext(t, 60*time.Second)
		s := e.soar(0)
		call, inv := e.invokeProfile(t, ctx)
		waitFor(t, "a reply connection", func() bool { return e.bridge.replyLinks.current() != nil })
		before := e.bridge.replyLinks.current()
		if before.readTimeout <= 0 || before.readTimeout > 2*time.Second {
			t.Fatalf("reply connection dead after %s of silence, want heart-beats of a second or less", before.readTimeout)
		}
		e.proxy.Blackhole()
		start := time.Now()
		testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 1))
		awaitFinal(t, ctx, s, call.CorrelationID)
		took := time.Since(start)
		waitFor(t, "REPLIES drained", func() bool { return e.repliesLeft() == 0 })
		// Noticed by the bridge missing the broker's beats, or by the
		// broker missing ours: the embedded broker drops a client after
		// 2 of its intervals, before the bridge's 2 of the broker's + ½.
		if n := logs.Lines(`"msg":"reply connection lost; reconnecting`, "no frame or heart-beat from the broker") +
			logs.Lines(`"msg":"reply connection lost; reconnecting`, `"err":"EOF"`); n < 1 {
			t.Error("the dead link was not noticed by heart-beats")
		}
		if n := logs.Lines(`"msg":"`, "no RECEIPT within"); n != 0 {
			t.Errorf("the receipt timeout fired %d times: the heart-beats should have found the link dead first", n)
		}
		if got := s.Replies(call.CorrelationID); len(got) != 1 {
			t.Errorf("Resilient got %d replies, want 1: %+v", len(got), got)
		}
		t.Logf("reply delivered %s after the link went half-open (dead after %s)", took.Round(time.Millisecond), before.readTimeout)
	})
}
