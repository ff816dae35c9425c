// Package soarsim is the STOMP half of the IBM SOAR (Resilient) simulator:
// it sends function and rule-action messages to a broker exactly as SOAR
// frames them (actions.<org>.<destination>, reply-to, correlation-id,
// Co3* headers, FunctionDataDTO / ActionDataDTO bodies), collects the replies
// that arrive on the reply-to queue per correlation-id, and runs the seed
// app's workflows (function sequences plus their post-process scripts,
// applied to the REST simulator's incidents).
package soarsim

import (
	"github.com/irisflow/irisflow/pkg/stomplog"

	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// Config configures the SOAR STOMP simulator.
type Config struct {
	// BrokerURL is stomp://host:port. Required.
	BrokerURL string
	// Login and Passcode for the broker; empty for none.
	Login, Passcode string
	// Org is the SOAR org id. Default 201.
	Org int64
	// Destination is the message destination's API name. Default "domaintools".
	Destination string
	// Sim is the REST simulator whose incidents receive the workflows' notes
	// and rows. Optional (RunWorkflow needs it).
	Sim *resilientsim.Sim
}

// SOAR is a connected simulator.
type SOAR struct {
	cfg  Config
	addr string

	sendMu sync.Mutex
	send   *stomp.Conn

	mu      sync.Mutex
	sent    []Invocation // every message dispatched, in order
	replies map[string][]resilient.Ack
	notify  chan struct{} // closed and replaced on every reply

	nextInv atomic.Int64

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// New connects to the broker and starts collecting replies on
// /queue/acks.<org>.<destination>.
func New(cfg Config) (*SOAR, error) {
	if cfg.Org == 0 {
		cfg.Org = 201
	}
	if cfg.Destination == "" {
		cfg.Destination = "domaintools"
	}
	u, err := url.Parse(cfg.BrokerURL)
	if err != nil || u.Host == "" || (u.Scheme != "stomp" && u.Scheme != "tcp") {
		return nil, fmt.Errorf("soarsim: broker URL %q: want stomp://host:port", cfg.BrokerURL)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &SOAR{
		cfg:     cfg,
		addr:    u.Host,
		replies: map[string][]resilient.Ack{},
		notify:  make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
	}
	s.nextInv.Store(time.Now().Unix() % 100000 * 1000)
	conn, err := s.dial()
	if err != nil {
		cancel()
		return nil, err
	}
	s.send = conn
	sub, rc, err := s.subscribe()
	if err != nil {
		conn.Disconnect()
		cancel()
		return nil, err
	}
	go s.collect(rc, sub)
	return s, nil
}

// Close disconnects.
func (s *SOAR) Close() error {
	s.cancel()
	<-s.done
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if s.send != nil {
		return s.send.Disconnect()
	}
	return nil
}

// Org is the simulated org id.
func (s *SOAR) Org() int64 { return s.cfg.Org }

// Destination is the message destination's API name.
func (s *SOAR) Destination() string { return s.cfg.Destination }

// ActionsQueue is where messages are sent: actions.<org>.<destination>.
func (s *SOAR) ActionsQueue() string {
	return resilient.ActionsDestination(s.cfg.Org, s.cfg.Destination)
}

// ReplyTo is the reply-to queue: /queue/acks.<org>.<destination>.
func (s *SOAR) ReplyTo() string { return resilient.AcksDestination(s.cfg.Org, s.cfg.Destination) }

func (s *SOAR) dial() (*stomp.Conn, error) {
	opts := []func(*stomp.Conn) error{stomp.ConnOpt.AcceptVersion(stomp.V12), stomp.ConnOpt.HeartBeat(15*time.Second, 15*time.Second),
		stomp.ConnOpt.Logger(stomplog.New(nil))}
	if s.cfg.Login != "" {
		opts = append(opts, stomp.ConnOpt.Login(s.cfg.Login, s.cfg.Passcode))
	}
	c, err := stomp.Dial("tcp", s.addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("soarsim: connect %s: %w", s.addr, err)
	}
	return c, nil
}

func (s *SOAR) subscribe() (*stomp.Subscription, *stomp.Conn, error) {
	c, err := s.dial()
	if err != nil {
		return nil, nil, err
	}
	sub, err := c.Subscribe(s.ReplyTo(), stomp.AckClientIndividual)
	if err != nil {
		c.Disconnect()
		return nil, nil, fmt.Errorf("soarsim: subscribe %s: %w", s.ReplyTo(), err)
	}
	return sub, c, nil
}

// collect records replies; it reconnects after a dropped connection.
func (s *SOAR) collect(c *stomp.Conn, sub *stomp.Subscription) {
	defer close(s.done)
	for {
		lost := false
		for !lost {
			select {
			case <-s.ctx.Done():
				c.Disconnect()
				return
			case m, ok := <-sub.C:
				if !ok || m.Err != nil {
					lost = true
					break
				}
				s.record(m.Header.Get(resilient.HeaderCorrelationID), m.Body)
				_ = c.Ack(m)
			}
		}
		_ = c.MustDisconnect()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			var err error
			if sub, c, err = s.subscribe(); err == nil {
				break
			}
		}
	}
}

func (s *SOAR) record(cid string, body []byte) {
	ack, err := resilient.DecodeReply(body)
	if err != nil {
		ack = &resilient.Ack{MessageType: resilient.MessageError, Message: "soarsim: undecodable reply: " + err.Error(), Complete: false}
	}
	s.mu.Lock()
	s.replies[cid] = append(s.replies[cid], *ack)
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
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

// sendFrame SENDs a message to the actions queue with a receipt. A failed
// send reconnects for the next call.
func (s *SOAR) sendFrame(headers map[string]string, body []byte) error {
	opts := []func(*frame.Frame) error{stomp.SendOpt.Receipt}
	for k, v := range headers {
		opts = append(opts, stomp.SendOpt.Header(k, v))
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if s.send == nil {
		c, err := s.dial()
		if err != nil {
			return err
		}
		s.send = c
	}
	if err := s.send.Send(s.ActionsQueue(), "", body, opts...); err != nil {
		_ = s.send.MustDisconnect()
		s.send = nil
		return fmt.Errorf("soarsim: send to %s: %w", s.ActionsQueue(), err)
	}
	return nil
}
