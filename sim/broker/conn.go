package broker

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
)

// conn is one client connection.
type conn struct {
	b   *Broker
	nc  net.Conn
	out *outbox

	// guarded by b.mu
	subs    map[string]*subscription
	unacked map[string]*delivery

	readTimeout time.Duration
	login       string // the CONNECT login
}

func newConn(b *Broker, nc net.Conn) *conn {
	return &conn{
		b:       b,
		nc:      nc,
		out:     newOutbox(),
		subs:    map[string]*subscription{},
		unacked: map[string]*delivery{},
	}
}

var errProtocol = errors.New("protocol error")

// headerUserID is the header in which ActiveMQ (populateJMSXUserID, as on
// SOAR's broker) names the login that sent a message: the recorded frame of
// resilient-python-api's mock_app.log carries "JMSXUserID: SYSTEM", the
// login of SOAR's own sender.
const headerUserID = "JMSXUserID"

func (c *conn) serve() {
	done := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop(done)
	}()
	defer func() {
		c.cleanup()
		close(done)
		<-writerDone
		c.nc.Close()
	}()

	r := frame.NewReader(c.nc)
	connected := false
	for {
		if c.readTimeout > 0 {
			_ = c.nc.SetReadDeadline(time.Now().Add(c.readTimeout))
		}
		f, err := r.Read()
		if err != nil {
			return
		}
		if f == nil { // heart-beat
			continue
		}
		if !connected {
			if f.Command != frame.CONNECT && f.Command != frame.STOMP {
				c.fail(fmt.Errorf("%w: expected CONNECT, got %s", errProtocol, f.Command), f)
				return
			}
			if err := c.connect(f); err != nil {
				c.fail(err, f)
				return
			}
			connected = true
			continue
		}
		if err := c.handle(f); err != nil {
			if errors.Is(err, errDisconnect) {
				return
			}
			c.fail(err, f)
			return
		}
	}
}

var errDisconnect = errors.New("disconnect")

func (c *conn) handle(f *frame.Frame) error {
	b := c.b
	switch f.Command {
	case frame.SEND:
		dest := f.Header.Get(frame.Destination)
		if dest == "" {
			return fmt.Errorf("%w: SEND without destination", errProtocol)
		}
		h := frame.NewHeader()
		for i := 0; i < f.Header.Len(); i++ {
			k, v := f.Header.GetAt(i)
			switch k {
			case frame.Receipt, frame.ContentLength, frame.Transaction, frame.MessageId, frame.Destination, "redelivered", headerUserID:
				continue
			}
			h.Add(k, v)
		}
		if c.login != "" { // set by the broker, whatever the sender wrote
			h.Set(headerUserID, c.login)
		}
		h.Set(frame.ContentLength, strconv.Itoa(len(f.Body)))
		b.mu.Lock()
		if err := b.authorizeLocked(c.login, "write to", QueueName(dest)); err != nil {
			b.mu.Unlock()
			return err
		}
		b.nextMsg++
		m := &message{
			id:     fmt.Sprintf("ID:irisflow-broker-%d-%d", b.started, b.nextMsg),
			queue:  QueueName(dest),
			header: h,
			body:   f.Body,
		}
		b.enqueueLocked(m, false)
		withhold := b.withholdReceiptLocked(m.queue, f.Header.Get(frame.Receipt))
		b.mu.Unlock()
		if withhold {
			return nil // HoldReceipts: enqueued, but no RECEIPT
		}
	case frame.SUBSCRIBE:
		dest, id := f.Header.Get(frame.Destination), f.Header.Get(frame.Id)
		if dest == "" || id == "" {
			return fmt.Errorf("%w: SUBSCRIBE needs destination and id", errProtocol)
		}
		mode := f.Header.Get(frame.Ack)
		switch mode {
		case "":
			mode = "auto"
		case "auto", "client", "client-individual":
		default:
			return fmt.Errorf("%w: unknown ack mode %q", errProtocol, mode)
		}
		prefetch := 1000
		if p := f.Header.Get("activemq.prefetchSize"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 {
				return fmt.Errorf("%w: bad activemq.prefetchSize %q", errProtocol, p)
			}
			prefetch = n
		}
		b.mu.Lock()
		if err := b.authorizeLocked(c.login, "read from", QueueName(dest)); err != nil {
			b.mu.Unlock()
			return err
		}
		if _, dup := c.subs[id]; dup {
			b.mu.Unlock()
			return fmt.Errorf("%w: already subscribed with id %s", errProtocol, id)
		}
		sub := &subscription{conn: c, id: id, queue: QueueName(dest), ackMode: mode, prefetch: prefetch}
		c.subs[id] = sub
		q := b.queueLocked(sub.queue)
		q.subs = append(q.subs, sub)
		c.receipt(f) // the RECEIPT precedes the first MESSAGE
		b.dispatchLocked(q)
		b.mu.Unlock()
		return nil
	case frame.UNSUBSCRIBE:
		id := f.Header.Get(frame.Id)
		b.mu.Lock()
		if sub, ok := c.subs[id]; ok {
			delete(c.subs, id)
			b.removeSubLocked(sub)
		}
		b.mu.Unlock()
	case frame.ACK, frame.NACK:
		id := f.Header.Get(frame.Id)
		if id == "" {
			id = f.Header.Get(frame.MessageId) // STOMP 1.0/1.1
		}
		b.mu.Lock()
		err := c.ackLocked(id, f.Command == frame.ACK)
		b.mu.Unlock()
		if err != nil {
			return err
		}
	case frame.DISCONNECT:
		c.receipt(f)
		return errDisconnect
	case frame.BEGIN, frame.COMMIT, frame.ABORT:
		return fmt.Errorf("%w: transactions are not supported", errProtocol)
	default:
		return fmt.Errorf("%w: unexpected %s", errProtocol, f.Command)
	}
	c.receipt(f)
	return nil
}

