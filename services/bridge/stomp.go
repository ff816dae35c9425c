package bridge

import (
	"github.com/irisflow/irisflow/pkg/stomplog"

	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/go-stomp/stomp/v3"
)

// connectTimeout bounds one connection attempt: TCP connect, TLS handshake
// and STOMP CONNECT/CONNECTED.
const connectTimeout = 30 * time.Second

// unsubscribeWait and disconnectWait bound the waits for the broker's
// RECEIPT of UNSUBSCRIBE and DISCONNECT on shutdown.
const (
	unsubscribeWait = 5 * time.Second
	disconnectWait  = 5 * time.Second
)

// dialer opens STOMP connections to the broker of a Config.
type dialer struct {
	addr    string
	tls     *tls.Config // nil for plaintext
	cfg     Config
	netDial func(ctx context.Context, network, addr string) (net.Conn, error)
	timeout time.Duration // per attempt; connectTimeout
}

func newDialer(cfg Config) (*dialer, error) {
	addr, useTLS, err := parseStompURL(cfg.StompURL)
	if err != nil {
		return nil, err
	}
	d := &dialer{addr: addr, cfg: cfg, netDial: (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext, timeout: connectTimeout}
	if useTLS {
		host, _, _ := net.SplitHostPort(addr)
		tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify}
		if cfg.CAFile != "" {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("%w: read CA file: %v", ErrConfig, err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%w: CA file %s holds no PEM certificate", ErrConfig, cfg.CAFile)
			}
			tc.RootCAs = pool
		}
		d.tls = tc
	}
	return d, nil
}

// attempt is one connection attempt in progress: its TCP connection is
// closed when the attempt's context ends, until done is called. go-stomp's
// CONNECT and the reply connection's handshake read without watching the
// context: closing the connection is what unblocks them.
type attempt struct {
	ctx  context.Context
	addr string
	raw  net.Conn // the TCP connection
	nc   net.Conn // raw, or the TLS client over it
	stop func() bool
}

// open dials the broker and does the TLS handshake (verified unless
// InsecureSkipVerify) within ctx, which the caller bounds by d.timeout.
func (d *dialer) open(ctx context.Context) (*attempt, error) {
	nc, err := d.netDial(ctx, "tcp", d.addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", d.addr, err)
	}
	a := &attempt{ctx: ctx, addr: d.addr, raw: nc, nc: nc}
	a.stop = context.AfterFunc(ctx, func() { nc.Close() })
	if d.tls != nil {
		tc := tls.Client(nc, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, a.fail("tls handshake with", err)
		}
		a.nc = tc
	}
	return a, nil
}

// fail closes the attempt's connection and returns err for step, naming
// the end of the attempt's context when that is what ended it.
func (a *attempt) fail(step string, err error) error {
	a.stop()
	a.raw.Close()
	switch {
	case a.ctx.Err() != nil:
		err = fmt.Errorf("%w (%v)", a.ctx.Err(), err)
	case errors.Is(err, os.ErrDeadlineExceeded): // a read deadline taken from ctx
		err = fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return fmt.Errorf("%s %s: %w", step, a.addr, err)
}

// done ends the attempt's watch of its context; false when the context
// ended just as the attempt succeeded (the connection is closed).
func (a *attempt) done() bool { return a.stop() }

// dial connects and logs in. The attempt is bounded by d.timeout and ends
// when ctx does: a peer that accepts TCP and then says nothing (no TLS
// handshake, no CONNECTED) cannot hold the bridge, nor its shutdown.
func (d *dialer) dial(ctx context.Context) (*link, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	a, err := d.open(ctx)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(d.addr)
	w := watch(a.nc)
	conn, err := stomp.ConnectWithContext(ctx, w,
		stomp.ConnOpt.Login(d.cfg.Login, d.cfg.Passcode),
		stomp.ConnOpt.Logger(stomplog.New(d.cfg.Logger)),
		stomp.ConnOpt.Host(host),
		stomp.ConnOpt.AcceptVersion(stomp.V12),
		stomp.ConnOpt.HeartBeat(d.cfg.HeartBeat, d.cfg.HeartBeat),
		stomp.ConnOpt.HeartBeatError(d.cfg.HeartBeat/4), // × 2: dead after twice the broker's interval + half of ours, as replyConn
		stomp.ConnOpt.HeartBeatGracePeriodMultiplier(heartBeatSlack),
		stomp.ConnOpt.RcvReceiptTimeout(0), // see link; replies go on replyConn
		stomp.ConnOpt.UnsubscribeReceiptTimeout(unsubscribeWait),
		stomp.ConnOpt.DisconnectReceiptTimeout(disconnectWait),
	)
	if err != nil {
		return nil, a.fail("stomp connect", err)
	}
	if !a.done() { // ctx ended just as CONNECTED came: the connection is closed
		_ = conn.MustDisconnect()
		return nil, a.fail("stomp connect", errors.New("connection closed as the attempt ended"))
	}
	return &link{Conn: conn, raw: a.raw, dead: w.dead}, nil
}

// heartBeatSlack is how many of the broker's heart-beat intervals may pass
// without a byte before a connection is dead. ActiveMQ beats only when it
// wrote nothing since its last check (AMQ-4710), so after a frame up to
// twice its interval can pass before the next beat (seen on ActiveMQ 5.17).
const heartBeatSlack = 2
