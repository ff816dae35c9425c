package flow

import (
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// lanes keeps messages that share an ordering key (ConsumeOptions.OrderKey)
// in delivery order: each waits for the previous message of its key to be
// handled (and acked) before its own handler runs. Messages of different
// keys do not wait for each other.
type lanes struct {
	mu   sync.Mutex
	tail map[string]chan struct{} // the last admitted message of each key; closed when handled
}

var closedLane = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// enter admits msg (called in delivery order). The handler must wait on
// wait before it runs, and call done once the message is settled.
func (l *lanes) enter(key func(jetstream.Msg) string, msg jetstream.Msg) (wait <-chan struct{}, done func()) {
	if key == nil {
		return closedLane, func() {}
	}
	k := key(msg)
	mine := make(chan struct{})
	l.mu.Lock()
	if l.tail == nil {
		l.tail = map[string]chan struct{}{}
	}
	prev, ok := l.tail[k]
	l.tail[k] = mine
	l.mu.Unlock()
	if !ok {
		prev = closedLane
	}
	return prev, func() {
		l.mu.Lock()
		if l.tail[k] == mine {
			delete(l.tail, k)
		}
		l.mu.Unlock()
		close(mine)
	}
}
