package soarsim

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// ErrClosed is returned by sends on a closed simulator.
var ErrClosed = errors.New("soarsim: closed")

// sendFrame SENDs a message to the actions queue and waits for the
// broker's RECEIPT. A message whose RECEIPT did not come (connection lost,
// receipt timeout) is sent again on the next connection, until ctx ends: at
// least once, as SOAR's own sender. A broker that refuses the message (an
// ERROR answering the SEND) is an error at once.
func (s *SOAR) sendFrame(ctx context.Context, headers map[string]string, body []byte) error {
	opts := make([]func(*frame.Frame) error, 0, len(headers))
	for k, v := range headers {
		opts = append(opts, stomp.SendOpt.Header(k, v))
	}
	q := s.ActionsQueue()
	var failed *link
	for {
		l := s.links.wait(ctx, s.ctx.Done(), failed)
		if l == nil {
			if ctx.Err() == nil {
				return fmt.Errorf("soarsim: send to %s: %w", q, ErrClosed)
			}
			return fmt.Errorf("soarsim: send to %s: no broker connection: %w", q, ctx.Err())
		}
		err := l.sendReceipted(s.cfg.ReceiptTimeout, q, body, opts...)
		if err == nil {
			return nil
		}
		if msg, refused := brokerRefusal(err); refused {
			return fmt.Errorf("soarsim: send to %s: the broker refused it: %s", q, msg)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("soarsim: send to %s: %w (%v)", q, ctx.Err(), err)
		}
		l.fail()
		failed = l
		s.log.Warn("soarsim: send not receipted; sending again on a new connection", "broker", s.addr,
			"correlation_id", headers[resilient.HeaderCorrelationID], "err", err)
	}
}
