package tlsgen_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/sim/tlsgen"
)

// A client that trusts the written CA file (as resilient-circuits trusts
// app.config's cafile) talks HTTPS to a server with the generated
// certificate, by IP and by name; a client with the system roots only
// refuses it.
func TestGeneratedCertificates(t *testing.T) {
	t.Parallel()
	certs, err := tlsgen.Generate("irisflow test", tlsgen.Hosts("soar.test:443", ":8800", "0.0.0.0:1")...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	srv.TLS = certs.ServerConfig()
	srv.StartTLS()
	t.Cleanup(srv.Close)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := certs.WriteCA(caFile); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("the CA file holds no CA certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	leaf, err := x509.ParseCertificate(certs.Server.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "localhost", "soar.test"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
			t.Errorf("certificate for %s: %v", host, err)
		}
	}

	get := func(tc *tls.Config) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(&tls.Config{RootCAs: pool}); err != nil {
		t.Errorf("trusting the CA file: %v", err)
	}
	if err := get(certs.ClientConfig()); err != nil {
		t.Errorf("ClientConfig: %v", err)
	}
	if err := get(&tls.Config{}); err == nil || !strings.Contains(err.Error(), "unknown authority") {
		t.Errorf("system roots only: %v, want unknown authority", err)
	}
}
