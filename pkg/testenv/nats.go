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
	dir    string
}

// StartNATS starts an embedded nats-server with JetStream on a random port
// with its store in t.TempDir(); it is shut down when the test ends.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	dir := t.TempDir()
	s, err := natsembed.Start(natsembed.Options{Dir: dir})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	n := &NATS{Server: s, URL: s.ClientURL(), dir: dir}
	t.Cleanup(func() {
		n.Server.Shutdown()
		n.Server.WaitForShutdown()
	})
	return n
}

// Restart shuts the server down and starts it again on the same port and
// store, as an operator's restart would: streams and their messages stay,
// state kept in memory (e.g. a stream's dedup ids of consumed messages)
// does not. Clients reconnect on their own.
func (n *NATS) Restart(t testing.TB) {
	t.Helper()
	addr := n.Server.Addr().String()
	n.Server.Shutdown()
	n.Server.WaitForShutdown()
	s, err := natsembed.Start(natsembed.Options{Dir: n.dir, Listen: addr})
	if err != nil {
		t.Fatalf("testenv: restart: %v", err)
	}
	n.Server = s
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
