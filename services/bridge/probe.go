package bridge

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/go-stomp/stomp/v3"
)

// probeWait bounds the wait for the broker's answer to a probe's
// SUBSCRIBE (and the DISCONNECT receipt that follows it).
const probeWait = 10 * time.Second

// Probe checks, for `irisflow check`, what the bridge needs of the broker
// without handling a message: for each destination it connects and logs in
// as the bridge does (TLS verified the same way), subscribes with prefetch 1
// and disconnects with a receipt. The broker answers frames in order, so a
// RECEIPT of the DISCONNECT means the SUBSCRIBE was accepted; a refused one
// comes back as ActiveMQ's ERROR ("User … is not authorized to read from:
// queue://actions.…"). A frame the broker delivers meanwhile is not
// acknowledged, so it is redelivered to the running bridge. Each
// destination gets its own connection, because ActiveMQ closes the
// connection at the first refusal. The result has one entry per
// destination (Destination.Queue()), nil when it can be read.
func Probe(ctx context.Context, cfg Config) (map[string]error, error) {
	cfg = cfg.withDefaults()
	d, err := newDialer(cfg)
	if err != nil {
		return nil, err
	}
	out := map[string]error{}
	for _, dst := range cfg.Destinations {
		out[dst.Queue()] = d.probe(ctx, dst.Queue())
	}
	return out, nil
}

func (d *dialer) probe(ctx context.Context, queue string) error {
	conn, err := d.dial(ctx)
	if err != nil {
		if msg, ok := brokerError(err); ok {
			return fmt.Errorf("the broker refused the login: %s", msg)
		}
		return err
	}
	defer conn.fail()
	sub, err := conn.Subscribe(queue, stomp.AckClientIndividual,
		stomp.SubscribeOpt.Header("activemq.prefetchSize", strconv.Itoa(1)))
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", queue, err)
	}
	done := make(chan error, 1)
	go func() { done <- conn.Disconnect() }()
	t := time.NewTimer(probeWait)
	defer t.Stop()
	select {
	case err = <-done:
	case <-t.C:
		return fmt.Errorf("subscribe %s: no answer from the broker within %s", queue, probeWait)
	case <-ctx.Done():
		return ctx.Err()
	}
	if err == nil {
		return nil // the DISCONNECT's RECEIPT: the SUBSCRIBE before it was accepted
	}
	if _, ok := brokerError(err); ok {
		return subscribeErr(queue, err)
	}
	// The refusal may reach only the subscription.
	wait := time.NewTimer(time.Second)
	defer wait.Stop()
	for {
		select {
		case m, ok := <-sub.C:
			if !ok {
				return subscribeErr(queue, err)
			}
			if m.Err != nil {
				if _, ok := brokerError(m.Err); ok {
					return subscribeErr(queue, m.Err)
				}
			}
			// a real action frame: left unacknowledged, redelivered
		case <-wait.C:
			return subscribeErr(queue, err)
		}
	}
}

func subscribeErr(queue string, err error) error {
	if err == nil {
		return nil
	}
	if msg, ok := brokerError(err); ok {
		return fmt.Errorf("subscribe %s refused: %s", queue, msg)
	}
	return fmt.Errorf("subscribe %s: %w", queue, err)
}
