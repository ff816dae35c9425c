package broker

// HoldReceipts makes the broker take every SEND to the destination (with or
// without /queue/) as usual — the message is enqueued and delivered to the
// destination's subscribers — but never send the RECEIPT the SEND asked
// for, as a stalled broker or a RECEIPT lost on the way would. The client
// cannot tell whether its message arrived, and waits out its receipt
// timeout. ReleaseReceipts lifts it for the SENDs that follow; the receipts
// withheld until then are never sent. It lets tests play a client's
// receipt-timeout path, where the message was in fact delivered.
func (b *Broker) HoldReceipts(dest string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.held == nil {
		b.held = map[string]bool{}
	}
	b.held[QueueName(dest)] = true
}

// ReleaseReceipts lifts a HoldReceipts.
func (b *Broker) ReleaseReceipts(dest string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.held, QueueName(dest))
}

// WithheldReceipts returns how many RECEIPTs the broker has withheld, under
// HoldReceipts, for SENDs to the destination (each of them enqueued).
func (b *Broker) WithheldReceipts(dest string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.withheld[QueueName(dest)]
}

// withholdReceiptLocked reports whether the RECEIPT a SEND to queue asks for
// (if any: receipt is its receipt header) is to be withheld, and counts it.
// b.mu must be held.
func (b *Broker) withholdReceiptLocked(queue, receipt string) bool {
	if receipt == "" || !b.held[queue] {
		return false
	}
	if b.withheld == nil {
		b.withheld = map[string]int{}
	}
	b.withheld[queue]++
	return true
}
