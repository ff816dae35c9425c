package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// freeAddr returns a 127.0.0.1 address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// "irisflow sim resilient --tls" serves REST over https:// and its
// embedded broker over stomp+ssl with a certificate that verifies against
// the CA it writes to --ca-file, as IBM's clients need (resilient-circuits
// speaks TLS only and trusts app.config's cafile: resilient-python-api
// resilient-circuits/resilient_circuits/stomp_component.py; resilient's
// co3base.py for REST). The broker takes the simulator's API key.
func TestSimResilientTLS(t *testing.T) {
	t.Parallel()
	rest, stompAddr := freeAddr(t), freeAddr(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"sim", "resilient", "--tls", "--ca-file", caFile, "--listen", rest, "--stomp-listen", stompAddr})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("sim resilient: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("sim resilient did not stop")
		}
	})

	var client *http.Client
	testenv.Eventually(t, "the CA file", func() bool {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return false
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return false
		}
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
		return true
	})
	var status int
	testenv.Eventually(t, "GET https://…/rest/orgs/201", func() bool {
		req, _ := http.NewRequest(http.MethodGet, "https://"+rest+"/rest/orgs/201", nil)
		req.SetBasicAuth(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret)
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		status = resp.StatusCode
		return true
	})
	if status != http.StatusOK {
		t.Errorf("GET /rest/orgs/201 over https: %d", status)
	}
	tc := client.Transport.(*http.Transport).TLSClientConfig.Clone()
	tc.ServerName = "127.0.0.1"
	nc, err := tls.Dial("tcp", stompAddr, tc)
	if err != nil {
		t.Fatalf("stomp+ssl: %v", err)
	}
	c, err := stomp.Connect(nc, stomp.ConnOpt.Login(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret))
	if err != nil {
		t.Fatalf("stomp+ssl CONNECT: %v", err)
	}
	_ = c.Disconnect()
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("https://" + rest + "/rest/const"); err == nil {
		resp.Body.Close()
		t.Error("a client trusting only the system roots was served")
	}
}
