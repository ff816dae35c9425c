package main

import (
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// tracker follows one pass's invocations: when each was sent and when its
// first final reply arrived (from the SOAR simulator's OnReply hook), and
// holds the closed loop's in-flight slots. Counting lost and duplicate
// replies is done at the end from the simulator's own record (tally).
type tracker struct {
	slots chan struct{} // closed loop: one token per invocation in flight; nil = open loop

	mu       sync.Mutex
	sentAt   map[string]time.Time // correlation id → SEND of the bench's own invocation
	order    []string             // own correlation ids in sending order
	finalAt  map[string]time.Time // correlation id → first final reply
	answered int                  // own invocations with a final reply
	last     time.Time            // the latest first final of an own invocation
}

func newTracker(inFlight int) *tracker {
	t := &tracker{sentAt: map[string]time.Time{}, finalAt: map[string]time.Time{}}
	if inFlight > 0 {
		t.slots = make(chan struct{}, inFlight)
	}
	return t
}

// acquire blocks until the closed loop has room for one more invocation
// (at once in the open loop), or done is closed.
func (t *tracker) acquire(done <-chan struct{}) bool {
	if t.slots == nil {
		return true
	}
	select {
	case t.slots <- struct{}{}:
		return true
	case <-done:
		return false
	}
}

// release gives a slot back; t.mu held.
func (t *tracker) release() {
	if t.slots == nil {
		return
	}
	select {
	case <-t.slots:
	default:
	}
}

// sent registers an own invocation once its SEND was receipted (its reply
// may already have arrived).
func (t *tracker) sent(cid string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sentAt[cid] = at
	t.order = append(t.order, cid)
	if f, ok := t.finalAt[cid]; ok {
		t.answer(f)
	}
}

// abandon gives back the slot of an invocation that was never sent.
func (t *tracker) abandon() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.release()
}

// reply is the SOAR simulator's OnReply hook: it must not block.
func (t *tracker) reply(cid string, ack resilient.Ack) {
	if !ack.Complete {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.finalAt[cid]; seen {
		return
	}
	t.finalAt[cid] = now
	if _, own := t.sentAt[cid]; own {
		t.answer(now)
	}
}

// answer counts one own invocation answered at at; t.mu held.
func (t *tracker) answer(at time.Time) {
	t.answered++
	if at.After(t.last) {
		t.last = at
	}
	t.release()
}

// progress is how many own invocations were sent and answered.
func (t *tracker) progress() (sent, answered int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.order), t.answered
}

// latencies are SEND → first final reply of the answered own invocations,
// and the time of the last one.
func (t *tracker) latencies() ([]time.Duration, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]time.Duration, 0, t.answered)
	for _, cid := range t.order {
		if f, ok := t.finalAt[cid]; ok {
			out = append(out, f.Sub(t.sentAt[cid]))
		}
	}
	return out, t.last
}

// ids are the own correlation ids in sending order.
func (t *tracker) ids() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.order...)
}

// replyTally is what SOAR received for a set of invocations.
type replyTally struct {
	Lost             int // no final reply
	DuplicateReplies int // final replies beyond the first
	ErrorReplies     int // final replies of message_type error
	OutOfOrder       int // status messages after the final reply
}

// tally counts, from each invocation's replies as the SOAR simulators
// recorded them (replies to one destination are shared out among its
// subscribers: sources), the lost, duplicate, error and out-of-order
// replies. Order is judged within each source, in arrival order.
func tally(ids []string, sources []func(cid string) []resilient.Ack) replyTally {
	var t replyTally
	for _, cid := range ids {
		finals := 0
		for _, replies := range sources {
			here := 0
			for _, a := range replies(cid) {
				switch {
				case a.Complete:
					here++
					if finals+here == 1 && a.MessageType == resilient.MessageError {
						t.ErrorReplies++
					}
				case here > 0:
					t.OutOfOrder++
				}
			}
			finals += here
		}
		if finals == 0 {
			t.Lost++
		}
		t.DuplicateReplies += max(finals-1, 0)
	}
	return t
}