// ackLocked settles one delivery (client-individual) or every earlier
// delivery of the subscription too (client). A NACK requeues for redelivery.
func (c *conn) ackLocked(ackID string, ack bool) error {
	d, ok := c.unacked[ackID]
	if !ok {
		if !ack {
			return nil
		}
		// Compatibility: some clients ACK with the message-id.
		for _, x := range c.unacked {
			if x.msg.id == ackID {
				d = x
				break
			}
		}
		if d == nil {
			return nil // already settled, or redelivered elsewhere: ignore as ActiveMQ does
		}
	}
	settle := []*delivery{d}
	if d.sub.ackMode == "client" {
		for _, x := range c.unacked {
			if x.sub == d.sub && x.seq < d.seq {
				settle = append(settle, x)
			}
		}
	}
	for _, x := range settle {
		delete(c.unacked, x.ack)
		x.sub.inflight--
	}
	q := c.b.queueLocked(d.sub.queue)
	if !ack {
		d.msg.redelivered = true
		q.pending = append([]*message{d.msg}, q.pending...)
	}
	c.b.dispatchLocked(q)
	return nil
}

func (c *conn) connect(f *frame.Frame) error {
	if v := f.Header.Get(frame.AcceptVersion); v != "" && !strings.Contains(v, "1.2") {
		return fmt.Errorf("%w: only STOMP 1.2 is supported (accept-version %q)", errProtocol, v)
	}
	if !c.b.authenticate(f.Header.Get(frame.Login), f.Header.Get(frame.Passcode)) {
		//lint:ignore ST1005 ActiveMQ's message, verbatim
		return fmt.Errorf("User name [%s] or password is invalid.", f.Header.Get(frame.Login))
	}
	c.login = f.Header.Get(frame.Login)
	cx, cy := time.Duration(0), time.Duration(0)
	if hb := f.Header.Get(frame.HeartBeat); hb != "" {
		var err error
		if cx, cy, err = frame.ParseHeartBeat(hb); err != nil {
			return fmt.Errorf("%w: bad heart-beat %q", errProtocol, hb)
		}
	}
	// ActiveMQ 5.17 answers the client's request reversed: it sends at the
	// interval the client wants to receive, and expects the client's own.
	// Seen on ActiveMQ 5.17.2 here: 0,15000 → 15000,0; 15000,15000 →
	// 15000,15000; 5000,0 → 0,5000; 1000,20000 → 20000,1000; none → 0,0 (the
	// recorded resilient-circuits log, fixtures' SOURCES.md, has the same
	// 0,15000 → 15000,0 from ActiveMQ 5.15.14).
	if cy > 0 {
		c.out.setHeartBeat(cy)
	}
	if cx > 0 {
		// ActiveMQ's read check, every cx, closes a connection that sent
		// nothing since the previous check: after 2×cx at worst.
		c.readTimeout = 2 * cx
	}
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	c.out.push(frame.New(frame.CONNECTED,
		frame.Version, "1.2",
		frame.HeartBeat, ms(cy)+","+ms(cx),
		frame.Server, "irisflow-broker/1",
		frame.Session, fmt.Sprintf("%p", c)))
	return nil
}

func (c *conn) receipt(f *frame.Frame) {
	if r := f.Header.Get(frame.Receipt); r != "" {
		c.out.push(frame.New(frame.RECEIPT, frame.ReceiptId, r))
	}
}

