package soarsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/pkg/stomplog"
)

const (
	// connectTimeout bounds one connection attempt (TCP, TLS, CONNECT,
	// SUBSCRIBE).
	connectTimeout = 30 * time.Second
	// closeWait bounds each step of closing a connection: the last ACKs,
	// then DISCONNECT and its RECEIPT.
	closeWait = 2 * time.Second
	// heartBeatGrace multiplies the silence go-stomp tolerates from the
	// broker. ActiveMQ writes a heart-beat only when its check, every
	// negotiated interval, finds nothing written since the last check: after
	// a frame, up to twice the interval passes before the next one (AMQ-4710,
	// "The first heart-beat after a connection becomes idle isn't sent as
	// quickly as it should be"; seen here: CONNECT heart-beat:15000,15000 to
	// ActiveMQ 5.17.2, first heart-beat 30 s after CONNECTED, then every 15 s).
	// go-stomp's default (1×, plus 5 s) dropped an idle connection after 20 s.
	heartBeatGrace = 2
)

// link is one connection to the broker. The SENDs of invocations and the
// subscription to the reply-to queue share it.
//
// go-stomp's receipt timeout is off: when it fires, go-stomp's frame loop
// later blocks for good handing the late RECEIPT to a receiver that left.
// sendReceipted bounds the wait itself and, on expiry, closes the network
// connection, which fails every waiter the normal way. dead, closed when the
// connection under go-stomp fails or is closed, does not depend on go-stomp
// telling the subscription.
type link struct {
	conn *stomp.Conn
	raw  net.Conn
	dead <-chan struct{}
	sub  *stomp.Subscription
	acks *acker
	once sync.Once
}

// connect dials the broker, logs in and subscribes to the reply-to queue.
func (s *SOAR) connect(ctx context.Context) (*link, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("soarsim: connect %s: %w", s.addr, err)
	}
	// go-stomp's CONNECT reads without watching ctx: closing the connection
	// when ctx ends is what unblocks it.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	fail := func(step string, err error) (*link, error) {
		stop()
		nc.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return nil, fmt.Errorf("soarsim: %s %s: %w", step, s.addr, err)
	}
	conn := nc
	if s.cfg.TLS != nil {
		tc := tlsClient(nc, s.cfg.TLS, s.addr)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail("tls handshake with", err)
		}
		conn = tc
	}
	w := watch(conn)
	host, _, _ := net.SplitHostPort(s.addr)
	opts := []func(*stomp.Conn) error{
		stomp.ConnOpt.AcceptVersion(stomp.V12),
		stomp.ConnOpt.Host(host),
		stomp.ConnOpt.HeartBeat(s.cfg.HeartBeat, s.cfg.HeartBeat),
		stomp.ConnOpt.HeartBeatGracePeriodMultiplier(heartBeatGrace),
		stomp.ConnOpt.RcvReceiptTimeout(0), // bounded by sendReceipted
		stomp.ConnOpt.DisconnectReceiptTimeout(closeWait),
		stomp.ConnOpt.UnsubscribeReceiptTimeout(closeWait),
		stomp.ConnOpt.Logger(stomplog.New(s.cfg.Logger)),
	}
	if s.cfg.Login != "" {
		opts = append(opts, stomp.ConnOpt.Login(s.cfg.Login, s.cfg.Passcode))
	}
	c, err := stomp.Connect(w, opts...)
	if err != nil {
		return fail("stomp connect", err)
	}
	sub, err := c.Subscribe(s.ReplyTo(), stomp.AckClientIndividual)
	if err != nil {
		return fail("subscribe "+s.ReplyTo()+" at", err)
	}
	if !stop() { // ctx ended just as the subscription was made: the connection is closed
		return fail("stomp connect", errors.New("connection closed as the attempt ended"))
	}
	l := &link{conn: c, raw: nc, dead: w.dead, sub: sub}
	l.acks = startAcker(c, w.dead)
	return l, nil
}

// fail closes the network connection (once); go-stomp then fails every
// waiter and the subscription. It never waits on go-stomp's locks.
func (l *link) fail() { l.once.Do(func() { _ = l.raw.Close() }) }

// shutdown ends the connection politely within bounds: the subscription is
// drained (unrecorded messages stay un-ACKed, for redelivery), the queued
// ACKs are sent, DISCONNECT waits for its RECEIPT; then the network
// connection is closed whatever happened.
func (l *link) shutdown() {
	go discard(l.sub)
	l.acks.stop(closeWait)
	done := make(chan struct{})
	go func() { _ = l.conn.Disconnect(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
	l.fail()
}

// discard drains a subscription nobody reads any more, so that go-stomp's
// frame loop, which hands it every MESSAGE, is never stuck on it.
func discard(sub *stomp.Subscription) {
	for range sub.C {
	}
}

// sendReceipted SENDs with a receipt and waits for it at most timeout; on
// expiry the connection is failed (see link).
func (l *link) sendReceipted(timeout time.Duration, dest string, body []byte, opts ...func(*frame.Frame) error) error {
	done := make(chan error, 1)
	go func() { done <- l.conn.Send(dest, "", body, append(opts, stomp.SendOpt.Receipt)...) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		l.fail()
		return fmt.Errorf("%w after %s", stomp.ErrMsgReceiptTimeout, timeout)
	}
}

// brokerRefusal returns the message of an ERROR frame the broker sent in
// answer to a frame that asked for a receipt (ActiveMQ copies the receipt
// into the ERROR's receipt-id): the broker refused that frame, as opposed
// to go-stomp reporting a lost connection.
func brokerRefusal(err error) (string, bool) {
	var v stomp.Error
	var p *stomp.Error
	switch {
	case errors.As(err, &v):
	case errors.As(err, &p) && p != nil:
		v = *p
	default:
		return "", false
	}
	if v.Frame == nil || v.Frame.Command != frame.ERROR {
		return "", false
	}
	_, hasReceipt := v.Frame.Header.Contains(frame.ReceiptId)
	return v.Message, hasReceipt
}

// watchedConn is the connection go-stomp reads and writes: it closes dead
// on the first read error or Close.
type watchedConn struct {
	net.Conn
	dead chan struct{}
	once sync.Once
}

func watch(c net.Conn) *watchedConn { return &watchedConn{Conn: c, dead: make(chan struct{})} }

func (w *watchedConn) markDead() { w.once.Do(func() { close(w.dead) }) }

func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.markDead()
	}
	return n, err
}

func (w *watchedConn) Close() error {
	w.markDead()
	return w.Conn.Close()
}
