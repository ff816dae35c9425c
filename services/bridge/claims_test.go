package bridge

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// secondBridge is a bridge of its own (its own id and reply connection) on
// the same NATS and broker as e.bridge, that does not consume REPLIES: the
// test hands it copies of replies (copyOf), as REPLIES would deliver them
// to a second bridge process after a nats-server crash.
func (e *env) secondBridge(cfg Config, tune ...func(*bridge)) *bridge {
	e.t.Helper()
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	b, err := newBridge(ctx, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range tune {
		f(b)
	}
	done := make(chan struct{})
	go func() { defer close(done); b.replyConnLoop(ctx) }()
	e.t.Cleanup(func() { cancel(); <-done })
	return b
}

// copyOf returns r as a JetStream message of a scratch stream: the same
// bytes a bridge consuming REPLIES gets.
func (e *env) copyOf(ctx context.Context, r *flow.Reply) jetstream.Msg {
	e.t.Helper()
	if _, err := e.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: "SCRATCH", Subjects: []string{"scratch.>"}}); err != nil {
		e.t.Fatal(err)
	}
	data, err := flow.Encode(r)
	if err != nil {
		e.t.Fatal(err)
	}
	ack, err := e.js.Publish(ctx, "scratch.reply", data)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.js.OrderedConsumer(ctx, "SCRATCH", jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: ack.Sequence})
	if err != nil {
		e.t.Fatal(err)
	}
	msg, err := c.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	return msg
}

// Two handlings of the same final reply at once, by two bridges or by one
// (REPLIES delivered it again while the first was sending it: a
// nats-server crash loses the consumer's last moments; make chaos,
// docs/reliability.md finding 4). The first claims the frame record before
// its SEND; the claim names the handling, not only the process, so the
// second finds it, waits, and once the first stored the final acks its
// copy without a SEND: SOAR gets one final.
func TestBridgeTwoHandlingsOneFinal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		second func(e *env, cfg Config) *bridge
	}{
		{"two bridges", func(e *env, cfg Config) *bridge { return e.secondBridge(cfg) }},
		{"one bridge", func(e *env, _ Config) *bridge { return e.bridge }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, brokerKinds[0])
			cfg, logs := e.loggedConfig()
			held, release := make(chan struct{}), make(chan struct{})
			var first atomic.Bool
			e.runBridge(cfg, nil, func(b *bridge) {
				b.beforeSend = func(r *flow.Reply) bool {
					if r.Final && first.CompareAndSwap(false, true) {
						close(held)
						<-release
					}
					return false
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s := e.soar(0)
			call, inv, final := e.invokeWithFinal(t, ctx)
			<-held // the first handling holds the claim, before its SEND

			second := tc.second(e, cfg)
			copyMsg := e.copyOf(ctx, final)
			err := second.sendReply(ctx, copyMsg)
			var retry *flow.RetryAfter
			if !errors.As(err, &retry) {
				t.Fatalf("second handling: %v, want a retry while the first holds the claim", err)
			}
			if retry.Delay <= 0 || retry.Delay > claimLease {
				t.Errorf("retry delay %s, want the claim's remainder (at most %s)", retry.Delay, claimLease)
			}
			if got := s.Replies(call.CorrelationID); len(got) != 0 {
				t.Fatalf("SOAR got %d replies while the first handling had not sent yet: %+v", len(got), got)
			}

			close(release)
			if _, err := s.Await(ctx, call.CorrelationID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the first handling's final stored", func() bool {
				rec, _, err := e.bridge.records.get(ctx, inv.ID)
				return err == nil && rec != nil && rec.Final != nil && rec.Claim == nil
			})
			if err := second.sendReply(ctx, copyMsg); err != nil {
				t.Fatalf("second handling after the first sent: %v, want its copy acked", err)
			}
			if n := logs.Count("final reply already sent; not sending it again"); n != 1 {
				t.Errorf("%d lines 'already sent', want 1", n)
			}
			if got := s.Replies(call.CorrelationID); len(got) != 1 {
				t.Errorf("SOAR got %d replies, want the one final: %+v", len(got), got)
			}
		})
	}
}

// A bridge dies after claiming a final and before its SEND: the claim
// lapses after its lease and the other bridge sends the reply. Nothing is
// lost, and SOAR gets it once.
func TestBridgeClaimOfADeadBridgeLapses(t *testing.T) {
	t.Parallel()
	e := setup(t, brokerKinds[0])
	cfg, logs := e.loggedConfig()
	const lease = 1500 * time.Millisecond
	died := make(chan struct{})
	e.runBridge(cfg, nil, func(b *bridge) {
		b.claimLease = lease
		b.beforeSend = func(r *flow.Reply) bool {
			if r.Final {
				close(died)
			}
			return r.Final
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := e.soar(0)
	call, inv, final := e.invokeWithFinal(t, ctx)
	<-died

	second := e.secondBridge(cfg, func(b *bridge) { b.claimLease = lease })
	copyMsg := e.copyOf(ctx, final)
	var retry *flow.RetryAfter
	if err := second.sendReply(ctx, copyMsg); !errors.As(err, &retry) {
		t.Fatalf("second bridge: %v, want a retry while the dead bridge's claim holds", err)
	}
	waitFor(t, "the second bridge sends once the claim lapsed", func() bool {
		return second.sendReply(ctx, copyMsg) == nil
	})
	if _, err := s.Await(ctx, call.CorrelationID); err != nil {
		t.Fatal(err)
	}
	if got := s.Replies(call.CorrelationID); len(got) != 1 {
		t.Errorf("SOAR got %d replies, want the one final: %+v", len(got), got)
	}
	if n := logs.Count(takeOverLine); n != 1 {
		t.Errorf("%d warnings %q, want 1: the dead bridge may have sent it", n, takeOverLine)
	}
	rec, _, err := second.records.get(ctx, inv.ID)
	if err != nil || rec == nil || rec.Final == nil || rec.Final.ID != final.ID || rec.Claim != nil {
		t.Errorf("frame record %+v (%v), want the final stored and the claim cleared", rec, err)
	}
}

// A status reply that comes after its invocation's final was sent (its ack
// lost in a nats-server crash, it is delivered again later) is acked
// without a SEND: SOAR never sees a status after the final.
func TestBridgeStatusAfterFinalNotSent(t *testing.T) {
	t.Parallel()
	e, ctx, logs := running(t, brokerKinds[0], 60*time.Second)
	s := e.soar(0)
	call, inv, _ := e.invokeWithFinal(t, ctx)
	if _, err := s.Await(ctx, call.CorrelationID); err != nil {
		t.Fatal(err)
	}
	if err := (flow.Publisher{JS: e.js}).Reply(ctx, stepReply(inv.ID, inv.Route, 0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the late status acked", func() bool {
		return logs.Count("status reply after its invocation's final reply; not sent") == 1 && e.repliesLeft() == 0
	})
	if got := s.Replies(call.CorrelationID); len(got) != 1 || !got[0].Complete {
		t.Errorf("SOAR got %+v, want the final only", got)
	}
}
