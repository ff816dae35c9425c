package bridge

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
)

// replyConn is the bridge's STOMP connection for replies: every SEND asks for
// its own RECEIPT, and many SENDs are outstanding at once (bounded by the
// reply consumer's concurrency). go-stomp cannot do that: its Conn.Send holds
// the connection's lock until the RECEIPT comes back, one reply per round
// trip (≈3,600 replies/s on loopback, and 1/RTT over a WAN). The frames are
// written and read with go-stomp's frame package.
//
// A dead link is noticed by heart-beats: no frame or heart-beat from the
// broker for twice its heart-beat interval plus half of ours (readTimeout) fails
// the connection, and so does a RECEIPT older than receiptTimeout (a broker
// that beats but does not answer). Failing the connection fails every SEND
// still waiting for its RECEIPT with errLinkLost: the caller sends it again
// on the next connection. Those are the only SENDs that can reach Resilient
// twice: the broker may have taken them before the link died.
type replyConn struct {
	raw    net.Conn
	server string

	out chan *frame.Frame // to the writer goroutine

	mu      sync.Mutex
	pending map[string]chan error // receipt id -> the SEND's outcome (buffered 1)
	sentAt  map[string]time.Time
	err     error // why the connection ended; set once dead is closed

	nextID atomic.Uint64
	dead   chan struct{}
	once   sync.Once

	readTimeout    time.Duration // 0: the broker sends no heart-beats
	writeEvery     time.Duration // 0: the broker wants none
	receiptTimeout time.Duration
}

// errLinkLost is the error of a SEND whose connection died before its
// RECEIPT came: it is sent again on the next connection.
var errLinkLost = errors.New("reply connection lost before the RECEIPT")

// refusalError is a broker ERROR frame answering one SEND (its receipt-id).
type refusalError struct{ message string }

func (e *refusalError) Error() string { return "broker ERROR: " + e.message }

const (
	// writeWait bounds one write to the broker: a link whose socket buffer
	// stays full is dead.
	writeWait = 10 * time.Second
	// replyQueue is how many frames may wait for the writer goroutine.
	replyQueue = 1024
)

// dialReplies opens and logs in a reply connection, bounded like dial.
func (d *dialer) dialReplies(ctx context.Context, receiptTimeout time.Duration) (*replyConn, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	a, err := d.open(ctx)
	if err != nil {
		return nil, err
	}
	nc := a.nc
	fail := func(step string, err error) (*replyConn, error) { return nil, a.fail(step, err) }
	host, _, _ := net.SplitHostPort(d.addr)
	hb := strconv.FormatInt(d.cfg.HeartBeat.Milliseconds(), 10)
	connect := frame.New(frame.CONNECT,
		frame.AcceptVersion, "1.2",
		frame.Host, host,
		frame.HeartBeat, hb+","+hb)
	if d.cfg.Login != "" {
		connect.Header.Add(frame.Login, d.cfg.Login)
		connect.Header.Add(frame.Passcode, d.cfg.Passcode)
	}
	bw := bufio.NewWriterSize(nc, 64<<10)
	fw := frame.NewWriter(bw)
	if err := fw.Write(connect); err != nil {
		return fail("stomp connect", err)
	}
	if err := bw.Flush(); err != nil {
		return fail("stomp connect", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetReadDeadline(dl)
	}
	fr := frame.NewReader(nc)
	var resp *frame.Frame
	for resp == nil { // skip heart-beats
		if resp, err = fr.Read(); err != nil {
			return fail("stomp connect", err)
		}
	}
	if resp.Command != frame.CONNECTED {
		return fail("stomp connect", fmt.Errorf("broker answered %s: %s", resp.Command, resp.Header.Get(frame.Message)))
	}
	_ = nc.SetReadDeadline(time.Time{})
	if !a.done() {
		return fail("stomp connect", errors.New("connection closed as the attempt ended"))
	}
	c := &replyConn{
		raw: nc, server: resp.Header.Get(frame.Server),
		out:     make(chan *frame.Frame, replyQueue),
		pending: map[string]chan error{}, sentAt: map[string]time.Time{},
		dead:           make(chan struct{}),
		receiptTimeout: receiptTimeout,
	}
	// heart-beat: sx,sy from the broker; we send every max(cx, sy) and
	// expect a frame every max(sx, cy) (STOMP 1.2), here cx = cy = HeartBeat.
	if v, ok := resp.Header.Contains(frame.HeartBeat); ok {
		sx, sy, err := frame.ParseHeartBeat(v)
		if err != nil {
			c.fail(err)
			return fail("stomp connect", err)
		}
		if ours := d.cfg.HeartBeat; ours > 0 {
			if sx > 0 { // ActiveMQ may beat up to 2× late (AMQ-4710): see heartBeatSlack
				c.readTimeout = heartBeatSlack*max(sx, ours) + ours/2
			}
			if sy > 0 {
				c.writeEvery = max(sy, ours)
			}
		}
	}
	go c.readLoop(fr)
	go c.writeLoop(bw, fw)
	go c.watchReceipts()
	return c, nil
}

// send SENDs body to dest with a receipt and waits for it: nil once the
// broker's RECEIPT came, a *refusalError when the broker answered it with
// an ERROR, errLinkLost (wrapped) when the connection died first.
func (c *replyConn) send(ctx context.Context, dest, contentType string, body []byte, headers ...string) error {
	id := strconv.FormatUint(c.nextID.Add(1), 10)
	f := frame.New(frame.SEND, frame.Destination, dest, frame.ContentLength, strconv.Itoa(len(body)))
	if contentType != "" {
		f.Header.Add(frame.ContentType, contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		f.Header.Add(headers[i], headers[i+1])
	}
	f.Header.Add(frame.Receipt, id)
	f.Body = body
	done := make(chan error, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return fmt.Errorf("%w: %w", errLinkLost, err)
	}
	c.pending[id] = done
	c.sentAt[id] = time.Now()
	c.mu.Unlock()
	select {
	case c.out <- f:
	case <-c.dead: // fail resolved done
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
}

func (c *replyConn) forget(id string) {
	c.mu.Lock()
	delete(c.pending, id)
	delete(c.sentAt, id)
	c.mu.Unlock()
}

// resolve hands a SEND its outcome.
func (c *replyConn) resolve(id string, err error) {
	c.mu.Lock()
	ch, ok := c.pending[id]
	delete(c.pending, id)
	delete(c.sentAt, id)
	c.mu.Unlock()
	if ok {
		ch <- err
	}
}

// fail ends the connection (once): every SEND still waiting fails with
// errLinkLost.
func (c *replyConn) fail(why error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = why
		pending := c.pending
		c.pending, c.sentAt = map[string]chan error{}, map[string]time.Time{}
		c.mu.Unlock()
		close(c.dead)
		_ = c.raw.Close()
		for _, ch := range pending {
			ch <- fmt.Errorf("%w: %w", errLinkLost, why)
		}
	})
}

// reason is why the connection ended (nil while it lives).
func (c *replyConn) reason() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *replyConn) readLoop(fr *frame.Reader) {
	var deadlineAt time.Time
	for {
		if c.readTimeout > 0 {
			// Moving the deadline costs a timer update: do it once per
			// quarter of the timeout, not per frame.
			if now := time.Now(); now.Sub(deadlineAt) > c.readTimeout/4 {
				deadlineAt = now
				_ = c.raw.SetReadDeadline(now.Add(c.readTimeout))
			}
		}
		f, err := fr.Read()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = fmt.Errorf("no frame or heart-beat from the broker for %s: link dead", c.readTimeout)
			}
			c.fail(err)
			return
		}
		if f == nil { // heart-beat
			continue
		}
		switch f.Command {
		case frame.RECEIPT:
			c.resolve(f.Header.Get(frame.ReceiptId), nil)
		case frame.ERROR:
			msg := f.Header.Get(frame.Message)
			if id, ok := f.Header.Contains(frame.ReceiptId); ok {
				c.resolve(id, &refusalError{message: msg})
			}
			c.fail(fmt.Errorf("broker sent ERROR: %s", msg))
			return
		}
	}
}

