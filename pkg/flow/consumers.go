package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Consumer describes one durable pull consumer of a service.
type Consumer struct {
	Stream string
	Config jetstream.ConsumerConfig
}

// Durable consumer names.
const (
	ConsumerEnricher = "enricher"
	ConsumerPivoter  = "pivoter"
	ConsumerWriter   = "writer"
	ConsumerBridge   = "bridge-replies"
)

// The consumer settings, chosen on purpose:
//   - AckWait is the time a handler may work before the message is redelivered;
//     the consume loop sends InProgress well inside it, so long work is safe.
//   - MaxDeliver bounds redelivery of a message that keeps failing; the last
//     failure dead-letters it (and sends an error reply).
//   - No BackOff list: nats-server makes BackOff[0] the AckWait and uses the
//     list as the ack deadline of each delivery, whatever InProgress says,
//     so a handler working longer than BackOff[0] (an Iris call, a REST
//     write) was redelivered while it still ran, and a Nak's delay was not
//     honoured. Failures are spaced by the handler's own NakWithDelay
//     (Backoff, RetryAfter); a crashed replica's messages come back after
//     AckWait.
//   - MaxAckPending bounds the work in flight per consumer across replicas: high
//     for the enricher, whose batcher needs many messages at once to fill an
//     Iris call; for the bridge, the replies it has in flight (it keeps each
//     invocation's in order itself).
var (
	EnricherConsumer = Consumer{Stream: StreamFN, Config: jetstream.ConsumerConfig{
		Durable:        ConsumerEnricher,
		Description:    "profile, format, risk, tags and automatic playbook work",
		FilterSubjects: []string{"fn.*.profile", "fn.*.format", "fn.*.risk", "fn.*.tags", "fn.*.auto"},
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        30 * time.Second,
		MaxDeliver:     8,
		MaxAckPending:  1000,
	}}
	PivoterConsumer = Consumer{Stream: StreamFN, Config: jetstream.ConsumerConfig{
		Durable:        ConsumerPivoter,
		Description:    "pivot discovery, execution and auto-pivot work",
		FilterSubjects: []string{"fn.*.pivots.>"},
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        60 * time.Second,
		MaxDeliver:     8,
		MaxAckPending:  100,
	}}
	WriterConsumer = Consumer{Stream: StreamWrites, Config: jetstream.ConsumerConfig{
		Durable:       ConsumerWriter,
		Description:   "notes, rows and artifacts for Resilient REST",
		FilterSubject: "write.>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		MaxDeliver:    20,
		MaxAckPending: 200,
	}}
	BridgeConsumer = Consumer{Stream: StreamReplies, Config: jetstream.ConsumerConfig{
		Durable:       ConsumerBridge,
		Description:   "replies to send to Resilient over STOMP",
		FilterSubject: "reply.>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		MaxDeliver:    -1,   // a reply waits out broker outages; the bridge dead-letters one the broker refuses
		MaxAckPending: 1024, // the bridge pipelines replies (256 in flight per bridge, ordered per invocation)
	}}
)

// Ensure creates or updates the durable consumer and returns it.
func (c Consumer) Ensure(ctx context.Context, js jetstream.JetStream) (jetstream.Consumer, error) {
	cons, err := js.CreateOrUpdateConsumer(ctx, c.Stream, c.Config)
	if err != nil {
		return nil, fmt.Errorf("ensure consumer %s on %s: %w", c.Config.Durable, c.Stream, err)
	}
	return cons, nil
}
