package testenv

import (
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// ActiveMQ returns the URL of the real ActiveMQ's STOMP listener
// ($IRISFLOW_TEST_ACTIVEMQ_URL, default stomp://127.0.0.1:61613) and fails,
// never skips, when it is down. Tests sharing it use unique destinations.
func ActiveMQ(t testing.TB) string {
	t.Helper()
	u := os.Getenv("IRISFLOW_TEST_ACTIVEMQ_URL")
	if u == "" {
		u = "stomp://127.0.0.1:61613"
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		t.Fatalf("IRISFLOW_TEST_ACTIVEMQ_URL %q: want stomp://host:port", u)
	}
	c, err := net.DialTimeout("tcp", p.Host, 2*time.Second)
	if err != nil {
		t.Fatalf("no ActiveMQ STOMP listener at %s (%v): run .ci/activemq.sh as root, or set IRISFLOW_TEST_ACTIVEMQ_URL", p.Host, err)
	}
	c.Close()
	return u
}