func (c *replyConn) writeLoop(bw *bufio.Writer, fw *frame.Writer) {
	var beat <-chan time.Time
	if c.writeEvery > 0 {
		t := time.NewTicker(c.writeEvery / 2)
		defer t.Stop()
		beat = t.C
	}
	wrote := false
	write := func(f *frame.Frame) bool {
		if err := fw.Write(f); err != nil { // into bw: flushed below
			c.fail(fmt.Errorf("write: %w", err))
			return false
		}
		return true
	}
	flush := func() bool {
		_ = c.raw.SetWriteDeadline(time.Now().Add(writeWait))
		if err := bw.Flush(); err != nil {
			c.fail(fmt.Errorf("write: %w", err))
			return false
		}
		return true
	}
	for {
		select {
		case <-c.dead:
			return
		case f := <-c.out:
			if !write(f) {
				return
			}
			for more := true; more; { // coalesce what is queued into one write
				select {
				case f := <-c.out:
					if !write(f) {
						return
					}
				default:
					more = false
				}
			}
			if !flush() {
				return
			}
			wrote = true
		case <-beat:
			if !wrote && (!write(nil) || !flush()) {
				return
			}
			wrote = false
		}
	}
}

// watchReceipts fails the connection when a RECEIPT is older than
// receiptTimeout: the broker beats but does not answer.
func (c *replyConn) watchReceipts() {
	if c.receiptTimeout <= 0 {
		return
	}
	t := time.NewTicker(max(c.receiptTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-c.dead:
			return
		case now := <-t.C:
			c.mu.Lock()
			var oldest time.Time
			for _, at := range c.sentAt {
				if oldest.IsZero() || at.Before(oldest) {
					oldest = at
				}
			}
			c.mu.Unlock()
			if !oldest.IsZero() && now.Sub(oldest) > c.receiptTimeout {
				c.fail(fmt.Errorf("no RECEIPT within %s; connection closed to start afresh", c.receiptTimeout))
				return
			}
		}
	}
}

// close says DISCONNECT (waiting for its RECEIPT at most disconnectWait)
// and closes the connection.
func (c *replyConn) close() {
	done := make(chan error, 1)
	id := "disconnect-" + strconv.FormatUint(c.nextID.Add(1), 10)
	c.mu.Lock()
	alive := c.err == nil
	if alive {
		c.pending[id] = done
	}
	c.mu.Unlock()
	if alive {
		select {
		case c.out <- frame.New(frame.DISCONNECT, frame.Receipt, id):
			select {
			case <-done:
			case <-time.After(disconnectWait):
			}
		case <-c.dead:
		case <-time.After(disconnectWait):
		}
	}
	c.fail(errors.New("closed"))
}
