package bridge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// BenchmarkBridgeThroughput measures frames/s in (broker → FN, each
// published, recorded and ACKed) and replies/s out (REPLIES → broker, each
// with a receipt) with the embedded broker (or the ActiveMQ at
// $IRISFLOW_BENCH_STOMP_URL, e.g. stomp://127.0.0.1:61613) and an embedded
// NATS.
//
//	go test -run '^$' -bench BridgeThroughput -benchtime 5000x ./services/bridge/
func BenchmarkBridgeThroughput(b *testing.B) {
	b.Run("frames_in", func(b *testing.B) {
		js, tgt, stop := benchBridge(b)
		defer stop()
		prod, err := stomp.Dial("tcp", tgt.addr, stomp.ConnOpt.Login(tgt.login, tgt.passcode))
		if err != nil {
			b.Fatal(err)
		}
		defer prod.Disconnect()
		body := []byte(`{"function":{"id":11,"name":"domaintools_profile_domain_with_iris"},"inputs":{"dt_domain_name":"example.com"}}`)
		b.ResetTimer()
		start := time.Now()
		for i := range b.N {
			opts := []func(*frame.Frame) error{
				stomp.SendOpt.Header("reply-to", tgt.replyTo()),
				stomp.SendOpt.Header("correlation-id", fmt.Sprintf("invid:%d", i)),
				stomp.SendOpt.Header("Co3MessagePayload", "FunctionDataDTO"),
			}
			if err := prod.Send(tgt.dest.Queue(), "", body, opts...); err != nil {
				b.Fatal(err)
			}
		}
		waitCount(b, js, flow.StreamFN, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "frames/s")
	})
	// Replies: REPLIES is filled first, then the bridge starts; the
	// figure is the bridge's rate alone (SEND, RECEIPT, JetStream ack).
	// replies_out: one status reply per invocation; invocations_out: a
	// status then a final reply per invocation (the final checked against
	// and stored in the frame record), reported as invocations/s.
	for _, tc := range []struct {
		name  string
		final bool
	}{{"replies_out", false}, {"invocations_out", true}} {
		b.Run(tc.name, func(b *testing.B) {
			js, tgt, start, stop := benchBridgeStopped(b)
			defer stop()
			cons, err := stomp.Dial("tcp", tgt.addr, stomp.ConnOpt.Login(tgt.login, tgt.passcode))
			if err != nil {
				b.Fatal(err)
			}
			defer cons.Disconnect()
			sub, err := cons.Subscribe(tgt.replyTo(), stomp.AckAuto)
			if err != nil {
				b.Fatal(err)
			}
			perInv := 1
			if tc.final {
				perInv = 2
			}
			fillReplies(b, js, tgt, b.N, tc.final)
			b.ResetTimer()
			t0 := time.Now()
			start()
			for range b.N * perInv {
				select {
				case m := <-sub.C:
					if m.Err != nil {
						b.Fatal(m.Err)
					}
				case <-time.After(30 * time.Second):
					b.Fatal("replies stopped arriving")
				}
			}
			b.StopTimer()
			unit := "replies/s"
			if tc.final {
				unit = "invocations/s"
			}
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), unit)
		})
	}
}

// fillReplies publishes n invocations' replies to REPLIES (a status, and a
// final when final), asynchronously, and waits for every PubAck.
func fillReplies(b *testing.B, js jetstream.JetStream, tgt benchTarget, n int, final bool) {
	status := resilient.StatusReply("working")
	result := resilient.ResultReply(resilient.ResultPayload{Success: true, Content: map[string]any{"domain": "example.com"}})
	var futures []jetstream.PubAckFuture
	pub := func(r *flow.Reply) {
		r.ID = flow.ReplyID(r.InvocationID, r.Seq)
		data, err := flow.Encode(r)
		if err != nil {
			b.Fatal(err)
		}
		f, err := js.PublishAsync(flow.ReplySubject(r.Org, r.Destination), data, jetstream.WithMsgID(r.ID))
		if err != nil {
			b.Fatal(err)
		}
		futures = append(futures, f)
	}
	for i := range n {
		route := flow.Route{Org: tgt.dest.Org, Destination: tgt.dest.Name, ReplyTo: tgt.replyTo(), CorrelationID: fmt.Sprintf("invid:%d", i)}
		id := fmt.Sprintf("ID:bench-%d", i)
		pub(&flow.Reply{InvocationID: id, Seq: 0, Route: route, Message: status})
		if final {
			pub(&flow.Reply{InvocationID: id, Seq: 1, Final: true, Route: route, Message: result})
		}
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			b.Fatal(err)
		}
	}
}

// benchTarget is the broker a benchmark runs against.
type benchTarget struct {
	url, addr string
	dest      Destination
	login     string
	passcode  string
}

func (t benchTarget) replyTo() string { return resilient.AcksDestination(t.dest.Org, t.dest.Name) }

// benchBroker is the embedded broker, or the ActiveMQ at
// $IRISFLOW_BENCH_STOMP_URL on a destination of its own.
func benchBroker(b *testing.B) benchTarget {
	if u := os.Getenv("IRISFLOW_BENCH_STOMP_URL"); u != "" {
		addr, _, err := parseStompURL(u)
		if err != nil {
			b.Fatal(err)
		}
		return benchTarget{url: u, addr: addr, dest: Destination{Org: 201, Name: fmt.Sprintf("bench%d", time.Now().UnixNano())}}
	}
	brk, err := broker.Start("127.0.0.1:0", broker.WithUser(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { brk.Close() })
	return benchTarget{url: brk.URL(), addr: brk.Addr(), dest: Destination{Org: 201, Name: "domaintools"},
		login: resilientsim.DefaultAPIKeyID, passcode: resilientsim.DefaultAPIKeySecret}
}

func benchBridge(b *testing.B) (jetstream.JetStream, benchTarget, func()) {
	js, tgt, start, stop := benchBridgeStopped(b)
	start()
	return js, tgt, stop
}

// benchBridgeStopped prepares a bridge (streams and consumers ensured) that
// runs once start is called.
func benchBridgeStopped(b *testing.B) (js jetstream.JetStream, tgt benchTarget, start, stop func()) {
	tgt = benchBroker(b)
	n := testenv.StartNATS(b)
	_, js = n.Connect(b)
	cfg := Config{
		StompURL:     tgt.url,
		Login:        tgt.login,
		Passcode:     tgt.passcode,
		Destinations: []Destination{tgt.dest},
		NATS:         js,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if v, err := strconv.Atoi(os.Getenv("BENCH_REPLY_CONCURRENCY")); err == nil {
		cfg.ReplyConcurrency = v // to try other windows
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	bb, err := newBridge(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := flow.BridgeConsumer.Ensure(ctx, js); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	var started atomic.Bool
	start = func() { started.Store(true); go func() { done <- bb.run(ctx) }() }
	return js, tgt, start, func() {
		cancel()
		if started.Load() { // a benchmark that failed before start has no bridge to wait for
			<-done
		}
	}
}

func waitCount(b *testing.B, js jetstream.JetStream, stream string, n int) {
	ctx := context.Background()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		info, err := s.Info(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if int(info.State.Msgs) >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s holds %d of %d messages after 2m", stream, info.State.Msgs, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
