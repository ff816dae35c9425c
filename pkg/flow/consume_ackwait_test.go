package flow_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// The server enforces exactly the AckWait each consumer is declared with:
// no BackOff list, which nats-server would turn into a 1 s ack deadline per
// delivery whatever InProgress says. A consumer an earlier irisflow created
// with the list is updated in place.
func TestConsumersKeepTheirAckWait(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	old := flow.WriterConsumer
	old.Config.BackOff = []time.Duration{time.Second, 5 * time.Second}
	if _, err := old.Ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	for _, c := range []flow.Consumer{flow.EnricherConsumer, flow.PivoterConsumer, flow.WriterConsumer, flow.BridgeConsumer} {
		cons, err := c.Ensure(ctx, js)
		if err != nil {
			t.Fatal(err)
		}
		got := cons.CachedInfo().Config
		if got.AckWait != c.Config.AckWait || len(got.BackOff) != 0 {
			t.Errorf("%s: server AckWait %v BackOff %v, want AckWait %v and no BackOff", c.Config.Durable, got.AckWait, got.BackOff, c.Config.AckWait)
		}
	}
}

// A handler that works longer than the old 1 s ack deadline keeps its
// message, with the consumer as declared; and one that works for several
// ack windows of a short AckWait keeps it through InProgress, paced by the
// server's AckWait. Each message is delivered once.
func TestConsumeKeepsSlowHandlersMessage(t *testing.T) {
	t.Parallel()
	short := flow.EnricherConsumer
	short.Config.AckWait = 600 * time.Millisecond
	for _, tt := range []struct {
		name string
		c    flow.Consumer
		work time.Duration
	}{
		{"enricher as declared", flow.EnricherConsumer, 2500 * time.Millisecond},
		{"600ms ack wait", short, 4 * short.Config.AckWait},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, js := setup(t)
			c := tt.c
			inv := &flow.Invocation{ID: "slow", Kind: flow.KindProfile, Route: flow.Route{Org: 201, Destination: "domaintools"}, Body: json.RawMessage(`{}`)}
			if err := (flow.Publisher{JS: js}).Invocation(ctx, inv); err != nil {
				t.Fatal(err)
			}
			var calls, maxDelivered atomic.Int64
			h := func(ctx context.Context, msg jetstream.Msg) error {
				calls.Add(1)
				if md, err := msg.Metadata(); err == nil {
					maxDelivered.Store(max(maxDelivered.Load(), int64(md.NumDelivered)))
				}
				// Slow work (an Iris call, a REST write under a rate limit).
				select {
				case <-time.After(tt.work):
				case <-ctx.Done():
				}
				return nil
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- flow.Consume(runCtx, js, c, h, flow.ConsumeOptions{Service: "test", Concurrency: 4}) }()
			eventually(t, "the message acked", func() bool {
				cons, err := js.Consumer(ctx, c.Stream, c.Config.Durable)
				if err != nil {
					return false
				}
				info, err := cons.Info(ctx)
				return err == nil && info.AckFloor.Stream >= 1 && info.NumAckPending == 0
			})
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 1 || maxDelivered.Load() != 1 {
				t.Errorf("handler called %d times, delivery count up to %d; want the message delivered once", calls.Load(), maxDelivered.Load())
			}
		})
	}
}
