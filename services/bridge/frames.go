package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	schedule "github.com/irisflow/irisflow/pkg/backoff"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

var errConnLost = errors.New("connection lost")

// serve subscribes to every destination on conn and handles frames with
// Prefetch workers per destination until the connection is lost (error) or
// ctx is done (nil): then it stops taking frames, waits for the frames in
// flight, and unsubscribes, leaving conn open for the replies.
func (b *bridge) serve(ctx context.Context, conn *link, subscribed func()) error {
	var subs []*stomp.Subscription
	for _, d := range b.cfg.Destinations {
		sub, err := conn.Subscribe(d.Queue(), stomp.AckClientIndividual,
			stomp.SubscribeOpt.Id(d.Queue()),
			stomp.SubscribeOpt.Header("activemq.prefetchSize", strconv.Itoa(b.cfg.Prefetch)))
		if err != nil {
			return fmt.Errorf("subscribe %s: %w", d.Queue(), err)
		}
		subs = append(subs, sub)
		b.log.Info("subscribed", "destination", d.Queue(), "prefetch", b.cfg.Prefetch)
	}
	b.ready.setFrames("")
	subscribed()

	frames := make(chan *stomp.Message)
	lost := make(chan error, len(subs))
	stopIntake := make(chan struct{})
	var readers sync.WaitGroup
	for _, sub := range subs {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case m, ok := <-sub.C:
					if !ok {
						lost <- fmt.Errorf("%w: subscription %s closed", errConnLost, sub.Id())
						return
					}
					if m.Err != nil {
						lost <- fmt.Errorf("%w: %s: %w", errConnLost, sub.Destination(), m.Err)
						return
					}
					select {
					case frames <- m:
					case <-stopIntake:
						return // not ACKed: redelivered
					}
				case <-stopIntake:
					return
				}
			}
		}()
	}

	// Workers handle frames under a context that outlives ctx by Grace,
	// so that in-flight frames finish on shutdown.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var workers sync.WaitGroup
	for range b.cfg.Prefetch * len(subs) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for m := range frames {
				b.handleFrame(work, conn, m)
			}
		}()
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-lost:
	case <-conn.dead:
		// The subscriptions normally report why (a broker ERROR's message)
		// a moment later; they may also never hear of it (see link).
		select {
		case err = <-lost:
		case <-time.After(200 * time.Millisecond):
			err = fmt.Errorf("%w: connection closed", errConnLost)
		}
	}
	close(stopIntake)
	readers.Wait()
	close(frames)
	grace := time.AfterFunc(b.cfg.Grace, cancelWork)
	workers.Wait()
	grace.Stop()
	if err != nil {
		return err
	}
	// Shutdown: no more frames. Unsubscribing makes the broker redeliver
	// the frames it had prefetched to us; the connection stays up so that
	// receipts for replies still get through.
	for _, sub := range subs {
		b.unsubscribe(sub)
	}
	return nil
}

// unsubscribe removes sub and waits, at most unsubscribeWait, for the
// broker's RECEIPT, draining (un-ACKed, so redelivered) frames meanwhile.
//
// go-stomp closes sub.C when the RECEIPT comes, and the bridge watches that
// itself: go-stomp's Unsubscribe can miss its own wake-up (it broadcasts
// the close without the lock its waiter holds) and then sits out its whole
// receipt timeout, which held the bridge's shutdown for 30 s.
func (b *bridge) unsubscribe(sub *stomp.Subscription) {
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		for range sub.C { // drained: not ACKed, so the broker redelivers them
		}
	}()
	go func() {
		if err := sub.Unsubscribe(); err != nil {
			b.log.Debug("unsubscribe", "destination", sub.Destination(), "err", err)
		}
	}()
	t := time.NewTimer(unsubscribeWait)
	defer t.Stop()
	select {
	case <-closed:
	case <-t.C:
		b.log.Warn("no RECEIPT for UNSUBSCRIBE; going on with the shutdown", "destination", sub.Destination(), "waited", unsubscribeWait)
	}
}

