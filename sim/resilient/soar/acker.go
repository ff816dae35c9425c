package soarsim

import (
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
)

// acker ACKs the replies of one connection on its own goroutine.
//
// The goroutine that drains the subscription must never ACK: go-stomp's
// Conn.Ack queues the frame for go-stomp's frame loop, and that loop, when
// it is handing the next MESSAGE to the subscription, waits for the drainer.
// Under a burst of replies each waited on the other for good (issue 11.5:
// collect blocked in Conn.Ack, processLoop blocked delivering a MESSAGE).
// The queue here is unbounded, so push never blocks.
type acker struct {
	conn *stomp.Conn
	dead <-chan struct{}

	mu      sync.Mutex
	q       []*stomp.Message
	stopped bool
	wake    chan struct{} // capacity 1
	done    chan struct{} // closed when run returns
}

func startAcker(c *stomp.Conn, dead <-chan struct{}) *acker {
	a := &acker{conn: c, dead: dead, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go a.run()
	return a
}

// push queues m for ACK; it never blocks.
func (a *acker) push(m *stomp.Message) {
	a.mu.Lock()
	a.q = append(a.q, m)
	a.mu.Unlock()
	a.signal()
}

func (a *acker) signal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// stop lets the queued ACKs go out and waits for that at most bound.
func (a *acker) stop(bound time.Duration) {
	a.mu.Lock()
	a.stopped = true
	a.mu.Unlock()
	a.signal()
	select {
	case <-a.done:
	case <-time.After(bound):
	}
}

func (a *acker) run() {
	defer close(a.done)
	for {
		a.mu.Lock()
		batch, stopped := a.q, a.stopped
		a.q = nil
		a.mu.Unlock()
		for _, m := range batch {
			// An ACK lost with the connection leaves the reply un-ACKed: the
			// broker redelivers it and record drops it by message-id.
			if err := a.conn.Ack(m); err != nil {
				return
			}
		}
		if len(batch) > 0 {
			continue
		}
		if stopped {
			return
		}
		select {
		case <-a.wake:
		case <-a.dead:
			return
		}
	}
}
