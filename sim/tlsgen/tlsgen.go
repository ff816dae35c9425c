// Package tlsgen makes the certificates of the simulators' --tls mode: a
// CA generated at start and a server certificate it signs for the hosts
// the simulator serves on. IBM's clients speak only TLS to SOAR (REST
// https://, STOMP stomp+ssl) and DomainTools' clients https://; a SOC points
// them at a simulator by trusting the CA file the simulator writes
// (resilient-circuits' app.config cafile=, python_api's verify_ssl).
package tlsgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// validity is how long the generated certificates are valid (from an hour
// ago, for clocks a little behind).
const validity = 30 * 24 * time.Hour

// Certs are a generated CA and a server certificate signed by it.
type Certs struct {
	// CAPEM is the CA certificate, PEM-encoded: what clients trust.
	CAPEM []byte
	// Server is the server certificate and key, with the CA in its chain.
	Server tls.Certificate
	pool   *x509.CertPool
}

// Generate makes a CA named after org (e.g. "irisflow SOAR simulator") and
// a server certificate for hosts, each a DNS name or an IP address.
// 127.0.0.1, ::1 and localhost are always included.
func Generate(org string, hosts ...string) (*Certs, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsgen: CA key: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{org}, CommonName: org + " CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsgen: CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("tlsgen: CA certificate: %w", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsgen: server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{org}, CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	seen := map[string]bool{}
	for _, h := range append([]string{"127.0.0.1", "::1", "localhost"}, hosts...) {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsgen: server certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &Certs{
		CAPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Server: tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key},
		pool:   pool,
	}, nil
}

// Hosts returns the host parts of listen addresses (host:port), skipping
// wildcards (":8800", "0.0.0.0:8800"), for Generate.
func Hosts(addrs ...string) []string {
	var hs []string
	for _, a := range addrs {
		h, _, err := net.SplitHostPort(a)
		if err != nil || h == "" || net.ParseIP(h).IsUnspecified() {
			continue
		}
		hs = append(hs, h)
	}
	return hs
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// ServerConfig serves the server certificate (TLS 1.2 or later).
func (c *Certs) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.Server}, MinVersion: tls.VersionTLS12}
}

// ClientConfig trusts the CA only.
func (c *Certs) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: c.pool, MinVersion: tls.VersionTLS12}
}

// WriteCA writes the CA certificate (PEM) to path, readable by all: it is
// public.
func (c *Certs) WriteCA(path string) error {
	if err := os.WriteFile(path, c.CAPEM, 0o644); err != nil {
		return fmt.Errorf("tlsgen: write CA: %w", err)
	}
	return nil
}
