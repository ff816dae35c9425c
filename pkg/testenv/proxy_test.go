package testenv_test

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// The proxy forwards both ways; Sever cuts its connections (the client
// reads EOF) and accepts new ones; SetDown(true) refuses them until
// SetDown(false).
func TestProxy(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() { // an echo server
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	p := testenv.StartProxy(t, ln.Addr().String())
	echo := func() (net.Conn, error) {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			return nil, err
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("ping\n")); err != nil {
			c.Close()
			return nil, err
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || line != "ping\n" {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	c, err := echo()
	if err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	defer c.Close()
	testenv.Eventually(t, "the proxy to hold one connection", func() bool { return p.Conns() == 1 })
	p.Sever()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("a severed connection still reads")
	}
	c2, err := echo()
	if err != nil {
		t.Fatalf("after Sever: %v", err)
	}
	c2.Close()
	p.SetDown(true)
	if c3, err := echo(); err == nil {
		c3.Close()
		t.Fatal("a connection through a down proxy echoed")
	}
	p.SetDown(false)
	c4, err := echo()
	if err != nil {
		t.Fatalf("after SetDown(false): %v", err)
	}
	c4.Close()
}
