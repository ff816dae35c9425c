package broker

import "fmt"

// Deny makes the broker refuse, as ActiveMQ's authorization plugin does,
// every SUBSCRIBE to and SEND to the destination (with or without /queue/):
// the client gets an ERROR frame ("User <login> is not authorized to read
// from: queue://<name>", or "write to" for a SEND) and the connection is
// closed. Allow lifts it. It lets tests play an operator's permission
// mistake and its fix.
func (b *Broker) Deny(dest string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.denied == nil {
		b.denied = map[string]bool{}
	}
	b.denied[QueueName(dest)] = true
}

// Allow lifts a Deny.
func (b *Broker) Allow(dest string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.denied, QueueName(dest))
}

// authorizeLocked returns the ActiveMQ-style refusal of op ("read from" or
// "write to") on queue, or nil. b.mu must be held.
func (b *Broker) authorizeLocked(login, op, queue string) error {
	if !b.denied[queue] {
		return nil
	}
	if login == "" {
		login = "anonymous"
	}
	//lint:ignore ST1005 ActiveMQ's message, verbatim
	return fmt.Errorf("User %s is not authorized to %s: queue://%s", login, op, queue)
}
