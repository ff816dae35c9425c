package bridge

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// The bridge over stomp+ssl://: a TLS terminator in front of the embedded
// broker serves a certificate from a CA made for the test. A bridge that
// trusts the CA (CAFile), or skips verification when told to, connects and
// carries an invocation to FN and its reply back; a bridge that does not
// trust the CA, or is shown a certificate for another host, refuses the
// server: it keeps retrying with backoff, logs the certificate error and
// publishes nothing.
func TestBridgeTLS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	tests := []struct {
		name      string
		certHosts []string // the server certificate's DNS names and IPs
		urlHost   string   // the host in stomp+ssl://host:port
		caFile    bool     // Config.CAFile = the test CA
		insecure  bool     // Config.InsecureSkipVerify
		refusal   string   // "" when the bridge connects, else part of the logged error
	}{
		{"ca file, ip", []string{"127.0.0.1", "localhost"}, "127.0.0.1", true, false, ""},
		{"ca file, name", []string{"127.0.0.1", "localhost"}, "localhost", true, false, ""},
		{"insecure skip verify", []string{"other.example"}, "127.0.0.1", false, true, ""},
		{"system roots only", []string{"127.0.0.1", "localhost"}, "127.0.0.1", false, false, "certificate signed by unknown authority"},
		{"wrong name", []string{"other.example"}, "localhost", true, false, "certificate is valid for other.example, not localhost"},
		{"name cert, ip url", []string{"localhost"}, "127.0.0.1", true, false, "doesn't contain any IP SANs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, embeddedKind(t))
			term := startTLSTerminator(t, e.url, ca.serverCert(t, tt.certHosts...))
			_, port, _ := net.SplitHostPort(term.addr())
			cfg, logs := e.loggedConfig()
			cfg.StompURL = "stomp+ssl://" + net.JoinHostPort(tt.urlHost, port)
			cfg.InsecureSkipVerify = tt.insecure
			if tt.caFile {
				cfg.CAFile = ca.file
			}
			testenv.RunInBackground(t, "Run", func(ctx context.Context) error { return Run(ctx, cfg) })
			if tt.refusal == "" {
				waitFor(t, "the bridge connected", func() bool { return logs.Count("connected to broker") > 0 })
			}

			ctx := testContext(t, 60*time.Second)
			s := e.soar(0)
			call, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
			if err != nil {
				t.Fatal(err)
			}

			if tt.refusal != "" {
				// Three refused attempts: the bridge keeps retrying, and says why.
				waitFor(t, "three refused connection attempts", func() bool {
					return logs.Count("broker unreachable; retrying") >= 3
				})
				if got := logs.String(); !strings.Contains(got, tt.refusal) {
					t.Fatalf("log does not mention %q:\n%s", tt.refusal, got)
				}
				if logs.Count("connected to broker") > 0 {
					t.Fatalf("bridge connected to a server it must refuse:\n%s", logs.String())
				}
				if n := term.handshakes.Load(); n != 0 {
					t.Errorf("%d TLS handshakes completed, want 0", n)
				}
				if invs := e.invocations(); len(invs) != 0 {
					t.Errorf("FN holds %d invocations from a refused server", len(invs))
				}
				return
			}

			inv := e.waitForInvocation(t, "the invocation in FN", call.CorrelationID)
			if inv.Kind != flow.KindProfile {
				t.Errorf("invocation kind %q, want %q", inv.Kind, flow.KindProfile)
			}
			testenv.Publish(t, e.js, finalReply(inv.ID, inv.Route, 0))
			if got := awaitFinal(t, ctx, s, call.CorrelationID); got.MessageType != resilient.MessageInfo || len(got.Results) == 0 {
				t.Errorf("final reply %+v", got)
			}
			if n := term.handshakes.Load(); n == 0 {
				t.Errorf("no TLS handshake completed: the bridge did not go through TLS")
			}
		})
	}
}

// A peer that accepts the TCP connection and then says nothing, before
// the TLS handshake or after it (a broker that never answers CONNECT),
// cannot hold a connection attempt: it ends at the attempt's timeout, or
// as soon as the caller's context ends, with an error naming the step.
func TestDialSilentPeer(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	tests := []struct {
		name     string
		terminal bool          // a TLS terminator completes the handshake, then the broker is silent
		timeout  time.Duration // the attempt's bound
		cancel   bool          // the caller cancels instead
		wantStep string
		wantErr  error
	}{
		{"silent before tls, timeout", false, 200 * time.Millisecond, false, "tls handshake", context.DeadlineExceeded},
		{"silent before tls, cancelled", false, time.Hour, true, "tls handshake", context.Canceled},
		{"silent after tls, timeout", true, 200 * time.Millisecond, false, "stomp connect", context.DeadlineExceeded},
		{"silent after tls, cancelled", true, time.Hour, true, "stomp connect", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			silent := startSilentListener(t)
			addr := silent.addr()
			var term *tlsTerminator
			if tt.terminal {
				term = startTLSTerminator(t, "stomp://"+addr, ca.serverCert(t, "127.0.0.1"))
				addr = term.addr()
			}
			cfg := Config{StompURL: "stomp+ssl://" + addr, CAFile: ca.file, Logger: slog.New(slog.DiscardHandler)}.withDefaults()
			d, err := newDialer(cfg)
			if err != nil {
				t.Fatal(err)
			}
			d.timeout = tt.timeout
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				conn, err := d.dial(ctx)
				if conn != nil {
					conn.MustDisconnect()
				}
				done <- err
			}()
			if tt.cancel {
				if term != nil { // stuck in CONNECT, past the handshake
					// The terminator's handshake ends before the client's
					// does: wait for the CONNECT frame the client writes
					// after its own, forwarded to the silent broker.
					waitFor(t, "the STOMP CONNECT frame", func() bool { return silent.received.Load() > 0 })
				} else { // stuck in the handshake
					waitFor(t, "the TCP connection", func() bool { return silent.accepted.Load() == 1 })
				}
				cancel()
			}
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("dial still blocked 20s after its timeout or cancel")
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantStep) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("dial error %v, want a %s error wrapping %v", err, tt.wantStep, tt.wantErr)
			}
		})
	}
}

