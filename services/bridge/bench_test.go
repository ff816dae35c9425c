package bridge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
)

// BenchmarkBridgeThroughput measures frames/s in (broker → FN, each
// published, recorded and ACKed) and replies/s out (REPLIES → broker, each
// with a receipt) with the embedded broker and an embedded NATS.
//
//	go test -run '^$' -bench BridgeThroughput -benchtime 5000x ./services/bridge/
func BenchmarkBridgeThroughput(b *testing.B) {
	b.Run("frames_in", func(b *testing.B) {
		js, brk, stop := benchBridge(b)
		defer stop()
		prod, err := stomp.Dial("tcp", brk.Addr())
		if err != nil {
			b.Fatal(err)
		}
		defer prod.Disconnect()
		body := []byte(`{"function":{"id":11,"name":"domaintools_profile_domain_with_iris"},"inputs":{"dt_domain_name":"example.com"}}`)
		b.ResetTimer()
		start := time.Now()
		for i := range b.N {
			opts := []func(*frame.Frame) error{
				stomp.SendOpt.Header("reply-to", "/queue/acks.201.domaintools"),
				stomp.SendOpt.Header("correlation-id", fmt.Sprintf("invid:%d", i)),
				stomp.SendOpt.Header("Co3MessagePayload", "FunctionDataDTO"),
			}
			if err := prod.Send("actions.201.domaintools", "", body, opts...); err != nil {
				b.Fatal(err)
			}
		}
		waitCount(b, js, flow.StreamFN, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "frames/s")
	})
	b.Run("replies_out", func(b *testing.B) {
		js, brk, stop := benchBridge(b)
		defer stop()
		cons, err := stomp.Dial("tcp", brk.Addr())
		if err != nil {
			b.Fatal(err)
		}
		defer cons.Disconnect()
		sub, err := cons.Subscribe("/queue/acks.201.domaintools", stomp.AckAuto)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		pub := flow.Publisher{JS: js}
		msg := resilient.StatusReply("working")
		b.ResetTimer()
		start := time.Now()
		go func() {
			for i := range b.N {
				r := &flow.Reply{InvocationID: fmt.Sprintf("ID:bench-%d", i), Route: flow.Route{Org: 201, Destination: "domaintools", ReplyTo: "/queue/acks.201.domaintools", CorrelationID: fmt.Sprintf("invid:%d", i)}, Message: msg}
				if err := pub.Reply(ctx, r); err != nil {
					panic(err)
				}
			}
		}()
		for range b.N {
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
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "replies/s")
	})
}

func benchBridge(b *testing.B) (jetstream.JetStream, *broker.Broker, func()) {
	brk, err := broker.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	n := testenv.StartNATS(b)
	_, js := n.Connect(b)
	cfg := Config{
		StompURL:     brk.URL(),
		Destinations: []Destination{{Org: 201, Name: "domaintools"}},
		NATS:         js,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	bb, err := newBridge(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- bb.run(ctx) }()
	return js, brk, func() { cancel(); <-done; brk.Close() }
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
