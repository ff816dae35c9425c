// Package broker is a small embedded STOMP 1.2 broker with the ActiveMQ
// behaviour irisflow relies on, for tests and the Resilient simulator.
//
// It is written here rather than taken from go-stomp's server package, which
// re-numbers message-id on every delivery, has a prefetch of one, no
// "redelivered" header, no way to cut connections, and only serves
// destinations under /queue/. This broker:
//   - addresses a queue as "name" or "/queue/name" (the same queue, as in ActiveMQ);
//   - keeps a message's message-id across redeliveries and marks them
//     "redelivered:true";
//   - honours ack modes auto, client and client-individual, and
//     "activemq.prefetchSize" (default 1000, as ActiveMQ);
//   - redelivers un-ACKed messages to the next subscriber when a connection
//     closes or a subscription is removed, and on NACK;
//   - passes custom SEND headers (reply-to, correlation-id, Co3*) through;
//   - checks login/passcode against its users (WithUser, WithUsers; or
//     accepts any, WithAnonymous), as SOAR's ActiveMQ checks API keys;
//   - answers receipts and heart-beats as ActiveMQ 5.17 does (see connect);
//   - sets JMSXUserID on every message to its sender's login, as ActiveMQ
//     with populateJMSXUserID (SOAR's broker) does.
//
// Faults a test can switch on: DropConnections cuts every connection, Deny
// refuses a destination as ActiveMQ's authorization does, HoldReceipts
// withholds the RECEIPTs of SENDs to a destination.
//
// Messages live in memory only.
package broker

import (
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// Option configures a Broker.
type Option func(*Broker)

// WithUser adds a login the broker accepts with its passcode. A broker
// checks every CONNECT against its users, as SOAR's ActiveMQ does against
// the org's API keys and users: a wrong login is answered with an ERROR
// frame ("User name [<login>] or password is invalid.", the message of
// ActiveMQ's SimpleAuthenticationBroker and JaasAuthenticationBroker) and
// the connection is closed.
func WithUser(login, passcode string) Option {
	return func(b *Broker) { b.users[login] = passcode }
}

// WithUsers adds every login → passcode of users (e.g. the SOAR
// simulator's BrokerUsers).
func WithUsers(users map[string]string) Option {
	return func(b *Broker) {
		for l, p := range users {
			b.users[l] = p
		}
	}
}

// WithAnonymous makes the broker accept every CONNECT whatever its login,
// as an ActiveMQ without an authentication plugin does. Start refuses a
// broker with neither users nor this option.
func WithAnonymous() Option {
	return func(b *Broker) { b.anonymous = true }
}

// WithTLS serves STOMP over TLS (stomp+ssl, as SOAR's broker on port
// 65001) with cfg.
func WithTLS(cfg *tls.Config) Option {
	return func(b *Broker) { b.tls = cfg }
}

// WithLogger sets the logger. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(b *Broker) { b.log = l }
}

// Broker is a running embedded STOMP broker.
type Broker struct {
	ln        net.Listener
	log       *slog.Logger
	users     map[string]string
	anonymous bool
	tls       *tls.Config // nil: plain STOMP

	mu       sync.Mutex
	denied   map[string]bool // queues refused by Deny
	held     map[string]bool // queues whose SEND receipts HoldReceipts withholds
	withheld map[string]int  // per queue, the RECEIPTs withheld under HoldReceipts
	queues   map[string]*queue
	conns    map[*conn]struct{}
	nextMsg  uint64
	nextAck  uint64
	// started makes message-ids unique across broker runs, as ActiveMQ's
	// (ID:<host>-<port>-<start time>-…) are: consumers dedup on them.
	started int64
	closed  bool
	wg      sync.WaitGroup
}

// ErrClosed is returned by operations on a closed broker.
var ErrClosed = errors.New("broker: closed")

// Start listens on addr ("127.0.0.1:0" or ":0" picks a free port) and serves
// STOMP until Close.
func Start(addr string, opts ...Option) (*Broker, error) {
	b := &Broker{
		log:     slog.New(slog.DiscardHandler),
		users:   map[string]string{},
		started: time.Now().UnixNano(),
		queues:  map[string]*queue{},
		conns:   map[*conn]struct{}{},
	}
	for _, o := range opts {
		o(b)
	}
	if len(b.users) == 0 && !b.anonymous {
		return nil, errors.New("broker: no users: configure WithUser/WithUsers (SOAR's broker authenticates every login), or WithAnonymous")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("broker: listen %s: %w", addr, err)
	}
	if b.tls != nil {
		ln = tls.NewListener(ln, b.tls)
	}
	b.ln = ln
	b.wg.Add(1)
	go b.accept()
	return b, nil
}

// Addr is the host:port the broker listens on.
func (b *Broker) Addr() string { return b.ln.Addr().String() }

// URL is "stomp://" + Addr(), or "stomp+ssl://" + Addr() with WithTLS.
func (b *Broker) URL() string {
	if b.tls != nil {
		return "stomp+ssl://" + b.Addr()
	}
	return "stomp://" + b.Addr()
}

// Close stops listening and closes every connection. Messages are dropped.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	err := b.ln.Close()
	b.DropConnections()
	b.wg.Wait()
	return err
}

// DropConnections cuts every client connection, as a network failure
// would. Un-ACKed messages go back to their queues, marked redelivered.
func (b *Broker) DropConnections() {
	b.mu.Lock()
	cs := make([]*conn, 0, len(b.conns))
	for c := range b.conns {
		cs = append(cs, c)
	}
	b.mu.Unlock()
	for _, c := range cs {
		c.nc.Close()
	}
}

// Depth returns how many messages wait in the queue (not counting those
// delivered and not yet ACKed).
func (b *Broker) Depth(dest string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if q, ok := b.queues[QueueName(dest)]; ok {
		return len(q.pending)
	}
	return 0
}

// Unacked returns how many messages of the queue are delivered and not yet ACKed.
func (b *Broker) Unacked(dest string) int {
	name := QueueName(dest)
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for c := range b.conns {
		for _, d := range c.unacked {
			if d.msg.queue == name {
				n++
			}
		}
	}
	return n
}

// QueueName is the queue a destination names: "/queue/x" and "x" are the same queue.
func QueueName(dest string) string { return strings.TrimPrefix(dest, "/queue/") }

func (b *Broker) accept() {
	defer b.wg.Done()
	for {
		nc, err := b.ln.Accept()
		if err != nil {
			return
		}
		c := newConn(b, nc)
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			nc.Close()
			return
		}
		b.conns[c] = struct{}{}
		b.mu.Unlock()
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			c.serve()
		}()
	}
}

func (b *Broker) authenticate(login, passcode string) bool {
	if b.anonymous {
		return true
	}
	p, ok := b.users[login]
	return ok && subtle.ConstantTimeCompare([]byte(p), []byte(passcode)) == 1
}