// Run stops promptly when cancelled while a broker behind TLS never answers
// CONNECT.
func TestRunStopsWhileBrokerSilent(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	silent := startSilentListener(t)
	term := startTLSTerminator(t, "stomp://"+silent.addr(), ca.serverCert(t, "127.0.0.1"))
	n := testenv.StartNATS(t)
	_, js := n.Connect(t)
	cfg := Config{
		StompURL:     "stomp+ssl://" + term.addr(),
		CAFile:       ca.file,
		Destinations: []Destination{{Org: 201, Name: "silent"}},
		NATS:         js,
		Grace:        time.Second,
		Logger:       slog.New(slog.DiscardHandler),
	}
	stop := testenv.RunInBackground(t, "Run", func(ctx context.Context) error { return Run(ctx, cfg) })
	ctx := testContext(t, testenv.Wait)
	waitFor(t, "the bridge past the TLS handshake, its reply consumer up", func() bool {
		if term.handshakes.Load() == 0 {
			return false
		}
		_, err := js.Consumer(ctx, flow.BridgeConsumer.Stream, flow.BridgeConsumer.Config.Durable)
		return err == nil
	})
	stop() // fails the test unless Run returns nil soon (not stuck in STOMP CONNECT)
}

// silentListener accepts TCP connections, reads what they send and never
// writes to them.
type silentListener struct {
	*connServer
	accepted atomic.Int64
	received atomic.Int64 // bytes read from every connection
}

func startSilentListener(t *testing.T) *silentListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentListener{connServer: newConnServer(t, ln)}
	s.serve(func(c net.Conn) {
		s.accepted.Add(1)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			s.received.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	return s
}

// connServer is a test's server: it accepts connections on its listener
// and hands each to a handler in a goroutine of its own. When the test ends
// it closes the listener and every connection it tracks (those it accepted
// and those a handler passed to track) and waits for the handlers.
type connServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func newConnServer(t *testing.T, ln net.Listener) *connServer {
	s := &connServer{ln: ln}
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// serve accepts connections until the listener is closed.
func (s *connServer) serve(handle func(net.Conn)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.track(c)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				handle(c)
			}()
		}
	}()
}

// track has c closed when the test ends.
func (s *connServer) track(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, c)
}

func (s *connServer) addr() string { return s.ln.Addr().String() }

// embeddedKind is the embedded broker row of brokerKinds: TLS is tested
// against it alone, since the terminator, not the broker, speaks TLS.
func embeddedKind(t *testing.T) brokerKind {
	t.Helper()
	for _, k := range brokerKinds {
		if k.name == "embedded" {
			return k
		}
	}
	t.Fatal("no embedded broker kind")
	return brokerKind{}
}

// testCA is a certificate authority made for one test; its certificate is
// written as PEM to file (in the test's temp dir; no key is ever committed).
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	der, key := issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "irisflow test CA"},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, file: file}
}

// serverCert issues a server certificate for hosts (IP addresses or DNS names).
func (ca *testCA) serverCert(t *testing.T, hosts ...string) tls.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0]},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, key := issue(t, tmpl, ca)
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}
}

// issue makes a key and a certificate of tmpl for it, valid from an hour
// ago for a day with a random serial number, signed by ca (nil: by the new
// key itself).
func issue(t *testing.T, tmpl *x509.Certificate, ca *testCA) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

// tlsTerminator accepts TLS on a loopback port and forwards the plaintext
// to a STOMP broker, as a TLS-terminating load balancer in front of
// Resilient's broker would. handshakes counts completed TLS handshakes.
type tlsTerminator struct {
	*connServer
	handshakes atomic.Int64
}

func startTLSTerminator(t *testing.T, brokerURL string, cert tls.Certificate) *tlsTerminator {
	t.Helper()
	target, _, err := parseStompURL(brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	term := &tlsTerminator{connServer: newConnServer(t, ln)}
	term.serve(func(c net.Conn) { term.forward(c.(*tls.Conn), target) })
	return term
}

func (term *tlsTerminator) forward(c *tls.Conn, target string) {
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.HandshakeContext(ctx); err != nil {
		return // the client refused the certificate
	}
	term.handshakes.Add(1)
	u, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	term.track(u)
	done := make(chan struct{})
	go func() { _, _ = io.Copy(u, c); u.Close(); close(done) }()
	_, _ = io.Copy(c, u) // until either side closes
	c.Close()
	<-done
}
