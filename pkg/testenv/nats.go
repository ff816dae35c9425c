package testenv

import (
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/natsembed"
)

// NATS is an embedded nats-server with JetStream, for one test.
type NATS struct {
	Server *server.Server
	URL    string
}

// StartNATS starts an embedded nats-server with JetStream on a random port
// with its store in t.TempDir(); it is shut down when the test ends.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	s, err := natsembed.Start(natsembed.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return &NATS{Server: s, URL: s.ClientURL()}
}

// Connect opens a client connection and a JetStream context, closed when the
// test ends.
func (n *NATS) Connect(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(n.URL, nats.Name(t.Name()))
	if err != nil {
		t.Fatalf("testenv: connect nats: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("testenv: jetstream: %v", err)
	}
	return nc, js
}
