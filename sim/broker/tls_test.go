package broker_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/sim/broker"
	"github.com/irisflow/irisflow/sim/tlsgen"
)

// WithTLS serves stomp+ssl, as SOAR's broker does on port 65001
// (resilient-circuits always connects with TLS: resilient-python-api
// resilient-circuits/resilient_circuits/stomp_component.py, set_ssl); a
// client trusting the generated CA connects, one trusting only the system
// roots is refused.
func TestTLS(t *testing.T) {
	t.Parallel()
	certs, err := tlsgen.Generate("irisflow test")
	if err != nil {
		t.Fatal(err)
	}
	b := start(t, broker.WithTLS(certs.ServerConfig()))
	if !strings.HasPrefix(b.URL(), "stomp+ssl://") {
		t.Fatalf("URL %s, want stomp+ssl://", b.URL())
	}
	tc := certs.ClientConfig()
	tc.ServerName = "127.0.0.1"
	nc, err := tls.Dial("tcp", b.Addr(), tc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := stomp.Connect(nc, logIn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.MustDisconnect() })
	sub, err := c.Subscribe("q", stomp.AckAuto)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send("q", "", []byte("over tls"), stomp.SendOpt.Receipt); err != nil {
		t.Fatal(err)
	}
	if m := read(t, sub); string(m.Body) != "over tls" {
		t.Fatalf("got %q", m.Body)
	}
	if nc, err := tls.Dial("tcp", b.Addr(), &tls.Config{ServerName: "127.0.0.1"}); err == nil {
		nc.Close()
		t.Error("a client trusting only the system roots connected")
	}
}
