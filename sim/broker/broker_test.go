package broker_test

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/sim/broker"
)

// The login every test client uses; start gives the broker this user.
const (
	testLogin    = "key"
	testPasscode = "secret"
)

var logIn = stomp.ConnOpt.Login(testLogin, testPasscode)

func start(t *testing.T, opts ...broker.Option) *broker.Broker {
	t.Helper()
	b, err := broker.Start("127.0.0.1:0", append([]broker.Option{broker.WithUser(testLogin, testPasscode)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func dial(t *testing.T, b *broker.Broker, opts ...func(*stomp.Conn) error) *stomp.Conn {
	t.Helper()
	c, err := stomp.Dial("tcp", b.Addr(), append([]func(*stomp.Conn) error{logIn}, opts...)...)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.MustDisconnect() })
	return c
}

func read(t *testing.T, sub *stomp.Subscription) *stomp.Message {
	t.Helper()
	select {
	case m := <-sub.C:
		if m.Err != nil {
			t.Fatalf("read: %v", m.Err)
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatalf("no message within 5s")
		return nil
	}
}

func none(t *testing.T, sub *stomp.Subscription, within time.Duration) {
	t.Helper()
	select {
	case m := <-sub.C:
		t.Fatalf("unexpected message %s", m.Header.Get("message-id"))
	case <-time.After(within):
	}
}

func TestQueueNamesAndHeaders(t *testing.T) {
	t.Parallel()
	b := start(t)
	c := dial(t, b)
	sub, err := c.Subscribe("actions.201.domaintools", stomp.AckClientIndividual)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Send("/queue/actions.201.domaintools", "application/json", []byte(`{"a":1}`),
		stomp.SendOpt.Receipt,
		stomp.SendOpt.Header("reply-to", "/queue/acks.201.domaintools"),
		stomp.SendOpt.Header("correlation-id", "invid:7"),
		stomp.SendOpt.Header("Co3MessagePayload", "FunctionDataDTO"))
	if err != nil {
		t.Fatalf("send with receipt: %v", err)
	}
	m := read(t, sub)
	for k, want := range map[string]string{
		"destination":       "/queue/actions.201.domaintools",
		"reply-to":          "/queue/acks.201.domaintools",
		"correlation-id":    "invid:7",
		"Co3MessagePayload": "FunctionDataDTO",
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if string(m.Body) != `{"a":1}` {
		t.Errorf("body = %q", m.Body)
	}
	if m.Header.Get("message-id") == "" || m.Header.Get("ack") == "" {
		t.Errorf("missing message-id or ack: %v", m.Header)
	}
	if err := c.Ack(m); err != nil {
		t.Fatal(err)
	}
}

func TestRedeliveryOnDisconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cut  func(b *broker.Broker, c *stomp.Conn)
	}{
		{"disconnect", func(_ *broker.Broker, c *stomp.Conn) { c.Disconnect() }},
		{"dropped", func(b *broker.Broker, _ *stomp.Conn) { b.DropConnections() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := start(t)
			p := dial(t, b)
			for i := range 3 {
				if err := p.Send("q", "text/plain", fmt.Appendf(nil, "m%d", i), stomp.SendOpt.Receipt); err != nil && tt.name != "dropped" {
					t.Fatal(err)
				}
			}
			c1, err := stomp.Dial("tcp", b.Addr(), logIn)
			if err != nil {
				t.Fatal(err)
			}
			s1, err := c1.Subscribe("/queue/q", stomp.AckClientIndividual)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]string{}
			for range 3 {
				m := read(t, s1)
				ids[string(m.Body)] = m.Header.Get("message-id")
				if string(m.Body) == "m1" {
					if err := c1.Ack(m); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Wait (bounded) until the ACK of m1 reached the broker.
			waitFor(t, func() bool { return b.Unacked("q") == 2 })
			tt.cut(b, c1)

			c2 := dial(t, b)
			s2, err := c2.Subscribe("q", stomp.AckClientIndividual)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"m0", "m2"} {
				m := read(t, s2)
				if string(m.Body) != want {
					t.Fatalf("redelivered %q, want %q", m.Body, want)
				}
				if m.Header.Get("message-id") != ids[want] {
					t.Errorf("message-id changed: %q -> %q", ids[want], m.Header.Get("message-id"))
				}
				if m.Header.Get("redelivered") != "true" {
					t.Errorf("redelivered header missing on %s", want)
				}
				if err := c2.Ack(m); err != nil {
					t.Fatal(err)
				}
			}
			none(t, s2, 100*time.Millisecond)
		})
	}
}

func TestPrefetch(t *testing.T) {
	t.Parallel()
	b := start(t)
	c := dial(t, b)
	for i := range 5 {
		if err := c.Send("q", "", fmt.Appendf(nil, "%d", i), stomp.SendOpt.Receipt); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := c.Subscribe("q", stomp.AckClientIndividual, stomp.SubscribeOpt.Header("activemq.prefetchSize", "2"))
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := read(t, sub), read(t, sub)
	none(t, sub, 100*time.Millisecond)
	if b.Depth("q") != 3 {
		t.Fatalf("depth = %d, want 3", b.Depth("q"))
	}
	if err := c.Ack(m0); err != nil {
		t.Fatal(err)
	}
	m2 := read(t, sub)
	if string(m2.Body) != "2" {
		t.Fatalf("got %q after ack, want 2", m2.Body)
	}
	none(t, sub, 100*time.Millisecond)
	_ = m1
}

func TestProtocolError(t *testing.T) {
	t.Parallel()
	b := start(t)
	nc, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	w := frame.NewWriter(nc)
	if err := w.Write(frame.New(frame.SEND, frame.Destination, "q")); err != nil {
		t.Fatal(err)
	}
	f, err := frame.NewReader(nc).Read()
	if err != nil || f == nil || f.Command != frame.ERROR {
		t.Fatalf("want ERROR frame before CONNECT, got %v, %v", f, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Deny refuses SUBSCRIBE and SEND with ActiveMQ's authorization message,
// carrying the SEND's receipt; Allow lifts it.
func TestDenyAndAllow(t *testing.T) {
	t.Parallel()
	b := start(t)
	b.Deny("/queue/acks.201.dt")
	tests := []struct {
		name string
		do   func(c *stomp.Conn) error
		want string
	}{
		{"send", func(c *stomp.Conn) error {
			return c.Send("/queue/acks.201.dt", "", []byte("x"), stomp.SendOpt.Receipt)
		}, "User key is not authorized to write to: queue://acks.201.dt"},
		{"subscribe", func(c *stomp.Conn) error {
			sub, err := c.Subscribe("acks.201.dt", stomp.AckClientIndividual)
			if err != nil {
				return err
			}
			select {
			case m := <-sub.C:
				return m.Err
			case <-time.After(5 * time.Second):
				return nil
			}
		}, "User key is not authorized to read from: queue://acks.201.dt"},
	}
	for _, tt := range tests {
		c, err := stomp.Dial("tcp", b.Addr(), stomp.ConnOpt.Login("key", "secret"))
		if err != nil {
			t.Fatal(err)
		}
		err = tt.do(c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		c.MustDisconnect()
	}
	b.Allow("acks.201.dt")
	c := dial(t, b, stomp.ConnOpt.Login("key", "secret"))
	if err := c.Send("/queue/acks.201.dt", "", []byte("x"), stomp.SendOpt.Receipt); err != nil {
		t.Fatalf("send after Allow: %v", err)
	}
	if n := b.Depth("acks.201.dt"); n != 1 {
		t.Errorf("depth %d after Allow, want 1", n)
	}
}

// HoldReceipts takes SENDs to the destination as usual (enqueued) but
// withholds their RECEIPTs; ReleaseReceipts brings the RECEIPTs back for the
// SENDs that follow. A connection answers its frames in order, so the
// RECEIPT of a later SEND arriving first proves the held ones were
// withheld, without waiting for a RECEIPT that does not come.
func TestHoldAndReleaseReceipts(t *testing.T) {
	t.Parallel()
	b := start(t)
	b.HoldReceipts("/queue/acks.201.dt")

	nc, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	w, r := frame.NewWriter(nc), frame.NewReader(nc)
	write := func(f *frame.Frame) {
		t.Helper()
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	next := func() *frame.Frame { // the next frame, within 5s
		t.Helper()
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		f, err := r.Read()
		if err != nil || f == nil {
			t.Fatalf("read: %v, %v", f, err)
		}
		return f
	}
	send := func(dest, receipt string) {
		t.Helper()
		f := frame.New(frame.SEND, frame.Destination, dest, frame.Receipt, receipt)
		f.Body = []byte(receipt)
		write(f)
	}
	wantReceipt := func(id string) {
		t.Helper()
		if f := next(); f.Command != frame.RECEIPT || f.Header.Get(frame.ReceiptId) != id {
			t.Fatalf("got %s %v, want RECEIPT %s", f.Command, f.Header, id)
		}
	}

	write(frame.New(frame.CONNECT, frame.AcceptVersion, "1.2", frame.Host, "localhost", frame.Login, testLogin, frame.Passcode, testPasscode))
	if f := next(); f.Command != frame.CONNECTED {
		t.Fatalf("got %s, want CONNECTED", f.Command)
	}
	send("/queue/acks.201.dt", "held-1")
	send("acks.201.dt", "held-2") // the same queue
	send("/queue/other", "free-1")
	wantReceipt("free-1")
	if n := b.WithheldReceipts("acks.201.dt"); n != 2 {
		t.Errorf("%d receipts withheld, want 2", n)
	}
	if n := b.Depth("/queue/acks.201.dt"); n != 2 {
		t.Errorf("depth %d while held, want 2: held SENDs are enqueued", n)
	}

	b.ReleaseReceipts("acks.201.dt")
	send("/queue/acks.201.dt", "after-release")
	wantReceipt("after-release") // and not held-1 or held-2: those are never sent
	if n := b.WithheldReceipts("acks.201.dt"); n != 2 {
		t.Errorf("%d receipts withheld after release, want still 2", n)
	}
	if n := b.Depth("acks.201.dt"); n != 3 {
		t.Errorf("depth %d after release, want 3", n)
	}

	// What a client sees: its own receipt timeout. (A fresh connection: the
	// one whose receipt timed out is not used again.)
	b.HoldReceipts("acks.201.dt")
	c, err := stomp.Dial("tcp", b.Addr(), logIn, stomp.ConnOpt.RcvReceiptTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.MustDisconnect()
	done := make(chan error, 1)
	go func() { done <- c.Send("acks.201.dt", "", []byte("x"), stomp.SendOpt.Receipt) }()
	select {
	case err := <-done:
		if !errors.Is(err, stomp.ErrMsgReceiptTimeout) {
			t.Errorf("send while held: %v, want %v", err, stomp.ErrMsgReceiptTimeout)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("send while held did not return within 5s")
	}
	if n := b.Depth("acks.201.dt"); n != 4 {
		t.Errorf("depth %d, want 4", n)
	}
}
