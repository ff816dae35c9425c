package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Collector takes the messages of one stream, filtered by subject, through
// its own durable consumer, acknowledging each (on a work-queue stream that
// removes it). Its methods fail the test on a JetStream error.
type Collector struct {
	t    testing.TB
	cons jetstream.Consumer
}

// Collect creates the durable consumer named durable (explicit acks, up to
// 10000 pending) on stream for the subjects filter matches ("reply.>",
// "fn.*.pivots.auto"). The name must be unique on the server.
func Collect(t testing.TB, js jetstream.JetStream, stream, filter, durable string) *Collector {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:       durable,
		FilterSubject: filter,
		AckPolicy:     jetstream.AckExplicitPolicy,
		MaxAckPending: 10000,
	})
	if err != nil {
		t.Fatalf("testenv: consumer %s for %s on %s: %v", durable, filter, stream, err)
	}
	return &Collector{t: t, cons: cons}
}

// Fetch returns, acknowledged, the up to max messages that arrive within
// wait (one pull).
func (c *Collector) Fetch(max int, wait time.Duration) []jetstream.Msg {
	c.t.Helper()
	batch, err := c.cons.Fetch(max, jetstream.FetchMaxWait(wait))
	if err != nil {
		c.t.Fatalf("testenv: fetch: %v", err)
	}
	return ackAll(c.t, batch)
}

// Take returns the data of the next n messages, failing the test when fewer
// arrive within the bound.
func (c *Collector) Take(n int, within time.Duration) [][]byte {
	c.t.Helper()
	var out [][]byte
	deadline := time.Now().Add(within)
	for len(out) < n && time.Now().Before(deadline) {
		for _, m := range c.Fetch(n-len(out), 500*time.Millisecond) {
			out = append(out, m.Data())
		}
	}
	if len(out) < n {
		c.t.Fatalf("got %d messages within %s, want %d", len(out), within, n)
	}
	return out
}

// Drain returns the data of every message there is now (those the
// consumer has not delivered yet), without waiting for more. It pulls the
// count the consumer reports rather than fetching with no wait: a no-wait
// pull can come back empty while the server is busy (seen in CI).
func (c *Collector) Drain() [][]byte {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := c.cons.Info(ctx)
	if err != nil {
		c.t.Fatalf("testenv: consumer info: %v", err)
	}
	return c.Take(int(info.NumPending), Wait)
}

// None fails the test (t.Errorf) for every message that arrives within d:
// after the expected ones, it catches duplicates.
func (c *Collector) None(d time.Duration) {
	c.t.Helper()
	for _, m := range c.Fetch(1, d) {
		c.t.Errorf("unexpected extra message on %s: %s", m.Subject(), m.Data())
	}
}

// ackAll reads the whole batch (an abandoned pull would hold later
// messages) and acknowledges each message.
func ackAll(t testing.TB, batch jetstream.MessageBatch) []jetstream.Msg {
	t.Helper()
	var out []jetstream.Msg
	for m := range batch.Messages() {
		if err := m.Ack(); err != nil {
			t.Fatalf("testenv: ack: %v", err)
		}
		out = append(out, m)
	}
	if err := batch.Error(); err != nil {
		t.Fatalf("testenv: fetch: %v", err)
	}
	return out
}
