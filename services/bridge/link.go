package bridge

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
)

// receiptTimeout bounds the wait for the broker's RECEIPT of a reply (the
// default of bridge.receiptTimeout): a broker that sends heart-beats but no
// RECEIPT for this long gets a new reply connection. A link that died is
// noticed sooner, by its heart-beats (replyConn).
const receiptTimeout = 10 * time.Second

// link is the broker connection of the frames (subscriptions and ACKs,
// through go-stomp), with the network connection under it. Replies go on
// their own connection (replyConn).
//
// go-stomp's own receipt timeout is off (see dial): when it fires, go-stomp's
// frame loop later blocks for good handing the late RECEIPT to a receiver
// that left, and no frame, heart-beat or error reaches the subscriptions
// again.
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

// links holds the current connection (a *link or a *replyConn); waiters
// learn when it changes.
type links[L comparable] struct {
	mu      sync.Mutex
	cur     L
	changed chan struct{} // closed (and replaced) by every set
}

func newLinks[L comparable]() *links[L] { return &links[L]{changed: make(chan struct{})} }

func (ls *links[L]) set(l L) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.cur = l
	close(ls.changed)
	ls.changed = make(chan struct{})
}

// current returns the current connection, or nil.
func (ls *links[L]) current() L {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.cur
}

// wait returns the current connection, other than not, waiting up to bound
// (none: 0) for one; nil when none came (or ctx ended).
func (ls *links[L]) wait(ctx context.Context, bound time.Duration, not L) L {
	var zero L
	var timeout <-chan time.Time
	if bound > 0 {
		t := time.NewTimer(bound)
		defer t.Stop()
		timeout = t.C
	}
	for {
		ls.mu.Lock()
		l, changed := ls.cur, ls.changed
		ls.mu.Unlock()
		if l != zero && l != not {
			return l
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return zero
		case <-timeout:
			return zero
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
