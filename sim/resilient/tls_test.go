package resilientsim_test

import (
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

func TestClientTLSWithCAFile(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(resilientsim.New(resilientsim.Config{}).Handler())
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := client(t, srv.URL, func(c *resilient.ClientConfig) { c.CAFile = ca }).GetIncident(ctx(t), inc); err != nil {
		t.Fatalf("with CA file: %v", err)
	}
	_, err := client(t, srv.URL, func(c *resilient.ClientConfig) { c.MaxRetries = -1 }).GetIncident(ctx(t), inc)
	if !errors.Is(err, resilient.ErrNetwork) || resilient.IsRetryable(err) {
		t.Fatalf("untrusted certificate: err = %v, want a permanent network (TLS) error", err)
	}
}
