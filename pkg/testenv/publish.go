package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

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
