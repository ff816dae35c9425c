package soarsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// run keeps the broker connection: it records the replies of the current
// link and, when the link is lost, logs it, reconnects (with backoff) and
// resubscribes, until Close.
func (s *SOAR) run(l *link) {
	defer close(s.done)
	for {
		err := s.drain(l)
		s.links.set(nil)
		if s.ctx.Err() != nil {
			l.shutdown()
			return
		}
		l.fail()
		go discard(l.sub)
		s.log.Warn("soarsim: lost the broker connection; reconnecting", "broker", s.addr, "err", err)
		if l = s.reconnect(); l == nil {
			return
		}
		s.links.set(l)
	}
}

// drain records the replies of l until its connection is lost (the error
// says how) or Close. ACKs go through l.acks, never from here.
func (s *SOAR) drain(l *link) error {
	for {
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-l.dead:
			return errors.New("connection closed")
		case m, ok := <-l.sub.C:
			if !ok {
				return errors.New("subscription closed")
			}
			if m.Err != nil {
				return m.Err
			}
			s.record(m.Header.Get(frame.MessageId), m.Header.Get(resilient.HeaderCorrelationID), m.Body)
			l.acks.push(m)
		}
	}
}

// reconnect dials until a connection is made (nil once Close is called).
func (s *SOAR) reconnect() *link {
	wait := s.cfg.ReconnectMin
	for attempt := 1; ; attempt++ {
		jitter := wait/2 + rand.N(wait/2+1)
		select {
		case <-s.ctx.Done():
			return nil
		case <-time.After(jitter):
		}
		l, err := s.connect(s.ctx)
		if err == nil {
			s.log.Info("soarsim: reconnected to the broker", "broker", s.addr, "reply_to", s.ReplyTo(), "attempts", attempt)
			return l
		}
		if s.ctx.Err() != nil {
			return nil
		}
		s.log.Warn("soarsim: reconnect failed", "broker", s.addr, "attempt", attempt, "err", err)
		wait = min(2*wait, s.cfg.ReconnectMax)
	}
}

// record keeps one reply. A reply redelivered after a lost ACK (same
// message-id) is kept once.
func (s *SOAR) record(messageID, cid string, body []byte) {
	ack, err := resilient.DecodeReply(body)
	if err != nil {
		ack = &resilient.Ack{MessageType: resilient.MessageError, Message: "soarsim: undecodable reply: " + err.Error(), Complete: false}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if messageID != "" {
		if _, dup := s.seen[messageID]; dup {
			return
		}
		s.seen[messageID] = struct{}{}
	}
	s.replies[cid] = append(s.replies[cid], *ack)
	close(s.notify)
	s.notify = make(chan struct{})
	if s.cfg.OnReply != nil {
		s.cfg.OnReply(cid, *ack)
	}
}

// Replies returns every reply received so far for the correlation-id, in
// arrival order.
func (s *SOAR) Replies(correlationID string) []resilient.Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]resilient.Ack(nil), s.replies[correlationID]...)
}

// ErrNoFinal is returned by Await when ctx ends before the final reply.
var ErrNoFinal = errors.New("soarsim: no final reply")

// Await waits until the final reply (complete=true) of correlationID
// arrives, or ctx is done.
func (s *SOAR) Await(ctx context.Context, correlationID string) (*resilient.Ack, error) {
	for {
		s.mu.Lock()
		for _, a := range s.replies[correlationID] {
			if a.Complete {
				s.mu.Unlock()
				return &a, nil
			}
		}
		ch := s.notify
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w for %s: %w", ErrNoFinal, correlationID, ctx.Err())
		case <-ch:
		}
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

// wait returns the current connection, other than not, waiting for one
// until ctx ends or closed is closed (then nil).
func (ls *links) wait(ctx context.Context, closed <-chan struct{}, not *link) *link {
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
		case <-closed:
			return nil
		}
	}
}
