package deps

import (
	"fmt"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/natsembed"
)

// natsURL is where connectNATS connects: the configured server, or, with
// nats_url: embedded, a single-node JetStream server started here on the
// loopback (stopped by Close, after the connection).
func (d *Deps) natsURL() (string, error) {
	cfg := d.Config
	if cfg.NATSURL != config.NATSEmbedded {
		return cfg.NATSURL, nil
	}
	s, err := natsembed.Start(natsembed.Options{Dir: cfg.NATSDataDir, Logger: d.Log})
	if err != nil {
		return "", fmt.Errorf("deps: %w", err)
	}
	d.embedded = s
	d.Log.Info("embedded NATS JetStream started (single node)", "url", s.ClientURL(), "data_dir", cfg.NATSDataDir)
	return s.ClientURL(), nil
}

// stopEmbedded shuts the embedded server down, if one runs.
func (d *Deps) stopEmbedded() {
	if d.embedded == nil {
		return
	}
	d.embedded.Shutdown()
	d.embedded.WaitForShutdown()
	d.embedded = nil
}
