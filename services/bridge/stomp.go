package bridge

import (
	"github.com/irisflow/irisflow/pkg/stomplog"

	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"time"

	"github.com/go-stomp/stomp/v3"
)

// dialer opens STOMP connections to the broker of a Config.
type dialer struct {
	addr    string
	tls     *tls.Config // nil for plaintext
	cfg     Config
	netDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newDialer(cfg Config) (*dialer, error) {
	addr, useTLS, err := parseStompURL(cfg.StompURL)
	if err != nil {
		return nil, err
	}
	d := &dialer{addr: addr, cfg: cfg, netDial: (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext}
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

// dial connects and logs in. The connection is plain TCP or TLS (verified
// unless InsecureSkipVerify).
func (d *dialer) dial(ctx context.Context) (*stomp.Conn, error) {
	nc, err := d.netDial(ctx, "tcp", d.addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", d.addr, err)
	}
	if d.tls != nil {
		tc := tls.Client(nc, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("tls handshake with %s: %w", d.addr, err)
		}
		nc = tc
	}
	host, _, _ := net.SplitHostPort(d.addr)
	conn, err := stomp.ConnectWithContext(ctx, nc,
		stomp.ConnOpt.Login(d.cfg.Login, d.cfg.Passcode),
		stomp.ConnOpt.Logger(stomplog.New(d.cfg.Logger)),
		stomp.ConnOpt.Host(host),
		stomp.ConnOpt.AcceptVersion(stomp.V12),
		stomp.ConnOpt.HeartBeat(d.cfg.HeartBeat, d.cfg.HeartBeat),
		stomp.ConnOpt.HeartBeatError(d.cfg.HeartBeat),
		stomp.ConnOpt.RcvReceiptTimeout(30*time.Second),
	)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("stomp connect %s: %w", d.addr, err)
	}
	return conn, nil
}

// backoff is exponential between min and max, with full jitter on the upper half.
type backoff struct {
	min, max time.Duration
	n        int
}

func (b *backoff) next() time.Duration {
	d := b.min << min(b.n, 20)
	if d <= 0 || d > b.max {
		d = b.max
	}
	b.n++
	half := d / 2
	return half + rand.N(half+1)
}

func (b *backoff) reset() { b.n = 0 }
