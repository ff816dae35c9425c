package main

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/irisflow/irisflow/sim/tlsgen"
)

// defaultCAFile is where a simulator's --tls writes its CA unless
// --ca-file says otherwise.
func defaultCAFile(sim string) string {
	return filepath.Join(os.TempDir(), "irisflow-sim-"+sim+"-ca.pem")
}

// simCerts generates the certificates of a simulator's --tls mode for the
// hosts of its listen addresses and writes the CA to caFile, for clients to
// trust (resilient-circuits: cafile= in app.config).
func simCerts(log *slog.Logger, org, caFile string, listen ...string) (*tlsgen.Certs, error) {
	certs, err := tlsgen.Generate(org, tlsgen.Hosts(listen...)...)
	if err != nil {
		return nil, err
	}
	if err := certs.WriteCA(caFile); err != nil {
		return nil, err
	}
	log.Info("TLS on: clients trust the generated CA", "ca_file", caFile)
	return certs, nil
}
