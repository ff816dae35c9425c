package flow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func setup(t *testing.T) (context.Context, jetstream.JetStream) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	_, js := testenv.StartNATS(t).Connect(t)
	o := flow.StreamOptions{}
	if err := flow.EnsureStreams(ctx, js, o); err != nil {
		t.Fatal(err)
	}
	if err := flow.EnsureStreams(ctx, js, o); err != nil { // idempotent
		t.Fatalf("second EnsureStreams: %v", err)
	}
	return ctx, js
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConsumeAckNakTerm(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	pub := flow.Publisher{JS: js}
	for _, id := range []string{"ok", "bad", "flaky", "ok"} { // the second "ok" is a duplicate publish
		inv := &flow.Invocation{ID: id, Kind: flow.KindProfile, Route: flow.Route{Org: 201, Destination: "domaintools"}, Body: json.RawMessage(`{}`),
			ContextToken: "eyJ.secret.token"}
		if err := pub.Invocation(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	calls := map[string]int{}
	var hooked atomic.Value
	h := func(ctx context.Context, msg jetstream.Msg) error {
		inv, err := flow.Decode[flow.Invocation](msg.Data())
		if err != nil {
			return flow.Permanent(err)
		}
		mu.Lock()
		calls[inv.ID]++
		n := calls[inv.ID]
		mu.Unlock()
		switch {
		case inv.ID == "bad":
			return flow.Permanentf("not a domain: %q", "1.2.3.4")
		case inv.ID == "flaky" && n == 1:
			return &flow.RetryAfter{Err: errors.New("iris 503"), Delay: 50 * time.Millisecond}
		}
		return nil
	}
	c := flow.EnricherConsumer
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- flow.Consume(runCtx, js, c, h, flow.ConsumeOptions{Service: "test", Concurrency: 4,
			OnDeadLetter: func(_ context.Context, _ jetstream.Msg, reason string) { hooked.Store(reason) }})
	}()

	get := func(id string) int { mu.Lock(); defer mu.Unlock(); return calls[id] }
	eventually(t, "flaky to be retried", func() bool { return get("flaky") == 2 })
	eventually(t, "dead-letter hook", func() bool { return hooked.Load() != nil })
	if got := get("ok"); got != 1 {
		t.Fatalf("duplicate publish must be dropped by the stream: handled %d times", got)
	}
	if got := get("bad"); got != 1 {
		t.Fatalf("a permanent failure must not be redelivered: handled %d times", got)
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
	if dl.ID != "bad" || dl.Service != "test" || dl.Reason != `not a domain: "1.2.3.4"` || len(dl.Data) == 0 {
		t.Fatalf("dead letter = %+v", dl)
	}
	if bytes.Contains(dl.Data, []byte("secret")) || !bytes.Contains(dl.Data, []byte(`"id":"bad"`)) {
		t.Fatalf("the dead letter must keep the envelope without the context token: %s", dl.Data)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConsumeShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	pub := flow.Publisher{JS: js}
	inv := &flow.Invocation{ID: "slow", Kind: flow.KindRisk, Route: flow.Route{Org: 201, Destination: "domaintools"}, Body: json.RawMessage(`{}`)}
	if err := pub.Invocation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Bool
	h := func(ctx context.Context, msg jetstream.Msg) error {
		close(started)
		<-release
		finished.Store(ctx.Err() == nil) // still within the grace period
		return nil
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- flow.Consume(runCtx, js, flow.EnricherConsumer, h, flow.ConsumeOptions{Service: "test", Grace: 30 * time.Second})
	}()
	<-started
	stop() // SIGTERM while the message is in flight
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("in-flight handler was cancelled instead of finishing within the grace period")
	}
	info, err := js.Consumer(ctx, flow.StreamFN, flow.ConsumerEnricher)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := info.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ci.NumAckPending != 0 || ci.NumPending != 0 {
		t.Fatalf("message not acked on shutdown: pending=%d ackPending=%d", ci.NumPending, ci.NumAckPending)
	}
}

// EnsureStreams updates a stream whose settings changed (a new release or
// another replica's options) and leaves a matching one alone.
func TestEnsureStreamsUpdatesChangedSettings(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{DLQMaxAge: time.Hour}); err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(ctx, flow.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.MaxAge; got != time.Hour {
		t.Fatalf("DLQ max age %v, want 1h", got)
	}
	fn, err := js.Stream(ctx, flow.StreamFN)
	if err != nil {
		t.Fatal(err)
	}
	if created := fn.CachedInfo().Created; created.IsZero() {
		t.Fatal("FN stream missing")
	}
}

// A consumer deleted under a running Consume (an operator, a stream
// re-created) ends the loop with ErrConsumeStopped instead of a clean nil:
// the process must not stay up, ready, and consume nothing.
func TestConsumeReturnsErrorWhenConsumerDeleted(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	pub := flow.Publisher{JS: js}
	var handled atomic.Int32
	h := func(context.Context, jetstream.Msg) error { handled.Add(1); return nil }
	done := make(chan error, 1)
	go func() {
		done <- flow.Consume(ctx, js, flow.EnricherConsumer, h, flow.ConsumeOptions{Service: "test"})
	}()
	inv := &flow.Invocation{ID: "first", Kind: flow.KindProfile, Route: flow.Route{Org: 201, Destination: "domaintools"}, Body: json.RawMessage(`{}`)}
	if err := pub.Invocation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first message handled", func() bool { return handled.Load() == 1 })
	if err := js.DeleteConsumer(ctx, flow.StreamFN, flow.ConsumerEnricher); err != nil {
		t.Fatal(err)
	}
	testenv.Returns(t, done, flow.ErrConsumeStopped, "Consume, its consumer deleted,")
	if ctx.Err() != nil {
		t.Fatal("the context ended: the test proves nothing")
	}
}
