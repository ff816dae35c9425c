package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// JetStream starts an embedded nats-server (StartNATS), connects to it and
// creates irisflow's streams (flow.EnsureStreams with default
// StreamOptions); the server and the connection end with the test.
func JetStream(t testing.TB) jetstream.JetStream {
	t.Helper()
	_, js := StartNATS(t).Connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{}); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return js
}
