package soarsim

import (
	"crypto/tls"
	"net"
)

// tlsClient wraps nc in TLS with cfg, naming the broker's host for
// verification when cfg names none.
func tlsClient(nc net.Conn, cfg *tls.Config, addr string) *tls.Conn {
	c := cfg.Clone()
	if c.ServerName == "" {
		c.ServerName, _, _ = net.SplitHostPort(addr)
	}
	return tls.Client(nc, c)
}