// handleFrame hands one frame to JetStream and ACKs it; see FrameRecord for
// how redeliveries are recognised.
func (b *bridge) handleFrame(ctx context.Context, conn *link, m *stomp.Message) {
	headers := make(map[string]string, m.Header.Len())
	for i := range m.Header.Len() {
		k, v := m.Header.GetAt(i)
		if _, dup := headers[k]; !dup { // STOMP: the first value wins
			headers[k] = v
		}
	}
	msgID := headers[resilient.HeaderMessageID]
	log := b.log.With("invocation", msgID, "destination", headers[resilient.HeaderDestination], "correlation_id", headers[resilient.HeaderCorrelationID])

	if msgID != "" {
		var rec *FrameRecord
		err := retry(ctx, func() error {
			var err error
			rec, _, err = b.records.get(ctx, msgID)
			return err
		})
		if err != nil {
			log.Warn("frame record unavailable; leaving the frame un-ACKed", "err", err)
			return
		}
		if rec != nil {
			b.redelivered(ctx, conn, m, rec, log)
			return
		}
	}

	inv, err := translate(headers, m.Body, b.cfg.FunctionKinds)
	if err == nil && len(m.Body) >= b.pub.MaxPayload() {
		err = tooLarge(len(m.Body), b.pub.MaxPayload()) // its envelope cannot fit: not even tried
	}
	if err != nil {
		b.rejectFrame(ctx, conn, m, headers, err, log)
		return
	}
	log = log.With("org", inv.Org, "kind", inv.Kind, "function", inv.Function)
	if err := retry(ctx, func() error { return b.pub.Invocation(ctx, inv) }); err != nil {
		if flow.TooLarge(err) { // never publishable: answered, not retried for ever
			b.rejectFrame(ctx, conn, m, headers, tooLarge(len(m.Body), b.pub.MaxPayload()), log)
			return
		}
		log.Warn("publish failed; leaving the frame un-ACKed", "err", err)
		return
	}
	if err := retry(ctx, func() error { return b.records.create(ctx, msgID, StatePublished) }); err != nil {
		log.Warn("frame record not stored; the stream's dedup window still covers a redelivery", "err", err)
	}
	if b.beforeAck != nil && b.beforeAck(inv) {
		conn.fail()
		return
	}
	if err := conn.Ack(m); err != nil {
		log.Warn("ACK failed; the broker will redeliver the frame", "err", err)
		return
	}
	b.cfg.Metrics.FrameIn("published")
	log.Debug("frame handed to FN")
}

// redelivered ACKs a frame that was handled before. Its final reply, if
// one is recorded, is not sent again: the broker receipted it, so it is in
// Resilient's queue already.
func (b *bridge) redelivered(ctx context.Context, conn *link, m *stomp.Message, rec *FrameRecord, log *slog.Logger) {
	log.Info("redelivered frame already handled; not publishing again", "state", rec.State, "has_final", rec.Final != nil)
	if err := conn.Ack(m); err != nil {
		log.Warn("ACK failed; the broker will redeliver the frame", "err", err)
		return
	}
	b.cfg.Metrics.FrameIn("duplicate")
}

// rejectFrame dead-letters a frame that is not work, answers it with an
// error reply when it names a reply-to and a correlation-id, and ACKs it.
func (b *bridge) rejectFrame(ctx context.Context, conn *link, m *stomp.Message, headers map[string]string, cause error, log *slog.Logger) {
	reason := cause.Error()
	log.Warn("frame rejected", "reason", reason)
	h := resilient.ParseHeaders(headers)
	id := h.MessageID
	if id == "" {
		id = "no-message-id:" + FrameKey(string(m.Body))
	}
	safe := make(map[string]string, len(headers))
	for k, v := range headers {
		if k == resilient.HeaderContextToken {
			v = "<redacted>"
		}
		safe[k] = v
	}
	dl := &flow.DeadLetter{ID: id, Source: "STOMP", Service: "bridge", Reason: reason, Headers: safe, Data: m.Body, Subject: h.Destination}
	if len(m.Body) >= b.pub.MaxPayload() {
		dl.Fit(b.pub.MaxPayload())
	}
	if err := retry(ctx, func() error { return b.pub.DeadLetter(ctx, dl) }); err != nil {
		log.Warn("dead letter not stored; leaving the frame un-ACKed", "err", err)
		return
	}
	if h.ReplyTo != "" && h.CorrelationID != "" {
		org, _ := h.Org()
		reply := &flow.Reply{
			InvocationID: id,
			Seq:          1,
			Final:        true,
			Route:        flow.Route{Org: org, Destination: h.DestinationName(), ReplyTo: h.ReplyTo, CorrelationID: h.CorrelationID},
			Message:      resilient.ErrorReply("irisflow: " + reason),
		}
		if err := retry(ctx, func() error { return b.pub.Reply(ctx, reply) }); err != nil {
			log.Warn("error reply not stored; leaving the frame un-ACKed", "err", err)
			return
		}
	}
	if h.MessageID != "" {
		if err := retry(ctx, func() error { return b.records.create(ctx, h.MessageID, StateRejected) }); err != nil {
			log.Warn("frame record not stored", "err", err)
		}
	}
	if err := conn.Ack(m); err != nil {
		log.Warn("ACK failed; the broker will redeliver the frame", "err", err)
		return
	}
	b.cfg.Metrics.FrameIn("rejected")
}

// tooLarge rejects a frame whose envelope cannot be published.
func tooLarge(size, limit int) error {
	return reject("message of %d bytes is over the %d-byte limit of a NATS message", size, limit)
}

// retry runs f until it succeeds or ctx is done, backing off 50ms…5s; a
// message over NATS's max payload is not retried.
func retry(ctx context.Context, f func() error) error {
	for n := 0; ; n++ {
		err := f()
		if err == nil || flow.TooLarge(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up: %v)", err, ctx.Err())
		case <-time.After(schedule.Policy{Base: 50 * time.Millisecond, Max: 5 * time.Second}.Delay(n)):
		}
	}
}
