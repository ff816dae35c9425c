package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// Publish publishes each message as a service would, with flow.Publisher:
// an *flow.Invocation, *flow.Reply, *flow.WriteCommand or *flow.DeadLetter.
// It fails the test on an error, or on a message of another type.
func Publish(t testing.TB, js jetstream.JetStream, msgs ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pub := flow.Publisher{JS: js}
	for _, m := range msgs {
		var err error
		switch m := m.(type) {
		case *flow.Invocation:
			err = pub.Invocation(ctx, m)
		case *flow.Reply:
			err = pub.Reply(ctx, m)
		case *flow.WriteCommand:
			err = pub.Write(ctx, m)
		case *flow.DeadLetter:
			err = pub.DeadLetter(ctx, m)
		default:
			t.Fatalf("testenv: publish %T: not a flow message", m)
		}
		if err != nil {
			t.Fatalf("testenv: publish %T: %v", m, err)
		}
	}
}

// PublishWithID publishes v, encoded as flow.Encode does, on subject under
// the Nats-Msg-Id msgID, and returns the stream's ack: a message published
// again under another id arrives as a redelivery beyond the stream's dedup
// window would, under the same id as a copy the stream may drop. It fails
// the test on an error.
func PublishWithID(t testing.TB, js jetstream.JetStream, subject string, v any, msgID string) *jetstream.PubAck {
	t.Helper()
	data, err := flow.Encode(v)
	if err != nil {
		t.Fatalf("testenv: encode %T: %v", v, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := js.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
	if err != nil {
		t.Fatalf("testenv: publish %s: %v", subject, err)
	}
	return ack
}
