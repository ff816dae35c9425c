package flow_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// A dead letter over NATS's max payload (a 900 KiB envelope and a 900 KiB
// reason) is written truncated with its marker, the message is termed, and
// the dead-letter hook (the error reply) still runs, with a bounded reason.
func TestDeadLetterTooLargeIsTruncated(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	pub := flow.Publisher{JS: js}
	big := strings.Repeat("a", 900<<10)
	body, _ := json.Marshal(map[string]string{"value": big})
	inv := &flow.Invocation{ID: "huge", Kind: flow.KindProfile, Route: flow.Route{Org: 201, Destination: "domaintools"}, Body: body}
	if err := pub.Invocation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	h := func(context.Context, jetstream.Msg) error {
		calls.Add(1)
		return flow.Permanentf("%s is not a domain name", big)
	}
	var hooked atomic.Value
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- flow.Consume(runCtx, js, flow.EnricherConsumer, h, flow.ConsumeOptions{Service: "test",
			OnDeadLetter: func(_ context.Context, _ jetstream.Msg, reason string) { hooked.Store(reason) }})
	}()
	eventually(t, "the dead-letter hook", func() bool { return hooked.Load() != nil })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r := hooked.Load().(string); len(r) > 9<<10 || !strings.HasSuffix(r, "(truncated)") {
		t.Errorf("hook reason of %d bytes, want a bounded prefix with the marker", len(r))
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handled %d times, want 1 (termed, not retried)", n)
	}
	dlq, err := js.Stream(ctx, flow.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := dlq.GetLastMsgForSubject(ctx, flow.DLQSubject(flow.StreamFN))
	if err != nil {
		t.Fatalf("no dead letter recorded: %v", err)
	}
	var dl flow.DeadLetter
	if err := json.Unmarshal(raw.Data, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.ID != "huge" || dl.TruncatedFrom <= len(dl.Data) || len(dl.Data) == 0 || !strings.HasSuffix(dl.Reason, "(truncated)") {
		t.Errorf("dead letter id %q, data %d bytes of %d, reason %d bytes; want it truncated with the marker", dl.ID, len(dl.Data), dl.TruncatedFrom, len(dl.Reason))
	}
}
