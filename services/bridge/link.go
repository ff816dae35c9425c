package bridge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
)

// receiptTimeout bounds the wait for the broker's RECEIPT of a reply (the
// default of bridge.receiptTimeout).
const receiptTimeout = 30 * time.Second

// link is one broker connection, with the network connection under it.
//
// go-stomp's own receipt timeout is off (see dial): when it fires, go-stomp's
// frame loop later blocks for good handing the late RECEIPT to a receiver
// that left, and no frame, heart-beat or error reaches the subscriptions
// again. sendReceipted bounds the wait itself and, on expiry, closes the
// network connection: go-stomp then fails every waiter and subscription the
// normal way, and serve reconnects.
//
// go-stomp tells a subscription that its connection died only if the
// subscription was registered in go-stomp's frame loop before it ended; a
// connection that dies right after SUBSCRIBE (e.g. a broker ERROR answering
// a reply sent at once on the new connection) would leave serve waiting for
// ever. dead, closed when the connection under go-stomp fails or is closed,
// does not depend on that.
type link struct {
	*stomp.Conn
	raw  net.Conn
	dead <-chan struct{} // closed once go-stomp's connection reads an error or is closed
	once sync.Once
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

// fail closes the network connection under the STOMP connection (once).
// Unlike Disconnect it never waits on go-stomp's locks.
func (l *link) fail() { l.once.Do(func() { _ = l.raw.Close() }) }

// sendReceipted SENDs with a receipt and waits for it at most timeout; on
// expiry the connection is failed (see link).
func (l *link) sendReceipted(timeout time.Duration, dest, contentType string, body []byte, opts ...func(*frame.Frame) error) error {
	done := make(chan error, 1)
	go func() {
		done <- l.Send(dest, contentType, body, append(opts, stomp.SendOpt.Receipt)...)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		l.fail()
		select { // go-stomp fails the waiting Send once the connection is closed
		case <-done:
		case <-time.After(5 * time.Second):
		}
		return fmt.Errorf("%w after %s; connection closed to start afresh", stomp.ErrMsgReceiptTimeout, timeout)
	}
}

// links holds the current connection; waiters learn when it changes.
type links struct {
	mu      sync.Mutex
	cur     *link
	changed chan struct{} // closed (and replaced) by every set
}

func newLinks() *links { return &links{changed: make(chan struct{})} }

func (ls *links) set(l *link) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.cur = l
	close(ls.changed)
	ls.changed = make(chan struct{})
}

// current returns the current connection, or nil.
func (ls *links) current() *link {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.cur
}

// wait returns the current connection, other than not, waiting up to bound
// for one; nil when none came (or ctx ended).
func (ls *links) wait(ctx context.Context, bound time.Duration, not *link) *link {
	t := time.NewTimer(bound)
	defer t.Stop()
	for {
		ls.mu.Lock()
		l, changed := ls.cur, ls.changed
		ls.mu.Unlock()
		if l != nil && l != not {
			return l
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		case <-t.C:
			return nil
		}
	}
}

// errorFrame returns the ERROR frame behind a go-stomp error, if any.
func errorFrame(err error) (*frame.Frame, string, bool) {
	var v stomp.Error
	var p *stomp.Error
	switch {
	case errors.As(err, &v):
	case errors.As(err, &p) && p != nil:
		v = *p
	default:
		return nil, "", false
	}
	if v.Frame == nil || v.Frame.Command != frame.ERROR {
		return nil, "", false
	}
	return v.Frame, v.Message, true
}

// brokerRefusal returns the message of an ERROR frame the broker sent in
// answer to a frame of ours that asked for a receipt (ActiveMQ copies the
// receipt into the ERROR's receipt-id): the broker refused that frame, as
// opposed to go-stomp reporting a lost connection.
func brokerRefusal(err error) (string, bool) {
	f, msg, ok := errorFrame(err)
	if !ok {
		return "", false
	}
	_, hasReceipt := f.Header.Contains(frame.ReceiptId)
	return msg, hasReceipt
}

// brokerError returns the message of an ERROR frame that came from the
// broker (it carries headers besides "message", e.g. content-type, or a
// body), as opposed to the ERROR go-stomp makes up for a lost connection.
func brokerError(err error) (string, bool) {
	f, msg, ok := errorFrame(err)
	if !ok || (f.Header.Len() <= 1 && len(f.Body) == 0) {
		return "", false
	}
	return msg, true
}
