// Package soarsim is the STOMP half of the IBM SOAR (Resilient) simulator:
// it sends function and rule-action messages to a broker exactly as SOAR
// frames them (actions.<org>.<destination>, reply-to, correlation-id,
// Co3* headers, FunctionDataDTO / ActionDataDTO bodies), collects the replies
// that arrive on the reply-to queue per correlation-id, and runs the seed
// app's workflows (function sequences plus their post-process scripts,
// applied to the REST simulator's incidents).
package soarsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// Config configures the SOAR STOMP simulator.
type Config struct {
	// BrokerURL is stomp://host:port, or stomp+ssl://host:port for TLS
	// (verified with TLS, or the system roots). Required.
	BrokerURL string
	// Login and Passcode for the broker; empty for none. The simulator's
	// embedded broker takes the REST simulator's API keys
	// (resilientsim.DefaultAPIKeyID and DefaultAPIKeySecret by default).
	Login, Passcode string
	// TLS configures stomp+ssl connections. Default: verified against the
	// system roots.
	TLS *tls.Config
	// Org is the SOAR org id. Default 201.
	Org int64
	// Destination is the message destination's API name. Default "domaintools".
	Destination string
	// Sim is the REST simulator whose incidents receive the workflows' notes
	// and rows. Optional (RunWorkflow needs it).
	Sim *resilientsim.Sim
	// HeartBeat is the STOMP heart-beat asked for both ways. Default 15s.
	HeartBeat time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between reconnection
	// attempts after the broker connection is lost. Defaults 100ms and 5s.
	ReconnectMin, ReconnectMax time.Duration
	// ReceiptTimeout bounds the wait for the RECEIPT of a SEND; past it the
	// connection is closed and the message sent again on the next. Default 30s.
	ReceiptTimeout time.Duration
	// Logger receives connection losses and reconnections. Default: discard.
	Logger *slog.Logger
	// OnReply, when set, is called with every reply recorded (a broker
	// redelivery of the same message is not), as it arrives, with the
	// simulator's lock held: it must not block or call the SOAR. The
	// benchmark times final replies with it.
	OnReply func(correlationID string, ack resilient.Ack)
	// FirstInvocationID starts the counter of invocation ids (invid:<n>) and
	// workflow instance ids; several simulators sending to one destination
	// take ranges apart. Default: from the clock.
	FirstInvocationID int64
}

func (c Config) withDefaults() Config {
	if c.Org == 0 {
		c.Org = 201
	}
	if c.Destination == "" {
		c.Destination = "domaintools"
	}
	if c.HeartBeat == 0 {
		c.HeartBeat = 15 * time.Second
	}
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = 100 * time.Millisecond
	}
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = max(5*time.Second, c.ReconnectMin)
	}
	if c.ReceiptTimeout <= 0 {
		c.ReceiptTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// SOAR is a connected simulator. One broker connection carries its SENDs
// and its subscription to the reply-to queue; when it is lost (heart-beats
// stop, the broker closes it) the simulator logs it, reconnects,
// resubscribes and sends again what the broker had not receipted.
type SOAR struct {
	cfg   Config
	addr  string
	log   *slog.Logger
	links *links

	mu      sync.Mutex
	sent    []Invocation // every message dispatched, in order
	replies map[string][]resilient.Ack
	seen    map[string]struct{} // message-ids of recorded replies
	notify  chan struct{}       // closed and replaced on every reply

	nextInv atomic.Int64

	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New connects to the broker and starts collecting replies on
// /queue/acks.<org>.<destination>.
func New(cfg Config) (*SOAR, error) {
	cfg = cfg.withDefaults()
	addr, useTLS, err := resilient.ParseStompURL(cfg.BrokerURL)
	if err != nil {
		return nil, fmt.Errorf("soarsim: %w", err)
	}
	if useTLS && cfg.TLS == nil {
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if !useTLS {
		cfg.TLS = nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &SOAR{
		cfg:     cfg,
		addr:    addr,
		log:     cfg.Logger.With("component", "soarsim"),
		links:   newLinks(),
		replies: map[string][]resilient.Ack{},
		seen:    map[string]struct{}{},
		notify:  make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
	}
	s.nextInv.Store(time.Now().Unix() % 100000 * 1000)
	if cfg.FirstInvocationID > 0 {
		s.nextInv.Store(cfg.FirstInvocationID)
	}
	l, err := s.connect(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	s.links.set(l)
	go s.run(l)
	return s, nil
}

// closeBound bounds Close: the last ACKs and DISCONNECT (closeWait each),
// with room to spare.
const closeBound = 3 * closeWait

// Close disconnects, within closeBound whatever the broker does.
func (s *SOAR) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		select {
		case <-s.done:
		case <-time.After(closeBound):
			s.closeErr = errors.New("soarsim: close: the broker connection did not close within " + closeBound.String())
		}
	})
	return s.closeErr
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
