package broker

import (
	"fmt"

	"github.com/go-stomp/stomp/v3/frame"
)

// message is one message in a queue. Its id is kept across redeliveries.
type message struct {
	id          string
	queue       string
	header      *frame.Header // the SEND headers to pass through
	body        []byte
	redelivered bool
}

// delivery is a message handed to a subscription and not yet ACKed.
type delivery struct {
	ack string
	seq uint64
	msg *message
	sub *subscription
}

// subscription is one SUBSCRIBE of one connection.
type subscription struct {
	conn     *conn
	id       string
	queue    string
	ackMode  string // auto, client, client-individual
	prefetch int
	inflight int
}

func (s *subscription) ready() bool { return s.ackMode == "auto" || s.inflight < s.prefetch }

// queue holds pending messages and the subscriptions that consume them,
// served round-robin.
type queue struct {
	name    string
	pending []*message
	subs    []*subscription
	next    int
}

// queueLocked returns the named queue, creating it. b.mu must be held.
func (b *Broker) queueLocked(name string) *queue {
	q, ok := b.queues[name]
	if !ok {
		q = &queue{name: name}
		b.queues[name] = q
	}
	return q
}

// enqueueLocked appends (or, for a redelivery, prepends) m and dispatches.
func (b *Broker) enqueueLocked(m *message, front bool) {
	q := b.queueLocked(m.queue)
	if front {
		q.pending = append([]*message{m}, q.pending...)
	} else {
		q.pending = append(q.pending, m)
	}
	b.dispatchLocked(q)
}

// dispatchLocked hands pending messages to subscriptions with room, in turn.
func (b *Broker) dispatchLocked(q *queue) {
	for len(q.pending) > 0 && len(q.subs) > 0 {
		var sub *subscription
		for i := 0; i < len(q.subs); i++ {
			s := q.subs[(q.next+i)%len(q.subs)]
			if s.ready() {
				sub = s
				q.next = (q.next + i + 1) % len(q.subs)
				break
			}
		}
		if sub == nil {
			return
		}
		m := q.pending[0]
		q.pending = q.pending[1:]
		b.deliverLocked(sub, m)
	}
}

func (b *Broker) deliverLocked(sub *subscription, m *message) {
	f := frame.New(frame.MESSAGE)
	for i := 0; i < m.header.Len(); i++ {
		k, v := m.header.GetAt(i)
		f.Header.Add(k, v)
	}
	f.Header.Set(frame.Destination, "/queue/"+m.queue)
	f.Header.Set(frame.MessageId, m.id)
	f.Header.Set(frame.Subscription, sub.id)
	if m.redelivered {
		f.Header.Set("redelivered", "true")
	}
	f.Body = m.body
	if sub.ackMode != "auto" {
		b.nextAck++
		d := &delivery{ack: fmt.Sprintf("A:%d", b.nextAck), seq: b.nextAck, msg: m, sub: sub}
		f.Header.Set(frame.Ack, d.ack)
		sub.conn.unacked[d.ack] = d
		sub.inflight++
	}
	sub.conn.out.push(f)
}

// removeSubLocked detaches sub and requeues its un-ACKed messages.
func (b *Broker) removeSubLocked(sub *subscription) {
	q := b.queueLocked(sub.queue)
	for i, s := range q.subs {
		if s == sub {
			q.subs = append(q.subs[:i], q.subs[i+1:]...)
			break
		}
	}
	if q.next >= len(q.subs) {
		q.next = 0
	}
	var back []*message
	for k, d := range sub.conn.unacked {
		if d.sub == sub {
			delete(sub.conn.unacked, k)
			back = append(back, d.msg)
		}
	}
	sortByID(back)
	for i := len(back) - 1; i >= 0; i-- {
		back[i].redelivered = true
		q.pending = append([]*message{back[i]}, q.pending...)
	}
	b.dispatchLocked(q)
}

// sortByID orders messages by their sequence (ids are "ID:...-<n>"), so that
// requeued messages keep their original order.
func sortByID(ms []*message) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && seqOf(ms[j].id) < seqOf(ms[j-1].id); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

func seqOf(id string) uint64 {
	var n uint64
	j := len(id)
	for j > 0 && id[j-1] >= '0' && id[j-1] <= '9' {
		j--
	}
	for _, c := range id[j:] {
		n = n*10 + uint64(c-'0')
	}
	return n
}