// fail sends an ERROR frame as ActiveMQ does (message header, the failed
// frame's receipt as receipt-id, a text body); the connection closes
// afterwards.
func (c *conn) fail(err error, f *frame.Frame) {
	e := frame.New(frame.ERROR, frame.Message, err.Error(), frame.ContentType, "text/plain")
	if r := f.Header.Get(frame.Receipt); r != "" {
		e.Header.Add(frame.ReceiptId, r)
	}
	e.Body = []byte(err.Error() + "\n")
	c.out.push(e)
	c.out.flush(2 * time.Second)
}

// cleanup removes the connection's subscriptions and requeues its un-ACKed
// messages for redelivery.
func (c *conn) cleanup() {
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.conns, c)
	for id, sub := range c.subs {
		delete(c.subs, id)
		b.removeSubLocked(sub)
	}
}

func (c *conn) writeLoop(done <-chan struct{}) {
	defer c.out.stopHeartBeat()
	w := frame.NewWriter(c.nc)
	for {
		fs, ok := c.out.wait(done)
		if !ok {
			return
		}
		frames := false
		for _, f := range fs {
			if err := w.Write(f); err != nil {
				c.nc.Close()
				c.out.drainForever(done)
				return
			}
			frames = frames || f != nil
		}
		c.out.written(len(fs), frames)
	}
}

// outbox is an unbounded frame queue for one connection, written by its
// writer goroutine; a heart-beat is a nil frame.
//
// Heart-beats follow ActiveMQ's rule (AbstractInactivityMonitor's write
// check): every interval, a heart-beat is sent if no frame was written
// since the previous check. So after a frame up to twice the interval
// passes before the next heart-beat (AMQ-4710; seen on ActiveMQ 5.17.2
// here: CONNECT heart-beat:15000,15000, heart-beats 30, 45, 60 s after
// CONNECTED). A client must tolerate that gap.
type outbox struct {
	mu      sync.Mutex
	frames  []*frame.Frame
	signal  chan struct{}
	pending int
	idle    *sync.Cond
	ticker  *time.Ticker // nil without heart-beats
	wrote   bool         // a frame (not a heart-beat) was written since the last check
}

func newOutbox() *outbox {
	o := &outbox{signal: make(chan struct{}, 1)}
	o.idle = sync.NewCond(&o.mu)
	return o
}

func (o *outbox) setHeartBeat(d time.Duration) {
	o.mu.Lock()
	o.ticker = time.NewTicker(d)
	o.mu.Unlock()
}

func (o *outbox) stopHeartBeat() {
	o.mu.Lock()
	if o.ticker != nil {
		o.ticker.Stop()
	}
	o.mu.Unlock()
}

func (o *outbox) push(f *frame.Frame) {
	o.mu.Lock()
	o.frames = append(o.frames, f)
	o.pending++
	o.mu.Unlock()
	select {
	case o.signal <- struct{}{}:
	default:
	}
}

// wait returns the queued frames, or a heart-beat when a check finds the
// connection idle since the previous one.
func (o *outbox) wait(done <-chan struct{}) ([]*frame.Frame, bool) {
	for {
		o.mu.Lock()
		if len(o.frames) > 0 {
			fs := o.frames
			o.frames = nil
			o.mu.Unlock()
			return fs, true
		}
		var tick <-chan time.Time
		if o.ticker != nil {
			tick = o.ticker.C
		}
		o.mu.Unlock()
		select {
		case <-done:
			return nil, false
		case <-o.signal:
		case <-tick:
			o.mu.Lock()
			idle := !o.wrote
			o.wrote = false
			if idle {
				o.pending++
			}
			o.mu.Unlock()
			if idle {
				return []*frame.Frame{nil}, true
			}
		}
	}
}

// written records that n queued entries went out; frames says whether
// any was a frame rather than a heart-beat.
func (o *outbox) written(n int, frames bool) {
	o.mu.Lock()
	o.pending -= n
	o.wrote = o.wrote || frames
	o.idle.Broadcast()
	o.mu.Unlock()
}

// flush waits, bounded, until everything queued is written.
func (o *outbox) flush(bound time.Duration) {
	deadline := time.AfterFunc(bound, func() {
		o.mu.Lock()
		o.pending = 0
		o.idle.Broadcast()
		o.mu.Unlock()
	})
	defer deadline.Stop()
	o.mu.Lock()
	for o.pending > 0 {
		o.idle.Wait()
	}
	o.mu.Unlock()
}

// drainForever discards frames after a write error until the connection is done.
func (o *outbox) drainForever(done <-chan struct{}) {
	for {
		o.mu.Lock()
		o.pending -= len(o.frames)
		o.frames = nil
		o.idle.Broadcast()
		o.mu.Unlock()
		select {
		case <-done:
			return
		case <-o.signal:
		}
	}
}
