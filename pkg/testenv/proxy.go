package testenv

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy is a TCP proxy in front of a server (a STOMP broker) whose
// connections a test can cut, as a network failure would.
type Proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	holes  []*atomic.Bool // one per proxied pair: set, its bytes are dropped
	down   bool           // new connections are closed at once, as if the server were unreachable
}

// StartProxy listens on a free 127.0.0.1 port and forwards every connection
// to target (host:port). It stops, cutting its connections, when the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: proxy listen: %v", err)
	}
	p := &Proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.Sever() })
	go p.accept()
	return p
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.down { // checked with the append under one lock: SetDown's Sever sees every connection
			p.mu.Unlock()
			c.Close()
			u.Close()
			continue
		}
		hole := new(atomic.Bool)
		p.conns = append(p.conns, c, u)
		p.holes = append(p.holes, hole)
		p.mu.Unlock()
		go func() { pipe(u, c, hole); u.Close() }()
		go func() { pipe(c, u, hole); c.Close() }()
	}
}

// pipe copies src to dst, dropping what it reads once hole is set.
func pipe(dst io.Writer, src io.Reader, hole *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !hole.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Blackhole makes every connection the proxy holds half-open, as a dead
// link or a lost NAT entry would: both ends stay connected, and the bytes
// either sends are dropped without a word. New connections work.
func (p *Proxy) Blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range p.holes {
		h.Store(true)
	}
	p.holes = nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetDown makes the server unreachable through the proxy (cutting the
// connections it holds), or reachable again.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.Sever()
	}
}

// Sever cuts every proxied connection; new ones are accepted.
func (p *Proxy) Sever() {
	p.mu.Lock()
	cs := p.conns
	p.conns, p.holes = nil, nil
	p.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
}

// Conns is how many connections the proxy holds open now.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns) / 2
}
